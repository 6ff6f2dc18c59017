"""The contests' rules that need no database (大比武 / 双晒 / 比武争星, articles 000, 001, 002): the
phases by date, the organiser's weights, the judges' trimmed mean, growth not base, the blend,
the ranking and its tie rule, the awards and the follow-up of the last two, the voter codes.

通过“日常考核+擂台比武”的方式，每年评选“乡村振兴大比武”优胜单位2个、获胜单位3个 (article 001)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.core.errors import ServiceError

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
TITLE_MAX, TEXT_MAX, URL_MAX = 100, 2000, 300
WINNERS_BEST, WINNERS_NEXT, LAST_FOR_TALK = 2, 3, 2
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_CODES_PER_BATCH = 5000
WINDOW_SECONDS = 600  # the anomaly flags' window: votes carry theirs (`Vote.slot`)


class Level(models.TextChoices):
    """比武争星: "在街道比、旗区推；在全盟赛中" (article 002) — winners go up a level."""

    STREET = "street", _("Street / township")
    BANNER = "banner", _("Banner / county")
    LEAGUE = "league", _("League / city")


LEVELS_UP = (Level.STREET, Level.BANNER, Level.LEAGUE)


def check_next_level(level: str, next_level: str) -> None:
    """Winners go up: "在街道比、旗区推；在全盟赛中" (article 002) — a street contest's winners to
    the banner's, the banner's to the league's; never sideways or down."""
    if LEVELS_UP.index(Level(next_level)) <= LEVELS_UP.index(Level(level)):
        raise ServiceError("晋级的比武须高于本次比武一级（街道→旗区→全盟）")


class EntrantKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    BRANCH = "branch", _("Organisation")


class Phase(models.TextChoices):
    DRAFT = "draft", _("Preparing")
    SHOWCASE = "showcase", _("Showcase")
    VOTING = "voting", _("Public voting")
    JUDGING = "judging", _("Expert judging")
    RESULTS = "results", _("Results")


class Award(models.TextChoices):
    BEST = "best", "优胜"
    WINNING = "winning", "获胜"
    NONE = "", "—"


@dataclass(frozen=True)
class Dates:
    showcase_from: dt.date
    voting_from: dt.date
    voting_until: dt.date  # the last day of voting
    judging_until: dt.date  # the last day of judging


def check_dates(d: Dates) -> None:
    """Showcase, voting, judging, in that order:
    “3月7日至6月12日进行的晒党建、晒成绩环节……6月12日至7月1日
    进行的评比表彰环节” (article 001)."""
    if not d.showcase_from <= d.voting_from <= d.voting_until <= d.judging_until:
        raise ServiceError("各阶段日期须依次为：展示开始 ≤ 投票开始 ≤ 投票结束 ≤ 评审结束")


def phase_on(d: Dates, day: dt.date, *, published: bool) -> Phase:
    """The phase a contest is in on `day`: results once published, whatever the date."""
    if published:
        return Phase.RESULTS
    if day < d.showcase_from:
        return Phase.DRAFT
    if day < d.voting_from:
        return Phase.SHOWCASE
    if day <= d.voting_until:
        return Phase.VOTING
    return Phase.JUDGING


def check_weights(public: int, performance: int, overall: int) -> None:
    """民意测评+工作表现+综合评价 (article 001): the organiser's three weights, each 0–100,
    summing to 100."""
    if any(w < 0 or w > 100 for w in (public, performance, overall)):
        raise ServiceError("每项权重须在0至100之间")
    if public + performance + overall != 100:
        raise ServiceError(
            "民意测评、工作表现、综合评价三项权重之和须为100"
            f"（现为{public + performance + overall}）"
        )


@dataclass(frozen=True)
class RubricItem:
    name: str
    max: int


def check_rubric(items: Sequence[Mapping[str, object]]) -> list[RubricItem]:
    """The organiser's rubric: 1–10 items, each named once with a maximum of 1–100."""
    out: list[RubricItem] = []
    if not 1 <= len(items) <= 10:
        raise ServiceError("评分细则须有1至10项")
    for raw in items:
        name = str(raw.get("name", "")).strip()
        try:
            top = int(str(raw.get("max", "")))
        except ValueError:
            top = 0
        if not name or len(name) > 30:
            raise ServiceError("评分细则每项须有名称（不超过30字）")
        if not 1 <= top <= 100:
            raise ServiceError(f"评分项“{name}”的满分须在1至100之间")
        if any(i.name == name for i in out):
            raise ServiceError(f"评分项“{name}”重复")
        out.append(RubricItem(name, top))
    return out


