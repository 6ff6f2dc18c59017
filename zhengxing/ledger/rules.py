"""The points ledger's vocabulary and the rules that need no database: quarters, ranges, caps.

Every function here takes what it needs (today's date, the points already counted) as an
argument, so the tests are tables of cases and nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.core.periods import period_label


class Part(models.TextChoices):
    BASE = "base", _("Base points")  # 基础积分
    BONUS = "bonus", _("Contribution bonus")  # 贡献加分 / 正向加分
    DEDUCTION = "deduction", _("Violation deduction")  # 违规扣分 / 反向扣分


PART_LABELS = {Part.BASE: "基础积分", Part.BONUS: "贡献加分", Part.DEDUCTION: "违规扣分"}


class Recorder(models.TextChoices):
    SELF_REPORT = "self_report", _("Member self-report")  # 个人申报
    COMMITTEE = "committee", _("Branch committee only")  # 支委会登记


class ClaimSource(models.TextChoices):
    SELF = "self", _("Self-report")  # 本人申报
    COMMITTEE = "committee", _("Recorded by the committee")  # 支委会登记
    PUBLIC = "public", _("Reported by the public")  # 群众反映
    LIFE = "life", _("Organisation life")  # 组织生活: a meeting, a commitment, a lesson, a service


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ADJUSTED = "adjusted", _("Approved with adjusted points")
    # a public report the committee set aside as spam (a flood, nonsense): never reviewed,
    # never holds up the quarter's sign-off
    SPAM = "spam", _("Marked as spam")


STATUS_LABELS: dict[str, str] = {
    ClaimStatus.PENDING: "待审核",
    ClaimStatus.APPROVED: "已批准",
    ClaimStatus.REJECTED: "已驳回",
    ClaimStatus.ADJUSTED: "已调整分值后批准",
    ClaimStatus.SPAM: "已标记为垃圾信息",
}

DECIDED = frozenset({ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.ADJUSTED})

# Points are kept to one decimal place (half points occur in published scoring sheets).
POINT = Decimal("0.1")
ZERO = Decimal("0.0")


def points_normal(value: Decimal | int | str) -> Decimal:
    """One decimal place, and never a negative zero (its text would differ from 0.0)."""
    result = Decimal(value).quantize(POINT)
    return ZERO if result == 0 else result


def points_text(value: Decimal | int | str) -> str:
    return f"{points_normal(value):f}"


def signed_points(points: Decimal, part: str) -> Decimal:
    """Items and claims carry magnitudes; the ledger carries signed points."""
    return points_normal(-points if part == Part.DEDUCTION else points)


# --- quarters -----------------------------------------------------------------------------

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1-4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER_RE.match(text)
        if match is None:
            raise ValueError(f"not a quarter: {text!r} (expected e.g. 2026Q2)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """The quarter in words, in Chinese whatever the page's language (it stands in the
        refusals' Chinese messages): "2026年第二季度"."""
        return period_label(self.year, f"Q{self.number}", language="zh-hans")

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


def quarter_of(day: dt.date) -> Quarter:
    return Quarter.of(day)


# Every refusal because a quarter is signed says so, in these words after the quarter's name.
SIGNED = "已签字确认"


class QuarterClosed(str):
    """A rule's refusal because the quarter is signed: a string like every refusal here, of its
    own kind so that a service gives it the code "quarter_closed" (`services._common.refuse`)."""


def quarter_closed(quarter: Quarter, rest: str = "") -> QuarterClosed:
    """ "<quarter>已签字确认<rest>"."""
    return QuarterClosed(f"{quarter.label}{SIGNED}{rest}")


def quarter_is_open(quarter: Quarter, *, today: dt.date, closed: Collection[Quarter]) -> bool:
    """Open: already begun and not yet signed off."""
    return quarter <= quarter_of(today) and quarter not in closed


def claim_date_problem(
    occurred_on: dt.date, *, today: dt.date, closed: Collection[Quarter], catalogue_year: int
) -> str | None:
    """Why an activity on this date cannot be claimed now, or None."""
    if occurred_on > today:
        return "活动日期不能晚于今天"
    if occurred_on.year != catalogue_year:
        return f"所选积分项目属于{catalogue_year}年度规则，不适用于{occurred_on.year}年的活动"
    quarter = quarter_of(occurred_on)
    if quarter in closed:
        return quarter_closed(quarter, "，不能再申报或登记；如需更正，请在当前季度记冲正")
    return None


def evidence_missing(item_name: str) -> str:
    """The refusal of a claim without the photo its item requires."""
    return f"“{item_name}”须上传照片等证明材料"


