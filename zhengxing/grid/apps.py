from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "zhengxing.grid"
    verbose_name = "网格化治理 Grid governance"

    def ready(self) -> None:
        from . import jobs

        jobs.register()
