"""Every county-owned row carries its county's id (the shard key): voter codes, votes and the
voting's count rows take their contest's, one UPDATE per table.

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


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0003_vote_quotas"),
        ("orgs", "0009_member_indexes_led_by_composites"),
    ]

    operations = [
        migrations.AddField(model_name="votercode", name="county", field=COUNTY),
        migrations.AddField(model_name="vote", name="county", field=COUNTY),
        migrations.AddField(model_name="votequota", name="county", field=COUNTY),
        fill("contests_votercode", "contests_contest", "contest_id"),
        fill("contests_vote", "contests_contest", "contest_id"),
        fill("contests_votequota", "contests_contest", "contest_id"),
    ]