def sign_off_problem(
    quarter: Quarter, *, today: dt.date, closed: Collection[Quarter], pending: int
) -> str | None:
    """Why the secretary cannot sign the quarter today, or None. A quarter is signed only once
    it has ended: the committee reviews the quarter behind it (支委会每季度对积分情况进行一次审核,
    004), and an item such as "kept clean for a quarter" is only known at the quarter's end.
    So no work can be dated in a quarter after its signature (see services.QuarterGuard)."""
    if quarter in closed:
        return quarter_closed(quarter)
    if quarter > quarter_of(today):
        return f"{quarter.label}尚未开始，不能签字确认"
    if today <= quarter.last_day:
        after = quarter.next().first_day
        return (
            f"{quarter.label}到{quarter.last_day.month}月{quarter.last_day.day}日才结束，"
            f"支委会须在季度结束后审核，{after.month}月{after.day}日起方可签字确认"
        )
    if pending:
        return f"{quarter.label}还有{pending}条申报待审核，请审核后再签字确认"
    return None


def reversal_quarter_problem(*, today: dt.date, closed: Collection[Quarter]) -> str | None:
    """A correction goes into the current quarter, which must still be open."""
    current = quarter_of(today)
    if current in closed:
        return QuarterClosed(f"当前季度（{current.label}）{SIGNED}，无法记冲正")
    return None


# --- ranges and caps ----------------------------------------------------------------------


def points_range_problem(points: Decimal, *, low: Decimal, high: Decimal) -> str | None:
    if points != points.quantize(POINT):
        return "分值最多保留一位小数"
    if not low <= points <= high:
        return f"分值须在{points_text(low)}至{points_text(high)}分之间"
    return None


def points_within_caps(
    requested: Decimal,
    *,
    counted_quarter: Decimal,
    counted_year: Decimal,
    cap_quarter: Decimal | None,
    cap_year: Decimal | None,
) -> Decimal:
    """How much of a new claim counts, given the points already counted for the same item in
    the same quarter and year. Caps are on magnitudes (a deduction's cap limits how much is
    taken). "2 points a session, at most 12 a year": the seventh session counts 0."""
    room = requested
    if cap_quarter is not None:
        room = min(room, max(ZERO, cap_quarter - counted_quarter))
    if cap_year is not None:
        room = min(room, max(ZERO, cap_year - counted_year))
    return points_normal(room)


def cap_reached_problem(
    *,
    name: str,
    counted_quarter: Decimal,
    counted_year: Decimal,
    cap_quarter: Decimal | None,
    cap_year: Decimal | None,
) -> str | None:
    """Refuse a new claim only when nothing of it could count any more."""
    if cap_year is not None and counted_year >= cap_year:
        return f"“{name}”本年度已计满{points_text(cap_year)}分，不能再申报"
    if cap_quarter is not None and counted_quarter >= cap_quarter:
        return f"“{name}”本季度已计满{points_text(cap_quarter)}分，不能再申报"
    return None


@dataclass(frozen=True)
class CapRequest:
    """One claim in a batch: whose, which item (by code, across catalogue versions), when."""

    member_id: int
    code: str
    quarter: Quarter
    points: Decimal
    cap_quarter: Decimal | None
    cap_year: Decimal | None


def allocate_within_caps(
    requests: Sequence[CapRequest],
    *,
    counted: Mapping[tuple[int, str, Quarter], Decimal],
) -> list[Decimal]:
    """The counted points of each request, in order, given what is already counted per
    (member, item code, quarter). A batch shares its caps: twelve sessions at once are capped
    exactly as twelve one by one."""
    by_quarter: dict[tuple[int, str, Quarter], Decimal] = dict(counted)
    by_year: dict[tuple[int, str, int], Decimal] = {}
    for (member_id, code, quarter), points in counted.items():
        key = (member_id, code, quarter.year)
        by_year[key] = by_year.get(key, ZERO) + points
    result = []
    for r in requests:
        qkey, ykey = (r.member_id, r.code, r.quarter), (r.member_id, r.code, r.quarter.year)
        granted = points_within_caps(
            r.points,
            counted_quarter=by_quarter.get(qkey, ZERO),
            counted_year=by_year.get(ykey, ZERO),
            cap_quarter=r.cap_quarter,
            cap_year=r.cap_year,
        )
        by_quarter[qkey] = by_quarter.get(qkey, ZERO) + granted
        by_year[ykey] = by_year.get(ykey, ZERO) + granted
        result.append(granted)
    return result


