"""The county's id required on the rows 0008_county_on_category_bases_and_evidence filled."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_county_on_category_bases_and_evidence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="categorybase",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.county",
            ),
        ),
        migrations.AlterField(
            model_name="evidencefile",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.county",
            ),
        ),
    ]
