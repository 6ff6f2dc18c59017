"""A need keeps several photos (`NeedPhoto`): the one photo a need had (`Need.photo`, a path)
becomes its first photo row, and the column goes."""

import mimetypes

import django.db.models.deletion
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import migrations, models


def photos_to_rows(apps, schema_editor):
    """Each need's photo path as its photo number 1: the type from the name (the names are our
    own, `ledger.evidence.store`), the size from the file if it is still there, the time the
    need came in; the uploader is not known (the resident had no login)."""
    Need = apps.get_model("grid", "Need")
    NeedPhoto = apps.get_model("grid", "NeedPhoto")
    storage = FileSystemStorage()
    rows = [
        NeedPhoto(
            county_id=county_id,
            need_id=pk,
            path=path,
            content_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
            size=storage.size(path) if storage.exists(path) else 0,
            uploaded_at=received_at,
            position=1,
        )
        for pk, county_id, path, received_at in Need.objects.exclude(photo="")
        .values_list("pk", "county_id", "photo", "received_at")
        .iterator(chunk_size=2000)
    ]
    NeedPhoto.objects.bulk_create(rows, batch_size=2000)


def rows_to_photos(apps, schema_editor):
    """Back: each need's first photo is its one photo again (the others are left out)."""
    Need = apps.get_model("grid", "Need")
    NeedPhoto = apps.get_model("grid", "NeedPhoto")
    firsts = NeedPhoto.objects.filter(need_id=models.OuterRef("pk")).order_by("position")
    Need.objects.update(
        photo=models.functions.Coalesce(
            models.Subquery(firsts.values("path")[:1]), models.Value("")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0005_campaign_reach"),
        ("orgs", "0009_member_indexes_led_by_composites"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NeedPhoto",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("path", models.CharField(max_length=300)),
                ("content_type", models.CharField(max_length=40)),
                ("size", models.PositiveBigIntegerField()),
                ("uploaded_at", models.DateTimeField()),
                ("position", models.PositiveSmallIntegerField()),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.county",
                    ),
                ),
                (
                    "need",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="photos",
                        to="grid.need",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["need", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("need", "position"), name="grid_need_photo_position"
                    )
                ],
            },
        ),
        migrations.RunPython(photos_to_rows, rows_to_photos),
        migrations.RemoveField(
            model_name="need",
            name="photo",
        ),
    ]
