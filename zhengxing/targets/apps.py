from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "zhengxing.targets"
    verbose_name = "目标积分 Target points"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengxing.ledger import chain_checks
        from zhengxing.orgs import annual_score
        from zhengxing.orgs import yearly as figures
        from zhengxing.stars import sources

        from .selectors import target_chains_problems
        from .services.charges import target_charge, target_deduction_reverse
        from .standing import target_standings, unit_ledger_url
        from .yearly import target_score_rows

        # a contest's daily assessment weighs the growth of the units' target scores
        figures.register(
            "target_points", label=_("Target points"), unit=_("points"), rows=target_score_rows
        )
        # `zhengxing verify-ledger` walks each unit's target chain beside the points'
        chain_checks.register("targets", label="目标工作", check=target_chains_problems)
        # the higher committee's supervision (integrity) deducts from a branch's annual
        # score and gives it back when its finding is withdrawn (003: "扣去該黨支部本年度
        # 黨建責任書相應分數")
        annual_score.register(charge=target_charge, reverse=target_deduction_reverse)
        # the organisations' star schemes weigh the units' target points (004: "结果实时公示并
        # 有效运用"; a year's, the half-years' average, 000: "平均分作为年度积分"); the star page
        # links the component to the unit's target ledger
        sources.register("target_points", scores=target_standings, url=unit_ledger_url)
