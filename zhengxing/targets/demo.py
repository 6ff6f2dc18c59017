"""The demo county's target points (示范旗, 2026): the county's catalogue of 7 key tasks broken
into 20 specific targets for its townships and villages (004 Sanmenxia: "将7项重点任务逐项分解为
20项具体目标"), each township's progress through the year scored in daily assessment by the
county, on-site assessments (of 海流图镇 by the county; of its first village by the county and
the township together, each scoring; a visit to another left open for its panel to score), its
first villages' progress scored by the township, one deduction under the Gaotai rule (003:
"扣去该党支部本年度党建责任书相应分数") for a village whose evaluation was faked, and 巴音乌兰苏木's
gachas' year, every target scored by the sumu in each half, whose organisations' star scheme
weighs these target points as their annual points (000: "苏木乡镇党委每半年对嘎查村工作完成情况
进行动态考评，平均分作为年度积分"; `stars/demo_year.py`, built after this). Built through the real
services; a few hundred entries, so the demo stays quick to build."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Org, RoleAssignment
from zhengxing.orgs.rules import OrgKind, Role

from . import services
from .rules import Measure, TargetSpec, TaskSpec

YEAR = 2026
EVIDENCE = "evidence/demo/target.jpg"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
BOTH = ("township", "village")
# the sumu whose organisations' star scheme weighs the target points (`stars/demo_year.py`)
TARGETS_SUMU = "BYWL"

# (task, [(target, points, measure, goal, evidence required, kinds)]): 7 tasks, 20 targets, 100
Row = tuple[str, int, str, int | None, bool, tuple[str, ...]]
PLAN: tuple[tuple[str, tuple[Row, ...]], ...] = (
    ("政治建设", (
        ("落实“第一议题”制度", 5, Measure.DONE, None, True, BOTH),
        ("开展专题学习研讨", 5, Measure.COUNT, 4, True, BOTH),
        ("落实意识形态工作责任制", 4, Measure.JUDGED, None, False, BOTH),
    )),
    ("思想建设", (
        ("党员学习教育覆盖率", 5, Measure.SHARE, None, False, BOTH),
        ("书记讲党课", 5, Measure.COUNT, 4, True, BOTH),
        ("理论学习中心组学习", 4, Measure.COUNT, 12, False, ("township",)),
    )),
    ("组织建设", (
        ("“三会一课”制度落实", 6, Measure.JUDGED, None, True, BOTH),
        ("主题党日活动", 5, Measure.COUNT, 12, True, BOTH),
        ("发展党员工作规范", 5, Measure.JUDGED, None, False, BOTH),
    )),
    ("作风建设", (
        ("为民办实事项目", 5, Measure.COUNT, 6, True, BOTH),
        ("整治形式主义官僚主义", 4, Measure.JUDGED, None, False, BOTH),
    )),
    ("纪律建设", (
        ("开展警示教育", 5, Measure.DONE, None, True, BOTH),
        ("落实谈心谈话制度", 5, Measure.JUDGED, None, False, BOTH),
    )),
    ("制度建设", (
        ("党建工作责任清单", 5, Measure.DONE, None, True, BOTH),
        ("党务公开", 5, Measure.JUDGED, None, False, BOTH),
        ("党费收缴使用管理", 4, Measure.SHARE, None, False, BOTH),
    )),
    ("党建责任落实", (
        ("党建与业务融合", 5, Measure.JUDGED, None, False, BOTH),
        ("党组织书记抓党建述职", 6, Measure.JUDGED, None, False, BOTH),
        ("基层党组织星级评定", 6, Measure.JUDGED, None, False, ("village",)),
        ("党建品牌创建", 6, Measure.JUDGED, None, False, ("township",)),
    )),
)  # fmt: skip


def demo_tasks() -> tuple[TaskSpec, ...]:
    return tuple(
        TaskSpec(
            code=f"R{t}",
            name=task,
            targets=tuple(
                TargetSpec(
                    code=f"R{t}.{n}",
                    name=name,
                    points=Decimal(points),
                    measure=measure,
                    goal=None if goal is None else Decimal(goal),
                    evidence_required=evidence,
                    kinds=kinds,
                )
                for n, (name, points, measure, goal, evidence, kinds) in enumerate(targets, 1)
            ),
        )
        for t, (task, targets) in enumerate(PLAN, 1)
    )


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


def _as(user: User, day: dt.date) -> Actor:
    return Actor(user=user, label=user.get_username(), now=_at(day))


def _visit(unit: Org, sheets: dict[User, dict[str, Decimal]], day: dt.date) -> int:
    """An on-site visit led by the first of `sheets`, each assessor scoring on the day, closed
    by the leader: the entries it wrote (one per target scored)."""
    leader, *others = sheets
    visit = services.target_visit_open(
        actor=_as(leader, day), unit=unit, visited_on=day, assessors=others,
        note="对照目标清单逐项查看台账、听取汇报", idempotency_key=f"demo-onsite-{unit.pk}",
    )  # fmt: skip
    for user, scores in sheets.items():
        services.target_visit_score(actor=_as(user, day), visit=visit, scores=scores)
    services.target_visit_close(actor=_as(leader, day), visit=visit)
    return len({c for scores in sheets.values() for c in scores})


def demo_targets(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> int:
    """The catalogue, the townships' and two villages' year of work; the entries written."""
    if progress:
        progress("目标积分：7项重点任务、20项具体目标")
    rng = random.Random(seed + 25)
    # the first login of a node wins (township1, not the review's staff added after it)
    roles = {
        (a.role, a.org_id): a.user
        for a in RoleAssignment.objects.filter(county=county, role__in=[Role.COUNTY, Role.TOWNSHIP])
        .select_related("user").order_by("-pk")
    }  # fmt: skip
    root = Org.objects.get(county=county, parent__isnull=True)
    county_user = roles.get((Role.COUNTY, root.pk))
    system = Actor(user=None, label="示范数据", now=_at(dt.date(YEAR, 1, 6)))
    catalogue = services.target_catalogue_draft(
        actor=system, county=county, year=YEAR, name=f"{YEAR}年度党建目标", tasks=demo_tasks()
    )
    services.target_catalogue_publish(actor=system, catalogue=catalogue)
    if county_user is None:
        return 0
    targets = list(catalogue.targets.exclude(measure=Measure.FIGURE).order_by("position"))
    townships = list(Org.objects.filter(county=county, kind=OrgKind.TOWNSHIP).order_by("path"))
    written = 0

    def work(
        unit: Org, assessor: User, codes: list[str], month: int, share: tuple[int, int] = (70, 100)
    ) -> None:
        nonlocal written
        day = dt.date(YEAR, month, 10 + rng.randint(0, 15))
        staff = Actor(user=None, label=f"{unit.name}党务工作者", now=_at(day))
        for target in [t for t in targets if t.code in codes]:
            value = None
            if target.measure == Measure.COUNT:
                value = Decimal(rng.randint(1, int(target.goal or 1)))
            elif target.measure == Measure.SHARE:
                value = Decimal(rng.randint(80, 100))
            entry = services.target_progress_submit(
                actor=staff, unit=unit, code=target.code, text=f"{target.name}：按计划推进",
                value=value, evidence=EVIDENCE if target.evidence_required else "",
                idempotency_key=f"demo-{unit.pk}-{target.code}-{month}",
            )  # fmt: skip
            part = Decimal(rng.randint(*share)) / 100
            services.target_submission_assess(
                actor=_as(assessor, day + dt.timedelta(days=3)), submission=entry,
                points=(target.points * part).quantize(Decimal("0.1")),
            )  # fmt: skip
            written += 2

    codes = [t.code for t in targets]
    points = {t.code: t.points for t in targets}
    for unit in townships:
        mine = [t.code for t in targets if unit.kind in t.kinds]
        work(unit, county_user, mine[:8], 3)
        work(unit, county_user, mine[8:16], 6)
    first = townships[0]
    written += _visit(
        first, {county_user: {c: points[c] - 1 for c in codes[:6]}}, dt.date(YEAR, 6, 24)
    )
    township_user = roles.get((Role.TOWNSHIP, first.pk))
    villages = list(Org.objects.filter(parent=first, kind=OrgKind.VILLAGE).order_by("path")[:2])
    if township_user is not None:
        for village in villages:
            mine = [t.code for t in targets if village.kind in t.kinds]
            work(village, township_user, mine[:6], 5)
        if villages:
            services.target_deduction_record(
                actor=_as(township_user, dt.date(YEAR, 7, 8)),
                unit=villages[-1], points=Decimal(3), source="faked", year=YEAR,
                reason="上半年党员民主评议结果弄虚作假，扣减本年度党建责任书相应分数",
            )  # fmt: skip
            written += 1
            # the county and the township visit the first village together, each scoring
            mine = [t.code for t in targets if villages[0].kind in t.kinds][:4]
            written += _visit(
                villages[0],
                {
                    county_user: {c: points[c] - 1 for c in mine},
                    township_user: {c: points[c] - 2 for c in mine},
                },
                dt.date(YEAR, 9, 16),
            )
            # … and the township leads a visit to the last, left open for its panel to score
            services.target_visit_open(
                actor=_as(township_user, dt.date(YEAR, 11, 20)),
                unit=villages[-1], visited_on=dt.date(YEAR, 11, 20), assessors=[county_user],
                note="年末现场考评：查阅台账、走访党员群众", idempotency_key="demo-onsite-open",
            )  # fmt: skip
    # the sumu's dynamic assessment of its gachas, each half (every target by June, half of
    # them scored again by the autumn: a later daily assessment stands for the earlier)
    sumu = Org.objects.get(county=county, code=TARGETS_SUMU)
    sumu_user = roles.get((Role.TOWNSHIP, sumu.pk))
    if sumu_user is not None:
        for gacha in Org.objects.filter(parent=sumu, kind=OrgKind.VILLAGE).order_by("path"):
            mine = [t.code for t in targets if gacha.kind in t.kinds]
            work(gacha, sumu_user, mine, 5, share=(60, 90))
            work(gacha, sumu_user, mine[::2], 10, share=(85, 100))
    return written
