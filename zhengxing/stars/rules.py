"""Star schemes as data: what a county (or a township) edits, never code. Pure: no database.

A scheme combines, as the articles describe:
- score stars: components with weights in percent (Bayannur: annual points 60, Party-member
  evaluation 20, public evaluation 20), each component 0-100; annual points become 0-100 against
  a target or relative to the best in the branch; a score-to-stars table;
- criteria stars: named stars, each met or not (Sanmenxia's five, the "532" names), each naming
  what feeds it (`Feed`: catalogue items, evaluation questions, the member categories it
  applies to);
- red stars and flags (Gaotai "341"): a half-year score to red stars, every two a red flag;
- tiers with their consequences (a to-do with an owner and a due date).

Arithmetic (the recompute's SQL does the same, in integer tenths): each component is rounded
half-up to one decimal; the score is Σ weight × component / 100, rounded half-up to one decimal;
stars are those of the highest band whose minimum the score reaches. Weights, band minimums and
the points target have at most one decimal (validated), so the SQL's tenths are exact.

A component with nothing behind it (no closed round's ballot for the subject, or no assessment
of an organisation) is *missing*, never silently 0. The scheme says what that means (`missing`):
- "incomplete" (the presets): no score and no stars yet; the rating names what is missing and
  cannot be finalised until it is there;
- "rescale": the score from the components present, their weights scaled up to 100%;
- "zero": the missing component counts as 0 (a county that wants it must say so).
A member's points are never missing: a period without counted points is 0 points.

The count and the named stars (000, "以十星级为标准,采取“532”模式合理设置"): two modes, the
scheme's `criteria_count` says which.
- Score mode (the presets bayannur-532 and bayannur-532-org, `criteria_count=False`): the
  60/20/20 score sets the count through the bands ("星级积分由年度积分、党员评议、群众评议三部分
  组成,分别按60%、20%、20%权重计算"); the named stars are the standards shown beside the count,
  each lit or not and why (`standards.py`), and a named star's status never changes the count.
- Count mode (sanmenxia-5star, `criteria_count=True`): the stars are the named stars met, as the
  assessing body recorded them (`CriteriaAward`); a star's feeds are the evidence shown beside
  it, and only the body's assessment moves the count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from zhengxing.core.periods import period_label

TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
# components a scheme may weigh, and where the recompute reads each (see compute.py)
COMPONENTS = {
    "points": "年度积分",
    "member_eval": "党员评议",
    "public_eval": "群众评议",
    "committee_eval": "支委会评议",
    "general_eval": "总评",
    "self_eval": "自评",
    # the branch's half-yearly review of the member's 三亮 commitments (003: "党支部定期通报党员
    # 履诺践诺的情况，并对其作出评价"), fed by organisation life (`sources.py`)
    "commitment_review": "履诺评价",
    # an organisation's target score (机关党建目标积分管理, 004: "结果实时公示并有效运用") as a
    # share of the points its targets carry, kept by the target points (`sources.py`); a year's
    # is the average of its half-years' (000 Bayannur: "苏木乡镇党委每半年对嘎查村工作完成情况
    # 进行动态考评，平均分作为年度积分")
    "target_points": "目标积分",
}
# the components only one kind of scheme may weigh: a member has no target ledger, and an
# organisation makes no 三亮 commitments
SUBJECT_ONLY = {"commitment_review": "member", "target_points": "org"}
SUBJECT_WORDS = {"member": "党员", "org": "党组织"}
# each component's bit in a rating's `missing` mask (the recompute's SQL writes the same)
MISSING_BITS = {name: 1 << n for n, name in enumerate(COMPONENTS)}
MISSING_RULES = {
    "incomplete": "评定不完整：缺少的评议补齐前不定星",
    "rescale": "按已有各项的权重折算",
    "zero": "缺少的评议按0分计",
}
OWNERS = {"branch_secretary": "支部书记", "township": "乡镇党委", "county": "旗县区委组织部"}
PERIODS = ("Y", "H1", "H2", "Q1", "Q2", "Q3", "Q4")


def period_name(year: int, period: str) -> str:
    """ "2026年度", "2026年上半年", "2026年第一季度": in Chinese, as the rules' words are
    (zhengxing.core.periods, the one way every page writes a period)."""
    return period_label(year, period, language="zh-hans")


class SchemeInvalid(ValueError):
    """A scheme that cannot be used; `problems` lists every reason, in Chinese."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = list(problems)


