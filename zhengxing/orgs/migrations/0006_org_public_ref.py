"""Each organisation gets a random reference for the public pages (issue 16, item 13)."""

import secrets

from django.db import migrations, models

import zhengxing.orgs.models


def give_each_org_a_public_ref(apps, schema_editor):  # type: ignore[no-untyped-def]
    Org = apps.get_model("orgs", "Org")
    orgs = list(Org.objects.only("pk"))
    for org in orgs:
        org.public_ref = secrets.token_hex(8)
    Org.objects.bulk_update(orgs, ["public_ref"], batch_size=2000)


def forget_the_public_refs(apps, schema_editor):  # type: ignore[no-untyped-def]
    pass  # the column goes with the field


class Migration(migrations.Migration):
    dependencies = [("orgs", "0005_apitoken_revoked_at")]

    operations = [
        migrations.AddField(
            model_name="org",
            name="public_ref",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(give_each_org_a_public_ref, forget_the_public_refs),
        migrations.AlterField(
            model_name="org",
            name="public_ref",
            field=models.CharField(
                default=zhengxing.orgs.models.new_public_ref,
                editable=False,
                max_length=16,
                unique=True,
            ),
        ),
    ]
