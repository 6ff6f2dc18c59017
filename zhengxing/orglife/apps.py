from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "zhengxing.orglife"
    verbose_name = "组织生活 Organisation life"

    def ready(self) -> None:
        from zhengxing.ledger import chain_checks, origins
        from zhengxing.orgs import yearly as figures
        from zhengxing.stars import sources

        from .selectors.commitments import REVIEW_SCORES_SQL, commitments_board_url
        from .selectors.shop import shop_chains_problems
        from .selectors.yearly import meetings_attended_rows, meetings_held_rows

        # `zhengxing verify-ledger` walks the points supermarket's chain beside the points'
        chain_checks.register("shop", label="积分超市", check=shop_chains_problems)

        # the member's points page links an entry to what earned it: a meeting, a lesson, a
        # chance to serve (`services.chances.chance_record`)
        origins.register(
            "meeting",
            label=_("Meeting"),
            url=lambda pk: reverse("orglife:meeting", args=[pk]),
        )
        origins.register(
            "lesson",
            label=_("Lesson"),
            url=lambda pk: reverse("orglife:course", args=[pk]),
        )
        origins.register(
            "service",
            label=_("Chance to serve"),
            url=lambda pk: reverse("orglife:chance", args=[pk]),
        )
        # the star schemes weigh the branch's half-yearly review of a member's commitments
        # (003: "党支部定期通报党员履诺践诺的情况，并对其作出评价"): one SELECT inside the
        # recompute's statement; the star page links it to the branch's public board
        sources.register("commitment_review", sql=REVIEW_SCORES_SQL, url=commitments_board_url)
        # a contest's daily assessment weighs the growth of organisation life (`orgs.yearly`)
        figures.register(
            "meetings_held", label=_("Meetings held"), unit=_("meetings"), rows=meetings_held_rows
        )
        figures.register(
            "meetings_attended",
            label=_("Members expected at meetings who came"),
            unit="%",
            rows=meetings_attended_rows,
            scale=100,
        )