def check_marks(rubric: Sequence[RubricItem], marks: Mapping[str, object]) -> dict[str, Decimal]:
    """A judge's marks: one per rubric item, between 0 and the item's maximum."""
    out: dict[str, Decimal] = {}
    for item in rubric:
        try:
            value = Decimal(str(marks.get(item.name, ""))).quantize(Decimal("0.1"))
        except ArithmeticError:
            raise ServiceError(f"请为“{item.name}”打分") from None
        if not 0 <= value <= item.max:
            raise ServiceError(f"“{item.name}”的得分须在0至{item.max}之间")
        out[item.name] = value
    extra = set(marks) - {i.name for i in rubric}
    if extra:
        raise ServiceError(f"评分细则中没有“{sorted(extra)[0]}”")
    return out


def trimmed_mean(values: Sequence[Decimal], *, drop: int) -> Decimal | None:
    """The judges' mean with the `drop` highest and `drop` lowest set aside
    ("去掉一个最高分、去掉一个最低分"); when too few judges scored to drop any, the plain mean.
    None with no scores."""
    if not values:
        return None
    kept = sorted(values)
    if drop and len(kept) > 2 * drop:
        kept = kept[drop:-drop]
    return (sum(kept, Decimal(0)) / len(kept)).quantize(TWO_PLACES, ROUND_HALF_UP)


def growth_scores(years: Mapping[int, tuple[Decimal, Decimal]]) -> dict[int, Decimal]:
    """Work performance, judged on growth: each entrant's this-year figure less last year's,
    scaled so the largest growth scores 100 and the smallest 0 (all equal: 100 each).

    把“不比基础比干劲、不比总量比增量”工作理念贯穿始终 (article 001)"""
    growth = {k: this - last for k, (this, last) in years.items()}
    if not growth:
        return {}
    low, high = min(growth.values()), max(growth.values())
    if high == low:
        return dict.fromkeys(growth, HUNDRED.quantize(TWO_PLACES))
    return {
        k: ((g - low) * HUNDRED / (high - low)).quantize(TWO_PLACES, ROUND_HALF_UP)
        for k, g in growth.items()
    }


def default_sources() -> list[dict[str, object]]:
    """工作表现 before the organiser chooses: the points' growth alone."""
    return [{"name": "points", "weight": 100}]


def check_sources(
    items: Sequence[Mapping[str, object]], known: Collection[str]
) -> list[tuple[str, int]]:
    """The organiser's choice of what 工作表现 weighs (日常考核, article 001): one to six of the
    figures the system holds (`known`), each once, weighted 1–100, the weights summing to 100."""
    out: list[tuple[str, int]] = []
    if not 1 <= len(items) <= 6:
        raise ServiceError("工作表现须选择1至6项日常考核指标")
    for raw in items:
        name = str(raw.get("name", ""))
        try:
            weight = int(str(raw.get("weight", "")))
        except ValueError:
            weight = 0
        if name not in known:
            raise ServiceError(f"系统中没有“{name}”这项日常考核指标")
        if any(n == name for n, _w in out):
            raise ServiceError(f"日常考核指标“{name}”重复")
        if not 1 <= weight <= 100:
            raise ServiceError("每项日常考核指标的权重须在1至100之间")
        out.append((name, weight))
    total = sum(w for _n, w in out)
    if total != 100:
        raise ServiceError(f"日常考核各项指标的权重之和须为100（现为{total}）")
    return out


@dataclass(frozen=True)
class Growth:
    """One figure of one entrant: this year's, last year's, and its growth's score (0–100)."""

    this: Decimal
    last: Decimal
    score: Decimal

    @property
    def change(self) -> Decimal:
        return self.this - self.last


def performance_scores(
    years: Mapping[str, Mapping[int, tuple[Decimal, Decimal]]], weights: Mapping[str, int]
) -> tuple[dict[int, Decimal], dict[int, dict[str, Growth]]]:
    """Work performance (工作表现) from the daily assessment: each figure's growth scored among
    the entrants (`growth_scores`: the largest 100, the smallest 0), then weighed by the
    organiser's weights (summing to 100). Returns each entry's score and, per figure, what
    the score came from — the results page explains it.

    通过“日常考核+擂台比武”的方式……
    把“不比基础比干劲、不比总量比增量”工作理念贯穿始终 (article 001)"""
    detail: dict[int, dict[str, Growth]] = {}
    for name, by_entry in years.items():
        scores = growth_scores(by_entry)
        for entry_id, (this, last) in by_entry.items():
            detail.setdefault(entry_id, {})[name] = Growth(this, last, scores[entry_id])
    total = {
        entry_id: (
            sum((g.score * weights[n] for n, g in parts.items()), Decimal(0)) / HUNDRED
        ).quantize(TWO_PLACES, ROUND_HALF_UP)
        for entry_id, parts in detail.items()
    }
    return total, detail