# --- catalogue items ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """One scoring item as a preset or a revision states it. Points are magnitudes."""

    code: str
    name: str
    part: str
    points: Decimal
    min_points: Decimal | None = None  # default: the item's points
    max_points: Decimal | None = None
    cap_quarter: Decimal | None = None
    cap_year: Decimal | None = None
    recorder: str = Recorder.SELF_REPORT
    evidence_required: bool = False
    block: str = ""  # the scoring sheet's heading, e.g. 组织生活, 学习, 履职
    description: str = ""

    @property
    def low(self) -> Decimal:
        return self.points if self.min_points is None else self.min_points

    @property
    def high(self) -> Decimal:
        return self.points if self.max_points is None else self.max_points


def item_spec_problems(items: Iterable[ItemSpec]) -> list[str]:
    """Everything wrong with a catalogue's items, in Chinese, for the person setting them."""
    problems: list[str] = []
    seen: set[str] = set()
    for item in items:
        label = f"“{item.code} {item.name}”"
        if not item.code.strip() or not item.name.strip():
            problems.append("积分项目的代码和名称不能为空")
        if item.code in seen:
            problems.append(f"积分项目代码{item.code}重复")
        seen.add(item.code)
        if item.part not in Part.values:
            problems.append(f"{label}的类别“{item.part}”不存在")
        if item.recorder not in Recorder.values:
            problems.append(f"{label}的登记方式“{item.recorder}”不存在")
        if item.part == Part.DEDUCTION and item.recorder != Recorder.COMMITTEE:
            problems.append(f"{label}是扣分项目，只能由支委会登记")
        if not Decimal(0) <= item.low <= item.points <= item.high:
            problems.append(f"{label}的分值须满足 0 ≤ 最低分 ≤ 默认分 ≤ 最高分")
        for cap in (item.cap_quarter, item.cap_year):
            if cap is not None and cap <= 0:
                problems.append(f"{label}的上限须大于0")
        if (
            item.cap_quarter is not None
            and item.cap_year is not None
            and item.cap_quarter > item.cap_year
        ):
            problems.append(f"{label}的季度上限不能大于年度上限")
    return problems


# --- low points and reminder talks (约谈提醒) ------------------------------------------------

# The threshold and the number of quarters are settings.ZHENGXING_LOW_POINTS_THRESHOLD and
# ZHENGXING_LOW_POINTS_QUARTERS (60 and 2 by default), passed in by the selectors.


def low_points_bar(threshold: Decimal, quarter: int) -> Decimal:
    """What a member's year-to-date counted total must reach by the end of a quarter: the
    year's threshold pro rata (60 a year: 15, 30, 45, 60), so a points-per-event scheme, where
    nobody has 60 in March, does not put the whole branch on the list in the first quarter."""
    return points_normal(threshold * quarter / 4)


def last_signed(signed: Collection[int], n: int) -> tuple[int, ...]:
    """The latest `n` signed quarters of the year (by number, latest first), or () when fewer
    than `n` are signed: too little to call anything long-running."""
    latest = sorted(set(signed), reverse=True)[:n]
    return tuple(latest) if len(latest) == n else ()


def is_low(
    cumulative: Mapping[int, Decimal],
    signed: Collection[int],
    *,
    threshold: Decimal,
    quarters: int,
) -> bool:
    """Long-running low points (长期积分偏低): at the end of each of the branch's latest
    `quarters` signed quarters of the year, the member's counted total so far (`cumulative`,
    by quarter number) stayed below that quarter's bar. `quarters=1` is simply "low now"."""
    latest = last_signed(signed, quarters)
    return bool(latest) and all(
        cumulative.get(q, ZERO) < low_points_bar(threshold, q) for q in latest
    )


@dataclass(frozen=True)
class LowPattern:
    """One case of `is_low` a database query can test without sorting: these quarters are
    the latest `n` signed (`signed`), no later one is signed (`unsigned`), and the member is
    below the bar at the end of each of `signed`."""

    signed: frozenset[int]
    unsigned: frozenset[int]


def low_patterns(quarters: int) -> list[LowPattern]:
    """`is_low` spelled out as the finite set of signed-quarter cases, one per choice of the
    latest `quarters` signed quarters of the year's four."""
    if not 1 <= quarters <= 4:
        raise ValueError(f"quarters must be 1-4, not {quarters}")
    from itertools import combinations

    patterns = []
    for latest in combinations(range(1, 5), quarters):
        gaps = frozenset(q for q in range(min(latest) + 1, 5) if q not in latest)
        patterns.append(LowPattern(signed=frozenset(latest), unsigned=gaps))
    return patterns
