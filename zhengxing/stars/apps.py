from django.apps import AppConfig


class StarsConfig(AppConfig):
    name = "zhengxing.stars"
    verbose_name = "星级 Star ratings"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengxing.orgs import yearly as figures

        from . import jobs
        from .yearly import stars_rows

        jobs.register()
        # a contest's daily assessment weighs the stars' growth (`orgs.yearly`)
        figures.register(
            "stars", label=_("Members' average stars"), unit=_("stars"), rows=stars_rows
        )
