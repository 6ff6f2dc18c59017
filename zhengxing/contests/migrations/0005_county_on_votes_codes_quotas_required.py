"""The county's id required on the rows 0004_county_on_votes_codes_quotas filled."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0004_county_on_votes_codes_quotas"),
    ]

    operations = [
        migrations.AlterField(
            model_name="votercode",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.county",
            ),
        ),
        migrations.AlterField(
            model_name="vote",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.county",
            ),
        ),
        migrations.AlterField(
            model_name="votequota",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.county",
            ),
        ),
    ]
