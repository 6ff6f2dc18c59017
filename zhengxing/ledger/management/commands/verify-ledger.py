"""`zhengxing verify-ledger [--county CODE]`: check every branch's hash chain.

Names the first entry of each chain that was edited, deleted, inserted or reordered behind the
application's back, and exits 1 when any chain is broken (0 when all hold).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.ledger.selectors import ledger_chain_problems
from zhengxing.orgs.models import County, Org


class Command(BaseCommand):
    help = "Verify the points ledger's hash chains; exit 1 naming the first bad entry of each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", metavar="CODE", help="only this county's chains")

    def handle(self, *args: Any, **options: Any) -> None:
        county_id = None
        if options["county"]:
            county = County.objects.filter(code=options["county"]).first()
            if county is None:
                raise CommandError(f"没有代码为“{options['county']}”的旗县区")
            county_id = county.pk
        chains, problems = ledger_chain_problems(county_id=county_id)
        names = dict(
            Org.objects.filter(pk__in=[p.branch_id for p in problems]).values_list("pk", "name")
        )
        for p in problems:
            branch = names.get(p.branch_id, f"支部 {p.branch_id}")
            self.stderr.write(f"{branch}（id {p.branch_id}）[{p.kind}] {p.message}")
        if problems:
            raise CommandError(
                f"积分台账校验失败：{chains}条链中有{len(problems)}条被改动", returncode=1
            )
        self.stdout.write(f"积分台账校验通过：{chains}条链完整")
