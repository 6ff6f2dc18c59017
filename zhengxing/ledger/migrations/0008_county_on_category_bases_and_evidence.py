"""Every county-owned row carries its county's id (the shard key): a category's base points take
their catalogue's county; an evidence file the county it was uploaded for (below), one UPDATE
each. A file none of the three names stops the next migration, to be looked at by hand.

Required in the next migration: on PostgreSQL a column filled under a deferred foreign key
cannot be altered in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models

COUNTY = models.ForeignKey(
    db_index=False,
    null=True,
    on_delete=django.db.models.deletion.PROTECT,
    related_name="+",
    to="orgs.county",
)


def fill(table, parent, link):
    """One set-based UPDATE: each row takes its parent's county."""
    return migrations.RunSQL(
        f"UPDATE {table} SET county_id = "
        f"(SELECT p.county_id FROM {parent} p WHERE p.id = {table}.{link})",
        migrations.RunSQL.noop,
    )


# An evidence file has no parent row: the county of the claim that names it, else the lowest of
# its uploader's roles' counties (as `evidence_upload` picks), else its uploader's member record's.
EVIDENCE_COUNTY = """
UPDATE ledger_evidencefile SET county_id = COALESCE(
    (SELECT MIN(c.county_id) FROM ledger_claim c WHERE c.evidence = ledger_evidencefile.path),
    (SELECT MIN(r.county_id) FROM orgs_roleassignment r
     WHERE r.user_id = ledger_evidencefile.uploaded_by_id),
    (SELECT MIN(m.county_id) FROM orgs_member m
     WHERE m.user_id = ledger_evidencefile.uploaded_by_id)
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_claim_origin"),
        ("orgs", "0009_member_indexes_led_by_composites"),
    ]

    operations = [
        migrations.AddField(model_name="categorybase", name="county", field=COUNTY),
        migrations.AddField(model_name="evidencefile", name="county", field=COUNTY),
        fill("ledger_categorybase", "ledger_rulecatalogue", "catalogue_id"),
        migrations.RunSQL(EVIDENCE_COUNTY, migrations.RunSQL.noop),
    ]
