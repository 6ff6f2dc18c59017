from django.apps import AppConfig


class DutyReportsConfig(AppConfig):
    name = "zhengxing.dutyreports"
    verbose_name = "述职评议 The secretaries' annual report and review"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengxing.orgs import yearly

        from .selectors import duty_review_rows

        # the target score reads it by name, and a contest may weigh it
        yearly.register(
            "duty_review",
            label=_("Secretary's annual review score"),
            unit=_("points"),
            rows=duty_review_rows,
        )
