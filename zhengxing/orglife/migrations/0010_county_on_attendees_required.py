"""The county's id required on the rows 0009_county_on_attendees filled."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orglife", "0009_county_on_attendees"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attendee",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.county",
            ),
        ),
    ]
