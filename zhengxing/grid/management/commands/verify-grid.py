"""`zhengxing verify-grid [--county CODE] [--repair]`: check the households each campaign has
reached per grid, kept as visits are recorded (`grid.models.Reach`), against its visits.

Names every campaign's grid whose kept count differs from the households its visits met
someone in (a visit or household deleted behind the application's back, a load of visits
written set-based) and exits 1; with `--repair` sets them from the visits (audited) and exits 0.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.core.actor import Actor
from zhengxing.grid.selectors import reach_problems
from zhengxing.grid.services import reach_recount
from zhengxing.orgs.commands import county_named


class Command(BaseCommand):
    help = "Verify each campaign's households reached per grid against its visits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", metavar="CODE", help="only this county's campaigns")
        parser.add_argument(
            "--repair", action="store_true", help="set the counts that differ from the visits"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        county_id = county_named(options["county"]).pk if options["county"] else None
        problems = reach_problems(county_id=county_id)
        for p in problems:
            self.stderr.write(
                f"敲门行动“{p.campaign.purpose}”（id {p.campaign.pk}）网格 {p.grid_id}："
                f"记为已走访{p.kept}户，走访记录为{p.counted}户"
            )
        if problems and options["repair"]:
            actor = Actor.system("verify-grid")
            for campaign in {p.campaign.pk: p.campaign for p in problems}.values():
                reach_recount(actor=actor, campaign=campaign)
            self.stdout.write(f"已按走访记录重算{len(problems)}个网格的已走访户数")
            return
        if problems:
            raise CommandError(
                f"网格走访覆盖校验失败：{len(problems)}个网格的已走访户数与走访记录不符"
                "（--repair 按走访记录重算）",
                returncode=1,
            )
        self.stdout.write("网格走访覆盖校验通过：各网格已走访户数与走访记录一致")
