from django.apps import AppConfig


class StarsConfig(AppConfig):
    name = "zhengxing.stars"
    verbose_name = "星级 Star ratings"

    def ready(self) -> None:
        from . import jobs

        jobs.register()
