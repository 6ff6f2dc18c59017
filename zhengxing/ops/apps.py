from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "zhengxing.ops"
    verbose_name = "运维 Operations"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .sqlite import real_parameter_limit

        connection_created.connect(real_parameter_limit, dispatch_uid="sqlite-parameter-limit")
