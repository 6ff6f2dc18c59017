"""The target ledger's vocabulary and the rules that need no database: what a target is, how it
is measured and scored, who may assess a unit.

Sanmenxia (004): "对95个市直单位和8个县（市、区）全面推行党建目标积分管理，将7项重点任务逐项分解为
20项具体目标，将党组织负责人抓党建的责任指标进行量化，建立目标工作台账，采取日常考评和现场考评相结合
的方式，对目标完成情况进行评审，结果实时公示并有效运用". Every function takes what it needs, so the
tests are tables of cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.ledger.rules import points_normal
from zhengxing.orgs.rules import ROLE_MANAGES_TREE, OrgCategory, OrgKind

# A target's points (its most): at least half a point, at most a whole 100-point year.
POINTS_LOW, POINTS_HIGH = Decimal("0.5"), Decimal("100")
# The share of a target's score the on-site assessments carry when both kinds scored it.
ONSITE_WEIGHT_DEFAULT = 40
# What a deduction takes at most in one entry.
DEDUCTION_HIGH = Decimal("100")
ZERO = Decimal("0")


class Measure(models.TextChoices):
    DONE = "done", _("Done or not")  # 完成与否
    COUNT = "count", _("A count against a goal")  # 数量（对照目标数）
    SHARE = "share", _("A share")  # 比例
    JUDGED = "judged", _("A judged score")  # 评定分
    FIGURE = "figure", _("From a yearly figure")  # 取自年度指标（如述职评议）


MEASURE_LABELS = {
    Measure.DONE: "完成与否",
    Measure.COUNT: "数量",
    Measure.SHARE: "比例",
    Measure.JUDGED: "评定分",
    Measure.FIGURE: "取自年度指标",
}


class EntryKind(models.TextChoices):
    PROGRESS = "progress", _("Progress reported")  # 目标工作台账：进展
    DAILY = "daily", _("Daily assessment")  # 日常考评
    ONSITE = "onsite", _("On-site assessment")  # 现场考评
    DEDUCTION = "deduction", _("Deduction")  # 扣分
    REVERSAL = "reversal", _("Deduction withdrawn")  # 撤销扣分


KIND_LABELS = {
    EntryKind.PROGRESS: "报送进展",
    EntryKind.DAILY: "日常考评",
    EntryKind.ONSITE: "现场考评",
    EntryKind.DEDUCTION: "扣分",
    EntryKind.REVERSAL: "撤销扣分",
}
# The entries a unit's deductions add up from: the deductions (negative) and their reversals.
DEDUCTION_KINDS = (EntryKind.DEDUCTION, EntryKind.REVERSAL)


class DeductionSource(models.TextChoices):
    """Why a unit loses points: Gaotai (003) deducts "扣去该党支部本年度党建责任书相应分数" from a
    branch whose evaluation was late, unfair or faked, or whose results were not published in
    time ("弄虛作假、評選過程不公正和結果不及時公開")."""

    LATE = "late", _("Evaluation late")  # 评价不及时
    UNFAIR = "unfair", _("Evaluation unfair")  # 评价不公正
    FAKED = "faked", _("Evaluation faked")  # 弄虚作假
    UNPUBLISHED = "unpublished", _("Results not published in time")  # 结果未及时公开
    OTHER = "other", _("Other")


SOURCE_LABELS: dict[str, str] = {
    DeductionSource.LATE: "评价不及时",
    DeductionSource.UNFAIR: "评价不公正",
    DeductionSource.FAKED: "弄虚作假",
    DeductionSource.UNPUBLISHED: "结果未及时公开",
    DeductionSource.OTHER: "其他",
}

# The kinds of unit a catalogue may be set by: the county, or a township or street working
# committee for its own subtree (a city's organs' working committee sits at that level).
OWNER_KINDS = frozenset({OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.STREET_COMMITTEE})

# The target entry's columns its hash covers (as `.values()` names them), for `ledger.chain`.
TARGET_CONTENT_FIELDS = (
    "county_id",
    "unit_id",
    "target_id",
    "code",
    "year",
    "kind",
    "points",
    "value",
    "text",
    "evidence",
    "submission_id",
    "visit_id",
    "assessor_id",
    "source",
    "recorded_at",
    "recorded_by_id",
    "seq",
)


def plain(value: Decimal) -> str:
    """Points as a person writes them: 10, 2.5 (not 10.0)."""
    return f"{points_normal(value).normalize():f}"


@dataclass(frozen=True)
class TargetSpec:
    """One specific target (具体目标) as a catalogue states it. `kinds` and `categories` say
    which units it applies to (empty: any)."""

    code: str
    name: str
    points: Decimal
    measure: str = Measure.JUDGED
    goal: Decimal | None = None  # a count's goal
    figure: str = ""  # a figure's registered name (`orgs.yearly`)
    evidence_required: bool = False
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    description: str = ""


def spec_of(t: Any) -> TargetSpec:
    """A target as a spec, from anything with its fields (a stored target, an API body)."""
    return TargetSpec(
        code=t.code,
        name=t.name,
        points=t.points,
        measure=t.measure,
        goal=t.goal,
        figure=t.figure,
        evidence_required=t.evidence_required,
        kinds=tuple(t.kinds),
        categories=tuple(t.categories),
        description=t.description,
    )


@dataclass(frozen=True)
class TaskSpec:
    """A key task (重点任务) and its targets."""

    code: str
    name: str
    targets: tuple[TargetSpec, ...] = field(default=())


def catalogue_problems(tasks: Sequence[TaskSpec], *, known_figures: Iterable[str]) -> list[str]:
    """Everything wrong with a catalogue's tasks and targets, in Chinese."""
    figures = set(known_figures)
    problems: list[str] = []
    if not tasks:
        problems.append("目标清单至少要有一项重点任务")
    codes: set[str] = set()
    for task in tasks:
        if not task.code.strip() or not task.name.strip():
            problems.append("重点任务的代码和名称不能为空")
        if task.code in codes:
            problems.append(f"代码{task.code}重复")
        codes.add(task.code)
        if not task.targets:
            problems.append(f"重点任务“{task.name}”没有具体目标")
        for target in task.targets:
            problems.extend(_target_problems(target, figures))
            if target.code in codes:
                problems.append(f"代码{target.code}重复")
            codes.add(target.code)
    return problems


