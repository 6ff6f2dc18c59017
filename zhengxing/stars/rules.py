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
from itertools import pairwise
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
}
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


def _text(value: Decimal) -> str:
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


# --- reading, writing and checking a scheme ---------------------------------------------------


def _decimal(value: Any, where: str, problems: list[str]) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append(f"{where}不是数字：{value!r}")
        return Decimal(0)
    if not number.is_finite():
        problems.append(f"{where}不是数字：{value!r}")
        return Decimal(0)
    return number


def _bands(raw: Any, where: str, problems: list[str]) -> tuple[Band, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}应为列表")
        return ()
    bands = []
    for n, row in enumerate(raw, start=1):
        if not isinstance(row, Mapping) or "min" not in row or "stars" not in row:
            problems.append(f"{where}第{n}档应有min和stars")
            continue
        stars = row["stars"]
        if not isinstance(stars, int) or isinstance(stars, bool):
            problems.append(f"{where}第{n}档的星数应为整数")
            continue
        bands.append(Band(_decimal(row["min"], f"{where}第{n}档的分数", problems), stars))
    return tuple(sorted(bands, key=lambda b: b.min))


MENUS = {"duty": "职责星", "self": "自选星"}


def _picks(raw: Any, problems: list[str]) -> dict[str, int]:
    if not raw:
        return {}
    if not isinstance(raw, Mapping):
        problems.append('各类星目的选择数量应为对象，如{"duty": 3, "self": 2}')
        return {}
    picks = {}
    for menu, n in raw.items():
        if menu not in MENUS or not isinstance(n, int) or isinstance(n, bool) or n < 1:
            problems.append(f"选择数量应为{'、'.join(MENUS)}各自的正整数（{menu}：{n!r}）")
        else:
            picks[str(menu)] = n
    return picks


def menu(scheme: Scheme, kind: str) -> list[tuple[str, str]]:
    """The named stars of a menu ("duty" or "self"): the criteria whose codes start with it."""
    return [(code, name) for code, name in scheme.criteria if code.startswith(f"{kind}-")]


def applies_to(scheme: Scheme, code: str, category: str | None) -> bool:
    """Whether the named star applies to a member of `category` (None: an organisation)."""
    wanted = scheme.feed(code).categories
    return not wanted or category is None or category in wanted


def _codes(raw: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, str) and c.strip() for c in raw):
        problems.append(f"{where}应为代码列表")
        return ()
    return tuple(dict.fromkeys(c.strip() for c in raw))


FEED_KEYS = ("items", "against", "questions", "categories", "min_points", "min_percent")


def _criteria(raw: Any, problems: list[str]) -> tuple[tuple[tuple[str, str], ...], dict[str, Feed]]:
    """Named stars as [code, name] pairs (as first stored) or objects {"code", "name", and what
    feeds it: "items", "against", "questions", "categories", "min_points", "min_percent"}."""
    if raw in (None, []):
        return (), {}
    if not isinstance(raw, list):
        problems.append("星目应为列表")
        return (), {}
    criteria, feeds = [], {}
    for n, row in enumerate(raw, start=1):
        if isinstance(row, Mapping):
            code, name = str(row.get("code", "")).strip(), str(row.get("name", "")).strip()
            where = f"星目“{name or code or n}”"
            unknown = sorted(set(row) - {"code", "name", *FEED_KEYS})
            if unknown:
                problems.append(f"{where}有无法识别的设置：{'、'.join(unknown)}")
            feed = Feed(
                items=_codes(row.get("items"), f"{where}的积分项目", problems),
                against=_codes(row.get("against"), f"{where}的扣分项目", problems),
                questions=_codes(row.get("questions"), f"{where}的评议指标", problems),
                categories=_codes(row.get("categories"), f"{where}的党员类别", problems),
                min_points=_decimal(row.get("min_points", 1), f"{where}的积分门槛", problems),
                min_percent=_decimal(
                    row.get("min_percent", PERCENT_DEFAULT), f"{where}的评议门槛", problems
                ),
            )
            if feed != NO_FEED:
                feeds[code] = feed
        elif isinstance(row, Sequence) and not isinstance(row, str) and len(row) == 2:
            code, name = str(row[0]).strip(), str(row[1]).strip()
        else:
            problems.append(f"第{n}颗星目应为[代码, 名称]或含code、name的对象")
            continue
        criteria.append((code, name))
    return tuple(criteria), feeds


