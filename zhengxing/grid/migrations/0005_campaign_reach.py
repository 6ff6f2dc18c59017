"""The households a campaign has reached, kept per grid (`Reach`), counted from the visits for
the campaigns already under way."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Exists, OuterRef


def count_reached(apps, schema_editor):
    """One row per campaign and grid: its grid's households a visit met someone in."""
    Campaign = apps.get_model("grid", "Campaign")
    Household = apps.get_model("grid", "Household")
    Reach = apps.get_model("grid", "Reach")
    Visit = apps.get_model("grid", "Visit")
    for campaign in Campaign.objects.all():
        met = Visit.objects.filter(household=OuterRef("pk"), campaign=campaign, outcome="met")
        grids = list(campaign.grids.values_list("pk", flat=True))
        counted = dict(
            Household.objects.filter(Exists(met), grid_id__in=grids)
            .values("grid_id")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "n")
        )
        Reach.objects.bulk_create(
            [
                Reach(
                    county_id=campaign.county_id,
                    campaign=campaign,
                    grid_id=g,
                    reached=counted.get(g, 0),
                )
                for g in grids
            ],
            batch_size=2000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0004_need_grid_due"),
        ("orgs", "0007_apitoken_to_accounts"),
    ]

    operations = [
        migrations.CreateModel(
            name="Reach",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reached", models.PositiveIntegerField(default=0)),
                ("campaign", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reach", to="grid.campaign")),
                ("county", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.county")),
                ("grid", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reach", to="grid.grid")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("campaign", "grid"), name="grid_reach_once")
                ],
            },
        ),
        migrations.RunPython(count_reached, migrations.RunPython.noop),
    ]