def public_scores(votes: Mapping[int, int]) -> dict[int, Decimal]:
    """Public opinion (民意测评): each entry's counted votes against the most-voted
    entry's, ×100."""
    top = max(votes.values(), default=0)
    if top == 0:
        return dict.fromkeys(votes, Decimal(0))
    return {
        k: (Decimal(v) * HUNDRED / top).quantize(TWO_PLACES, ROUND_HALF_UP)
        for k, v in votes.items()
    }


@dataclass(frozen=True)
class Standing:
    entry_id: int
    entrant_key: str  # the organisation (and secretary) entered, to follow them year to year
    public: Decimal
    performance: Decimal
    overall: Decimal
    total: Decimal = Decimal(0)
    rank: int = 0
    award: str = ""
    talk: bool = False


def blend(s: Standing, *, public: int, performance: int, overall: int) -> Decimal:
    """The weighted sum: 结合投票结果，按照“民意测评+工作表现+综合评价”等方式统筹进行评比
    (article 001)."""
    total = (s.public * public + s.performance * performance + s.overall * overall) / HUNDRED
    return total.quantize(TWO_PLACES, ROUND_HALF_UP)


TIE_RULE = (
    "总分相同时，依次比较综合评价（评委）、工作表现（增量）、民意测评得分；仍相同的，先报名者在前"
)


def ranked(
    rows: Sequence[Standing], *, public: int, performance: int, overall: int
) -> list[Standing]:
    """The blend ranked, ties broken by TIE_RULE; the top 2 优胜 and the next 3 获胜; the last 2
    (below the five awarded) listed for a talk with their leaders.

    每年评选“乡村振兴大比武”优胜单位2个、获胜单位3个……对排名后2位的乡镇农场，第一年对党政主要领导进行约谈
    (article 001)"""
    scored = [
        Standing(
            **{
                **s.__dict__,
                "total": blend(s, public=public, performance=performance, overall=overall),
            }
        )
        for s in rows
    ]
    scored.sort(key=lambda s: (-s.total, -s.overall, -s.performance, -s.public, s.entry_id))
    awarded = WINNERS_BEST + WINNERS_NEXT
    out = []
    for i, s in enumerate(scored):
        award = Award.BEST if i < WINNERS_BEST else Award.WINNING if i < awarded else Award.NONE
        talk = i >= max(len(scored) - LAST_FOR_TALK, awarded)
        out.append(Standing(**{**s.__dict__, "rank": i + 1, "award": str(award), "talk": talk}))
    return out


def reassign(talk_now: bool, talk_last_year: bool) -> bool:
    """连续两年排名后2位的，党政主要领导予以组织调整 (article 001)."""
    return talk_now and talk_last_year


# --- voter codes ------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code: str) -> str:
    """What a voter typed, as printed: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()[:32]


def code_hash(code: str) -> str:
    """The kept form of a voter code: an HMAC under the server's key (a copied database hands
    out no codes that work)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"contest-vote:{normal_code(code)}".encode(), hashlib.sha256).hexdigest()


def network_of(ip: str | None) -> str:
    """The /24 of an IPv4 address (the /48 of an IPv6 one), where bursts from one network show."""
    if not ip:
        return ""
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + "::/48"
    parts = ip.split(".")
    return ".".join(parts[:3]) + ".0/24" if len(parts) == 4 else ip


@dataclass(frozen=True)
class Anomaly:
    """When votes are held for the organiser's review, per window of WINDOW_SECONDS: more
    than `per_address` from one address, `per_network` from one /24, `per_batch` from codes
    issued together; or one code voting again within `interval_ms`."""

    per_address: int = 60
    per_network: int = 200
    per_batch: int = 150
    interval_ms: int = 1500


class Flag(models.TextChoices):
    ADDRESS = "address", _("Burst from one address")
    NETWORK = "network", _("Burst from one network")
    BATCH = "batch", _("Many votes from codes issued together")
    INTERVAL = "interval", _("Inhuman interval")
