from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zhengxing.orgs"
    verbose_name = "组织与党员 Organisations and members"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers that revoke tokens
