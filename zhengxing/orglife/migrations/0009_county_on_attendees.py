"""Every county-owned row carries its county's id (the shard key): a meeting's roll takes the
meeting's, in one UPDATE.

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
        ("orglife", "0008_theme_day"),
        ("orgs", "0009_member_indexes_led_by_composites"),
    ]

    operations = [
        migrations.AddField(model_name="attendee", name="county", field=COUNTY),
        fill("orglife_attendee", "orglife_meeting", "meeting_id"),
    ]