def half_up(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class Band:
    """A score of at least `min` gives `stars` (or red stars)."""

    min: Decimal
    stars: int


@dataclass(frozen=True)
class ConsequenceSpec:
    code: str
    label: str
    owner: str  # one of OWNERS
    due_days: int


@dataclass(frozen=True)
class Tier:
    code: str
    label: str
    min_stars: int
    max_stars: int
    consequences: tuple[ConsequenceSpec, ...] = ()


# 000: "按照有职党员敬业争优、能人党员示范带动、普通党员设岗定责、流动党员科学管理、年老体弱党员
# 建言献策要求设置职责": what each kind of member is expected to do (orgs.rules.MemberCategory)
CATEGORY_DUTIES = {
    "office_holding": ("有职党员", "敬业争优"),
    "capable": ("能人党员", "示范带动"),
    "ordinary": ("普通党员", "设岗定责"),
    "mobile": ("流动党员", "科学管理"),
    "elderly": ("年老体弱党员", "建言献策"),
}
PERCENT_DEFAULT = Decimal(60)


@dataclass(frozen=True)
class Feed:
    """What feeds a named star: the points catalogue's items whose counted points earn it
    (`items`, at least `min_points` in signed quarters), the deduction items whose counted
    points unlight it (`against`), the evaluation questions (indicator codes of the rounds'
    forms) whose average must reach `min_percent` of their maximum, and the member categories
    it applies to (empty: every member). See `standards.py` for how they light a star."""

    items: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    min_points: Decimal = Decimal(1)
    min_percent: Decimal = PERCENT_DEFAULT

    @property
    def has_evidence(self) -> bool:
        return bool(self.items or self.against or self.questions)


NO_FEED = Feed()


@dataclass(frozen=True)
class Scheme:
    key: str
    name: str
    subject: str  # "member" | "org"
    periods: tuple[str, ...] = ("Y",)
    weights: Mapping[str, Decimal] = field(default_factory=dict)
    points_mode: str = "target"  # "target" | "relative"
    points_target: Decimal = HUNDRED
    bands: tuple[Band, ...] = ()
    red_bands: tuple[Band, ...] = ()
    flag_every: int = 0
    criteria: tuple[tuple[str, str], ...] = ()  # (code, name) of named stars
    criteria_count: bool = False  # stars = criteria met (no score)
    feeds: Mapping[str, Feed] = field(default_factory=dict)  # code → what feeds that named star
    # how many of each menu of named stars an organisation's plan (or a member) picks: the
    # "532" split, {"duty": 3, "self": 2}; the menus are the criteria whose codes start
    # "duty-" and "self-", and may offer more than are picked (a county extends them)
    picks: Mapping[str, int] = field(default_factory=dict)
    missing: str = "incomplete"  # what a component with nothing behind it means (MISSING_RULES)
    max_stars: int = 10
    tiers: tuple[Tier, ...] = ()

    @property
    def uses_red_stars(self) -> bool:
        return bool(self.red_bands)

    def feed(self, code: str) -> Feed:
        return self.feeds.get(code, NO_FEED)


@dataclass(frozen=True)
class Result:
    score: Decimal | None  # None: incomplete (a component missing under the "incomplete" rule)
    stars: int
    tier: Tier | None
    red_stars: int
    flags: int
    breakdown: dict[str, Any]
    missing: tuple[str, ...] = ()  # the components with nothing behind them

    @property
    def incomplete(self) -> bool:
        return self.score is None and bool(self.missing)


def missing_mask(names: Iterable[str]) -> int:
    return sum(MISSING_BITS[n] for n in set(names))


def missing_names(mask: int) -> list[str]:
    """The components named by a rating's `missing` mask, in the order of COMPONENTS."""
    return [name for name, bit in MISSING_BITS.items() if mask & bit]


MENUS = {"duty": "职责星", "self": "自选星"}


def menu(scheme: Scheme, kind: str) -> list[tuple[str, str]]:
    """The named stars of a menu ("duty" or "self"): the criteria whose codes start with it."""
    return [(code, name) for code, name in scheme.criteria if code.startswith(f"{kind}-")]


def applies_to(scheme: Scheme, code: str, category: str | None) -> bool:
    """Whether the named star applies to a member of `category` (None: an organisation)."""
    wanted = scheme.feed(code).categories
    return not wanted or category is None or category in wanted


# --- evaluating -------------------------------------------------------------------------------


def points_score(points: Decimal, *, scheme: Scheme, branch_best: Decimal | None = None) -> Decimal:
    """A year's points as 0-100: against the target, or relative to the branch's best."""
    points = max(points, Decimal(0))
    if scheme.points_mode == "relative":
        best = max(branch_best or Decimal(0), Decimal(0))
        return half_up(points * 100 / best) if best > 0 else Decimal(0)
    return min(HUNDRED, half_up(points * 100 / scheme.points_target))


def _band(bands: Sequence[Band], score: Decimal) -> Band | None:
    found = None
    for band in bands:
        if score >= band.min:
            found = band
    return found


def tier_of(scheme: Scheme, stars: int) -> Tier | None:
    return next((t for t in scheme.tiers if t.min_stars <= stars <= t.max_stars), None)


def evaluate(
    scheme: Scheme,
    components: Mapping[str, Any],
    *,
    criteria_met: Iterable[str] = (),
    earlier_red_stars: int = 0,
) -> Result:
    """One rating. `components` hold each weighed component (0-100), None (or absent) for one
    with nothing behind it, which the scheme's `missing` rule settles; `criteria_met` the codes
    of the named stars met; `earlier_red_stars` the red stars of the year's earlier periods
    (flags count the year's). ValueError (Chinese) for a component out of range."""
    breakdown: dict[str, Any] = {"components": []}
    score: Decimal | None = None
    missing: list[str] = []
    if scheme.weights:
        total, present_weight = Decimal(0), Decimal(0)
        for name, weight in scheme.weights.items():
            raw = components.get(name)
            if raw is None or raw == "":
                missing.append(name)
                if scheme.missing != "zero":
                    continue
                raw = 0
            try:
                value = Decimal(str(raw).strip())
            except InvalidOperation:
                raise ValueError(f"评分项“{name}”不是数字：{raw!r}") from None
            if not value.is_finite() or not 0 <= value <= 100:
                raise ValueError(f"评分项“{name}”应在0至100之间，现为{raw}")
            value = half_up(value)
            contribution = value * weight / 100
            total += contribution
            present_weight += weight
            breakdown["components"].append(
                {"name": name, "value": value, "weight": weight, "contribution": contribution}
            )
        if not missing or scheme.missing == "zero":
            score = half_up(total)
        elif scheme.missing == "rescale" and present_weight > 0:
            score = half_up(total * 100 / present_weight)
    met = sorted({c for c in criteria_met} & {code for code, _ in scheme.criteria})
    incomplete = bool(scheme.weights) and score is None
    if scheme.criteria_count:
        stars = len(met)
    elif incomplete:
        stars = 0
    else:
        band = _band(scheme.bands, score or Decimal(0))
        stars = band.stars if band else 0
        breakdown["band"] = band
    red = 0
    if scheme.red_bands and not incomplete:
        red_band = _band(scheme.red_bands, score or Decimal(0))
        red = red_band.stars if red_band else 0
        if not scheme.bands and not scheme.criteria_count:
            stars = red
    flags = (earlier_red_stars + red) // scheme.flag_every if scheme.flag_every else 0
    breakdown["criteria_met"] = met
    return Result(
        score=score,
        stars=stars,
        tier=None if incomplete else tier_of(scheme, stars),
        red_stars=red,
        flags=flags,
        breakdown=breakdown,
        missing=tuple(missing),
    )
