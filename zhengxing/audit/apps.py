from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhengxing.audit"
    verbose_name = "审计 Audit"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the login receivers
