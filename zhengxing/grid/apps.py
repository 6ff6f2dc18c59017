from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "zhengxing.grid"
    verbose_name = "网格化治理 Grid governance"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengxing.orgs import yearly as figures

        from . import jobs
        from .yearly import needs_in_time_rows

        # a contest's daily assessment weighs the growth of needs answered in time
        figures.register(
            "needs_in_time",
            label=_("Residents' needs answered in time"),
            unit="%",
            rows=needs_in_time_rows,
            scale=100,
        )
        jobs.register()  # the households' import, a background job
