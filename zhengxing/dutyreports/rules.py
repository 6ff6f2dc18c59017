"""The rules of the secretaries' annual report and review (述职评议) that need no database: the
rubric (items with their maximum, summing to 100), a panel member's marks on it, the panel's
mean and the grade it earns.

Sanmenxia's "3+2" method (article 004, its traditional characters read in simplified ones):
"机关党建以“3+2”科学推进法（党建目标统筹考核、党建第一责任人述职评议、党务干部队伍优化，
推进智慧党建和堡垒党建）为抓手"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengxing.core.errors import ServiceError

RUBRIC_TOTAL = 100
TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")
MAX_ITEMS = 12


class State(models.TextChoices):
    SETUP = "setup", _("Being set up: reports come in")
    MEETING = "meeting", _("Review meeting: the panel scores")
    CLOSED = "closed", _("Closed: results posted")


class Grade(models.TextChoices):
    # the four grades of a review (好 / 较好 / 一般 / 差), apart from the stars' grades
    GOOD = "good", pgettext_lazy("duty review", "Good")
    FAIRLY_GOOD = "fairly_good", pgettext_lazy("duty review", "Fairly good")
    FAIR = "fair", pgettext_lazy("duty review", "Fair")
    POOR = "poor", pgettext_lazy("duty review", "Poor")


# the grades as the notices and the audit log write them, whatever the page's language
GRADE_WORDS: dict[str, str] = {
    Grade.GOOD: "好",
    Grade.FAIRLY_GOOD: "较好",
    Grade.FAIR: "一般",
    Grade.POOR: "差",
}


# The grade's thresholds when the county sets none: ≥90 好, ≥80 较好, ≥60 一般, below 差. A default
# of this project (the article names the review, not its cut-offs); each round keeps its own.
DEFAULT_THRESHOLDS = (90, 80, 60)

# A rubric to start from when the county has none: a default of this project, summing to 100,
# after the duties the article names for the first responsible person (党建第一责任人).
DEFAULT_RUBRIC: tuple[tuple[str, int], ...] = (
    ("履行党建第一责任人职责", 25),
    ("思想政治建设", 20),
    ("组织建设和党员队伍", 20),
    ("作风建设和党风廉政", 15),
    ("工作创新和实际成效", 20),
)


@dataclass(frozen=True)
class RubricItem:
    name: str
    max_points: int


def check_rubric(items: Sequence[tuple[str, object]]) -> list[RubricItem]:
    """The county's rubric: 1–12 items, each named once (≤50 characters), each worth 1–100
    points, together exactly 100."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ServiceError(f"评分细则须有1至{MAX_ITEMS}项")
    out: list[RubricItem] = []
    for raw_name, raw_max in items:
        name = str(raw_name).strip()
        try:
            top = int(str(raw_max).strip())
        except ValueError:
            top = 0
        if not name or len(name) > 50:
            raise ServiceError("评分细则每项须有名称（不超过50字）")
        if not 1 <= top <= RUBRIC_TOTAL:
            raise ServiceError(f"评分项“{name}”的分值须在1至{RUBRIC_TOTAL}之间")
        if any(i.name == name for i in out):
            raise ServiceError(f"评分项“{name}”重复")
        out.append(RubricItem(name, top))
    total = sum(i.max_points for i in out)
    if total != RUBRIC_TOTAL:
        raise ServiceError(f"评分细则各项分值之和须为{RUBRIC_TOTAL}（现为{total}）")
    return out


def check_marks(rubric: Sequence[RubricItem], marks: Mapping[str, object]) -> dict[str, Decimal]:
    """A panel member's marks: one for every rubric item, 0 to its maximum, to one decimal."""
    extra = set(marks) - {i.name for i in rubric}
    if extra:
        raise ServiceError(f"评分细则中没有“{sorted(extra)[0]}”")
    out: dict[str, Decimal] = {}
    for item in rubric:
        raw = marks.get(item.name)
        if raw is None or str(raw).strip() == "":
            raise ServiceError(f"请为“{item.name}”打分")
        try:
            value = Decimal(str(raw).strip()).quantize(ONE_PLACE, ROUND_HALF_UP)
        except (InvalidOperation, ValueError):
            raise ServiceError(f"“{item.name}”的得分须为数字") from None
        if not 0 <= value <= item.max_points:
            raise ServiceError(f"“{item.name}”的得分须在0至{item.max_points}之间")
        out[item.name] = value
    return out


def check_thresholds(good: int, fairly_good: int, fair: int) -> None:
    """好 ≥ good > 较好 ≥ fairly_good > 一般 ≥ fair > 差, all within 0–100."""
    if not 100 >= good > fairly_good > fair >= 0:
        raise ServiceError("等次分数线须满足：100 ≥ 好 > 较好 > 一般 ≥ 0")


def mean_score(totals: Sequence[Decimal]) -> Decimal:
    """The panel's score of a report: the mean of its members' totals, to two places, half up
    (as every score of the project is rounded)."""
    if not totals:
        raise ValueError("no scores")
    return (sum(totals, Decimal(0)) / len(totals)).quantize(TWO_PLACES, ROUND_HALF_UP)


def grade_for(score: Decimal, thresholds: tuple[int, int, int]) -> str:
    """好 / 较好 / 一般 / 差 by the round's thresholds: a score on a line earns the grade above."""
    good, fairly_good, fair = thresholds
    if score >= good:
        return Grade.GOOD
    if score >= fairly_good:
        return Grade.FAIRLY_GOOD
    if score >= fair:
        return Grade.FAIR
    return Grade.POOR
