"""`zhengxing verify-ledger [--county CODE] [--against FILE]`: check every branch's hash chain.

Names the first entry of each chain that was edited, deleted, inserted or reordered behind the
application's back, and every member's counted points of a signed quarter (kept for the reports)
that no longer add up to the quarter's entries; then walks the other chains kept like the points
(`ledger.chain_checks`: the points supermarket's) and names theirs the same way; exits 1 when
anything is wrong (0 when all hold). With `--against FILE`, also checks the database against a
county's signed tree heads kept outside it (the file its public page hands out, checked by the
app that signs them, `ledger.chain_checks.register_against`): names every branch and quarter
whose signed record no longer makes the leaf the file holds; a file whose signatures do not
verify is refused.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengxing.core.errors import ServiceError
from zhengxing.ledger import chain_checks
from zhengxing.ledger.chain import ChainProblem
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.selectors import ledger_chain_problems, quarter_points_problems
from zhengxing.orgs.commands import county_named
from zhengxing.orgs.models import Org


class Command(BaseCommand):
    help = "Verify the points ledger's hash chains; exit 1 naming the first bad entry of each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", metavar="CODE", help="only this county's chains")
        parser.add_argument(
            "--against", metavar="FILE", help="a county's signed tree heads kept outside"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        county_id = None
        if options["county"]:
            county = county_named(options["county"])
            county_id = county.pk
        chains, problems = ledger_chain_problems(county_id=county_id)
        self._name(problems, prefix="")
        points = quarter_points_problems(county_id=county_id)
        for x in points[:50]:
            kept = "无记录" if x.kept is None else f"{x.kept}分"
            summed = "无条目" if x.entries is None else f"{x.entries}分"
            self.stderr.write(
                f"支部 {x.branch_id} 党员 {x.member_id} {Quarter(x.year, x.quarter).label}："
                f"汇总表为{kept}，台账条目合计{summed}"
            )
        others = [(c.label, *c.check(county_id)) for c in chain_checks.registered()]
        if options["against"]:
            others.append(self._against(options["against"]))
        for label, _n, found in others:
            self._name(found, prefix=f"{label}：")
        if problems or points or any(found for _label, _n, found in others):
            broken = "".join(
                f"；{label}{n}条链中有{len(found)}条被改动" for label, n, found in others
            )
            raise CommandError(
                f"积分台账校验失败：{chains}条链中有{len(problems)}条被改动，"
                f"{len(points)}处季度积分汇总与台账不符{broken}",
                returncode=1,
            )
        self.stdout.write(f"积分台账校验通过：{chains}条链完整，季度积分汇总与台账一致")
        for label, n, _found in others:
            self.stdout.write(f"{label}台账校验通过：{n}条链完整")

    def _against(self, name: str) -> tuple[str, int, list[ChainProblem]]:
        check = chain_checks.against()
        if check is None:
            raise CommandError("本系统没有可核对留存树头的模块", returncode=2)
        try:
            with open(name, "rb") as file:
                raw = file.read()
        except OSError as failed:
            raise CommandError(f"无法读取留存树头文件 {name}：{failed}", returncode=2) from failed
        try:
            code, checked, problems = check(raw)
        except ServiceError as refused:
            raise CommandError(f"{name}：{refused}", returncode=2) from refused
        return f"留存树头（{code}）", checked, problems

    def _name(self, problems: list[ChainProblem], *, prefix: str) -> None:
        """Each broken chain's first problem, the branch by its name."""
        names = dict(
            Org.objects.filter(pk__in=[p.branch_id for p in problems]).values_list("pk", "name")
        )
        for p in problems:
            if not p.branch_id:  # a problem of no one branch (a kept tree head)
                self.stderr.write(f"{prefix}[{p.kind}] {p.message}")
                continue
            branch = names.get(p.branch_id, f"支部 {p.branch_id}")
            self.stderr.write(f"{prefix}{branch}（id {p.branch_id}）[{p.kind}] {p.message}")
