from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhengxing.accounts"
    verbose_name = "账户 Accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the login and token receivers