def _target_problems(target: TargetSpec, figures: set[str]) -> list[str]:
    label = f"具体目标“{target.code} {target.name}”"
    problems = []
    if not target.code.strip() or not target.name.strip():
        problems.append("具体目标的代码和名称不能为空")
    if len(target.code) > 32 or len(target.name) > 200:
        problems.append(f"{label}的代码不能超过32个字，名称不能超过200个字")
    if not POINTS_LOW <= target.points <= POINTS_HIGH:
        problems.append(f"{label}的分值须在{plain(POINTS_LOW)}到{plain(POINTS_HIGH)}分之间")
    if target.measure not in Measure.values:
        problems.append(f"{label}的计分方式“{target.measure}”不存在")
    if target.measure == Measure.COUNT and not (target.goal and target.goal > 0):
        problems.append(f"{label}按数量计分，须填写大于0的目标数")
    if target.measure == Measure.FIGURE and target.figure not in figures:
        problems.append(f"{label}取自年度指标，指标“{target.figure}”不存在")
    if target.measure != Measure.FIGURE and target.figure:
        problems.append(f"{label}不取自年度指标，不能填写指标名")
    bad = [k for k in target.kinds if k not in OrgKind.values]
    bad += [c for c in target.categories if c not in OrgCategory.values]
    if bad:
        problems.append(f"{label}的适用单位类型不存在：{'、'.join(bad)}")
    return problems


def applies_to(
    *, kinds: Sequence[str], categories: Sequence[str], kind: str, category: str
) -> bool:
    """Whether a target set for these kinds and categories (empty: any) applies to a unit."""
    return (not kinds or kind in kinds) and (not categories or category in categories)


def suggested_points(
    *, measure: str, points: Decimal, goal: Decimal | None, value: Decimal | None
) -> Decimal | None:
    """What a submission's reported value earns on its face, for the assessor to start from:
    done → all or nothing, a count → its share of the goal, a share (per cent) → that share;
    a judged score (or a figure) has none."""
    if value is None:
        return None
    if measure == Measure.DONE:
        return points if value > 0 else ZERO
    if measure == Measure.COUNT and goal:
        return points_normal(points * min(value, goal) / goal)
    if measure == Measure.SHARE:
        return points_normal(points * min(max(value, ZERO), Decimal(100)) / 100)
    return None


def target_score(
    *,
    points: Decimal,
    onsite_weight: int,
    daily: Decimal | None,
    onsite: Decimal | None,
    deduction: Decimal = ZERO,
    figure: Decimal | None = None,
    measure: str = Measure.JUDGED,
) -> Decimal:
    """A unit's score on one target. The latest daily assessment stands for the daily part and
    the average of the on-site visits' scores (`visit_score`) for the on-site part; where both
    scored, the on-site part weighs `onsite_weight` per cent ("日常考评和现场考评相结合"). A
    figure's target takes the figure as a grade of 100 scaled to its points. Deductions
    (negative) come off last."""
    if measure == Measure.FIGURE:
        grade = min(max(figure or ZERO, ZERO), Decimal(100))
        score = points * grade / 100
    elif daily is not None and onsite is not None:
        score = (daily * (100 - onsite_weight) + onsite * onsite_weight) / 100
    else:
        score = daily if daily is not None else (onsite if onsite is not None else ZERO)
    score = min(score, points)
    return (score + deduction).quantize(Decimal("0.1"), ROUND_HALF_UP)


def visit_score(points: Sequence[Decimal]) -> Decimal:
    """A visit's score on one target from its named assessors' scores ("采取日常考评和
    现场考评相结合的方式，对目标完成情况进行评审", 004). The article does not say how a panel's
    scores become one: the mean of the scores given, rounded half-up to 0.1 (8, 7 and 7 →
    7.3; 8 and 7 → 7.5). An assessor who gave none for the target does not count."""
    if not points:
        raise ValueError("a visit's score needs at least one assessor's score")
    return (sum(points, ZERO) / len(points)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Grant:
    """A role the assessor holds at a node (its materialised path)."""

    role: str
    path: str


def assessor_problem(
    *, grants: Sequence[Grant], own_branch_path: str | None, unit_path: str
) -> str | None:
    """Why this person may not assess the unit, in Chinese; None when they may. The assessing
    body is the unit's superior: a county or township role strictly above the unit. Nobody
    scores a unit they belong to (a role at or under it, or their own membership there)."""
    belongs = any(g.path.startswith(unit_path) for g in grants) or (
        own_branch_path is not None and own_branch_path.startswith(unit_path)
    )
    if belongs:
        return "考评人不能给自己所在的单位评分"
    above = any(
        g.role in ROLE_MANAGES_TREE
        and unit_path.startswith(g.path)
        and len(g.path) < len(unit_path)
        for g in grants
    )
    if not above:
        return "该单位不在你的考评范围内"
    return None
