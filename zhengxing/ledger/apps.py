from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhengxing.ledger"
    verbose_name = "积分 Points ledger"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengxing.orgs import yearly as figures

        from . import jobs
        from .yearly import points_rows

        jobs.register()
        # a contest's daily assessment weighs the points' growth (`orgs.yearly`)
        figures.register("points", label=_("Points per member"), unit=_("points"), rows=points_rows)