def _feed_problems(scheme: Scheme) -> list[str]:
    problems: list[str] = []
    codes = [code for code, _ in scheme.criteria]
    names = dict(scheme.criteria)
    for code, name in scheme.criteria:
        if not code or not name:
            problems.append("每颗星目都应有代码和名称")
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        problems.append(f"星目代码重复：{'、'.join(repeated)}")
    for code, feed in scheme.feeds.items():
        where = f"星目“{names.get(code, code)}”"
        bad = [c for c in feed.categories if c not in CATEGORY_DUTIES]
        if bad:
            problems.append(
                f"{where}的党员类别应为{'、'.join(CATEGORY_DUTIES)}（{'、'.join(bad)}）"
            )
        if feed.categories and scheme.subject != "member":
            problems.append(f"{where}：只有党员星级方案的星目可以按党员类别设置")
        if feed.min_points < 0 or feed.min_points != feed.min_points.quantize(TENTH):
            problems.append(f"{where}的积分门槛应为不小于0、最多一位小数的数")
        if not 0 <= feed.min_percent <= 100:
            problems.append(f"{where}的评议门槛应为0至100之间的百分数")
    duty = scheme.picks.get("duty")
    by_category = any(scheme.feed(code).categories for code, _ in menu(scheme, "duty"))
    if scheme.subject == "member" and duty and by_category:
        # 000: each kind of member has its duties; every member still has the "3" duty stars
        for category, (kind, _expected) in CATEGORY_DUTIES.items():
            n = sum(1 for code, _ in menu(scheme, "duty") if applies_to(scheme, code, category))
            if n != duty:
                problems.append(f"{kind}适用的职责星应为{duty}颗，现为{n}颗")
    return problems


