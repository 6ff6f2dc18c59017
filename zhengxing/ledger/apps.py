from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhengxing.ledger"
    verbose_name = "积分 Points ledger"

    def ready(self) -> None:
        from . import jobs

        jobs.register()
