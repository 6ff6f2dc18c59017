from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhengxing.jobs"
    verbose_name = "后台任务 Background jobs"

    def ready(self) -> None:
        from . import roster

        roster.register()
