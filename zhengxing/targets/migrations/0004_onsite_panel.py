"""The on-site visit's panel of named assessors and their scores, kept off the ledger until the
leader closes the visit. The visits recorded before are closed (their scores were entered as
they were given, one entry per assessor and target) and their panel is who scored them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def panels_of_earlier_visits(apps, schema_editor):
    """The panel of a visit recorded before: the assessors who scored it; closed when recorded."""
    visit_model = apps.get_model("targets", "OnsiteVisit")
    entry_model = apps.get_model("targets", "TargetEntry")
    assessor_model = apps.get_model("targets", "OnsiteAssessor")
    for visit in visit_model.objects.filter(closed_at__isnull=True).iterator():
        visit.closed_at, visit.closed_by_id = visit.recorded_at, visit.led_by_id
        visit.save(update_fields=["closed_at", "closed_by"])
        users = set(
            entry_model.objects.filter(visit_id=visit.pk, assessor__isnull=False).values_list(
                "assessor_id", flat=True
            )
        )
        assessor_model.objects.bulk_create(
            assessor_model(county_id=visit.county_id, visit_id=visit.pk, user_id=u)
            for u in sorted(users | {visit.led_by_id})
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0009_member_indexes_led_by_composites"),
        ("targets", "0003_supervision_charges"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="onsitevisit",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="onsitevisit",
            name="closed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="onsitevisit",
            name="status",
            field=models.CharField(
                choices=[("open", "Being scored"), ("closed", "Closed, in the ledger")], default="closed", max_length=8
            ),
        ),
        migrations.AlterField(
            model_name="onsitevisit",
            name="status",
            field=models.CharField(
                choices=[("open", "Being scored"), ("closed", "Closed, in the ledger")], default="open", max_length=8
            ),
        ),
        migrations.CreateModel(
            name="OnsiteAssessor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.county",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="panel",
                        to="targets.onsitevisit",
                    ),
                ),
            ],
            options={
                "verbose_name": "on-site assessor",
                "verbose_name_plural": "on-site assessors",
                "constraints": [
                    models.UniqueConstraint(fields=("visit", "user"), name="onsite_assessor_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="OnsiteScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=32)),
                ("points", models.DecimalField(decimal_places=1, max_digits=5)),
                ("recorded_at", models.DateTimeField()),
                (
                    "assessor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.county",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="targets.target",
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sheet",
                        to="targets.onsitevisit",
                    ),
                ),
            ],
            options={
                "verbose_name": "on-site score",
                "verbose_name_plural": "on-site scores",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("visit", "assessor", "code"), name="onsite_score_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("points__gte", 0)), name="onsite_score_not_negative"
                    ),
                ],
            },
        ),
        migrations.RunPython(panels_of_earlier_visits, migrations.RunPython.noop),
    ]
