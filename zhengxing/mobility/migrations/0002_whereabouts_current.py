"""Each member's latest report marked as where they are now (`Whereabouts.current`), one per
member, with the index the reconciliation's outflow list reads."""

from django.db import migrations, models


def mark_latest(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Mark each member's latest report current."""
    Whereabouts = apps.get_model("mobility", "Whereabouts")
    latest: dict[int, int] = {}
    for pk, member_id in Whereabouts.objects.order_by("reported_at", "pk").values_list(
        "pk", "member_id"
    ):
        latest[member_id] = pk
    Whereabouts.objects.filter(pk__in=list(latest.values())).update(current=True)


class Migration(migrations.Migration):
    dependencies = [
        ("mobility", "0001_registration_codes_and_whereabouts"),
    ]

    operations = [
        migrations.AddField(
            model_name="whereabouts",
            name="current",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_latest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="whereabouts",
            constraint=models.UniqueConstraint(
                condition=models.Q(("current", True)),
                fields=("member",),
                name="mobility_whereabouts_current",
            ),
        ),
        migrations.AddIndex(
            model_name="whereabouts",
            index=models.Index(
                condition=models.Q(("current", True)),
                fields=["county", "city"],
                name="mobility_whereabouts_city",
            ),
        ),
    ]
