"""The needs of a township's, village's or grid's lists by due time: (grid, state) becomes
(grid, state, due_at), so the overdue list is counted from the index alone (bench_grid)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0003_need_photo"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="need", name="grid_need_grid_state"),
        migrations.AddIndex(
            model_name="need",
            index=models.Index(fields=["grid", "state", "due_at"], name="grid_need_grid_due"),
        ),
    ]
