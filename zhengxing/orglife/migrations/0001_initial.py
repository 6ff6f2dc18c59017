"""A placeholder on this branch: engineer A's meetings own 0001_initial (the lead reconciles)."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations: list[migrations.operations.base.Operation] = []
