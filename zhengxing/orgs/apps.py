from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zhengxing.orgs"
    verbose_name = "组织与党员 Organisations and members"

    def ready(self) -> None:
        from zhengxing.core import directory

        from .selectors import Directory

        directory.register(
            Directory()
        )  # audit and accounts ask orgs who holds which role, and where