def scheme_from_dict(data: Mapping[str, Any]) -> Scheme:
    """A scheme from its JSON form; SchemeInvalid with every problem when it cannot be used."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise SchemeInvalid(["星级方案应为JSON对象"])
    weights = {
        str(k): _decimal(v, f"“{k}”的权重", problems)
        for k, v in (data.get("weights") or {}).items()
    }
    criteria, feeds = _criteria(data.get("criteria"), problems)
    tiers = []
    for n, row in enumerate(data.get("tiers") or [], start=1):
        try:
            tiers.append(
                Tier(
                    code=str(row["code"]),
                    label=str(row["label"]),
                    min_stars=int(row["min_stars"]),
                    max_stars=int(row["max_stars"]),
                    consequences=tuple(
                        ConsequenceSpec(
                            str(c["code"]), str(c["label"]), str(c["owner"]), int(c["due_days"])
                        )
                        for c in row.get("consequences", [])
                    ),
                )
            )
        except (KeyError, TypeError, ValueError):
            problems.append(f"第{n}个档次应有code、label、min_stars、max_stars")
    scheme = Scheme(
        key=str(data.get("key", "")),
        name=str(data.get("name", "")),
        subject=str(data.get("subject", "")),
        periods=tuple(str(p) for p in data.get("periods") or ("Y",)),
        weights=weights,
        points_mode=str(data.get("points_mode", "target")),
        points_target=_decimal(data.get("points_target", 100), "积分目标", problems),
        bands=_bands(data.get("bands"), "星级对照表", problems),
        red_bands=_bands(data.get("red_bands"), "红星对照表", problems),
        flag_every=int(data.get("flag_every", 0) or 0),
        criteria=criteria,
        feeds=feeds,
        criteria_count=bool(data.get("criteria_count", False)),
        picks=_picks(data.get("picks"), problems),
        missing=str(data.get("missing", "incomplete")),
        max_stars=int(data.get("max_stars", 10)),
        tiers=tuple(tiers),
    )
    problems += validate(scheme)
    if problems:
        raise SchemeInvalid(problems)
    return scheme


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    return {
        "key": scheme.key,
        "name": scheme.name,
        "subject": scheme.subject,
        "periods": list(scheme.periods),
        "weights": {k: _text(v) for k, v in scheme.weights.items()},
        "points_mode": scheme.points_mode,
        "points_target": _text(scheme.points_target),
        "bands": [{"min": _text(b.min), "stars": b.stars} for b in scheme.bands],
        "red_bands": [{"min": _text(b.min), "stars": b.stars} for b in scheme.red_bands],
        "flag_every": scheme.flag_every,
        "criteria": [_criterion_to_dict(scheme, code, name) for code, name in scheme.criteria],
        "criteria_count": scheme.criteria_count,
        "picks": dict(scheme.picks),
        "missing": scheme.missing,
        "max_stars": scheme.max_stars,
        "tiers": [
            {
                "code": t.code,
                "label": t.label,
                "min_stars": t.min_stars,
                "max_stars": t.max_stars,
                "consequences": [
                    {"code": c.code, "label": c.label, "owner": c.owner, "due_days": c.due_days}
                    for c in t.consequences
                ],
            }
            for t in scheme.tiers
        ],
    }


def _criterion_to_dict(scheme: Scheme, code: str, name: str) -> Any:
    """[code, name] for a star with nothing feeding it (how schemes were first stored), else an
    object with what feeds it (defaults left out)."""
    feed = scheme.feeds.get(code)
    if feed is None or feed == NO_FEED:
        return [code, name]
    out: dict[str, Any] = {"code": code, "name": name}
    for key in ("items", "against", "questions", "categories"):
        if getattr(feed, key):
            out[key] = list(getattr(feed, key))
    if feed.min_points != NO_FEED.min_points:
        out["min_points"] = _text(feed.min_points)
    if feed.min_percent != NO_FEED.min_percent:
        out["min_percent"] = _text(feed.min_percent)
    return out


def _band_problems(bands: Sequence[Band], label: str, top: int) -> list[str]:
    problems: list[str] = []
    if not bands:
        return problems
    if bands[0].min != 0:
        problems.append(f"{label}有空档：{_text(bands[0].min)}分以下没有对应星级")
    for low, high in pairwise(bands):
        if low.min == high.min:
            problems.append(f"{label}重叠：{_text(low.min)}分出现在两档中")
        if high.stars < low.stars:
            problems.append(f"{label}中分数越高星数不能越少（{_text(high.min)}分）")
    for b in bands:
        if b.min != b.min.quantize(TENTH):
            problems.append(f"{label}的分数最多一位小数（{_text(b.min)}）")
        if not 0 <= b.min <= 100:
            problems.append(f"{label}的分数应在0至100之间（{_text(b.min)}）")
        if not 0 <= b.stars <= top:
            problems.append(f"{label}的星数应在0至{top}之间（{b.stars}）")
    return problems


def validate(scheme: Scheme) -> list[str]:
    """Every reason the scheme cannot be used, in Chinese ([] when it can)."""
    problems: list[str] = []
    if not scheme.key:
        problems.append("请填写方案代码")
    if scheme.subject not in ("member", "org"):
        problems.append("评定对象应为member（党员）或org（党组织）")
    if not scheme.periods or any(p not in PERIODS for p in scheme.periods):
        problems.append(f"评定期间应为{'、'.join(PERIODS)}")
    if not 1 <= scheme.max_stars <= 20:
        problems.append("最高星数应在1至20之间")
    for name, weight in scheme.weights.items():
        if name not in COMPONENTS:
            problems.append(f"没有名为“{name}”的评分项（可用：{'、'.join(COMPONENTS)}）")
        if weight < 0 or weight != weight.quantize(TENTH):
            problems.append(f"“{name}”的权重应为不小于0、最多一位小数的百分数")
    total = sum(scheme.weights.values(), start=Decimal(0))
    if scheme.weights and total != 100:
        problems.append(f"各项权重之和应为100%，现为{_text(total)}%")
    if not scheme.weights and not scheme.criteria_count:
        problems.append("方案应有加权评分项，或按达标星计星")
    if scheme.weights and not scheme.bands and not scheme.red_bands:
        problems.append("请设置分数与星级对照表")
    if scheme.criteria_count and not scheme.criteria:
        problems.append("按达标星计星的方案应列出各颗星")
    if scheme.points_mode not in ("target", "relative"):
        problems.append("年度积分折算方式应为target（对照目标）或relative（支部内相对）")
    if scheme.points_mode == "target" and scheme.points_target <= 0:
        problems.append("年度积分目标应大于0")
    if scheme.points_target != scheme.points_target.quantize(TENTH):
        problems.append("年度积分目标最多一位小数")
    for kind, n in scheme.picks.items():
        offered = len(menu(scheme, kind))
        if n > offered:
            problems.append(f"{MENUS[kind]}要选{n}颗，菜单中只有{offered}颗")
    problems += _feed_problems(scheme)
    if scheme.missing not in MISSING_RULES:
        problems.append(
            f"缺少评议时的处理应为{'、'.join(MISSING_RULES)}（{'；'.join(MISSING_RULES.values())}）"
        )
    top = scheme.max_stars
    problems += _band_problems(scheme.bands, "星级对照表", top)
    problems += _band_problems(scheme.red_bands, "红星对照表", top)
    if scheme.flag_every < 0:
        problems.append("几颗红星计一面红旗应不小于0")
    tiers = sorted(scheme.tiers, key=lambda t: t.min_stars)
    if tiers:
        if tiers[0].min_stars != 0:
            problems.append(f"档次有空档：{tiers[0].min_stars}星以下不属于任何档次")
        if tiers[-1].max_stars != top:
            problems.append(f"档次有空档：{tiers[-1].max_stars}星以上不属于任何档次")
        for low, high in pairwise(tiers):
            if high.min_stars <= low.max_stars:
                problems.append(f"档次重叠：“{low.label}”与“{high.label}”")
            elif high.min_stars > low.max_stars + 1:
                problems.append(f"档次有空档：{low.max_stars + 1}星不属于任何档次")
        for t in tiers:
            if t.min_stars > t.max_stars:
                problems.append(f"档次“{t.label}”的星数范围不正确")
            for c in t.consequences:
                if c.owner not in OWNERS:
                    problems.append(f"“{c.label}”的责任方应为{'、'.join(OWNERS)}")
                if c.due_days < 1:
                    problems.append(f"“{c.label}”的办理期限应至少1天")
    return problems


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
