"""The named stars (达标星) of a member or a village organisation for a year: each lit or not,
and why, in plain Chinese.

000: "以十星级为标准,采取“532”模式合理设置。“5”,即5颗共性星,突出对党组织和党员的基本要求;
“3”,即3颗职责星,突出履行职责和设岗定责;“2”,即2颗自选星,确保星级设置符合党组织和党员特点".
The stars that apply:
- a member: the scheme's 5 common stars, the duty stars of the member's kind ("按照有职党员敬业
  争优、能人党员示范带动、普通党员设岗定责、流动党员科学管理、年老体弱党员建言献策要求设置职责",
  `Feed.categories`), shown with the post and duties the branch set (`posts.py`), and the
  self-chosen stars the member picked (`StarChoice`, at most 2);
- a village organisation: the 5 common stars and the 3 duty and 2 self-chosen stars of its star
  plan (报星计划).

The rule (`decide`, pure), for one star:
1. The assessing body's word first: a `CriteriaAward` (the branch committee for its members, the
   township for its organisations) lights it or not, and its note is the reason: "支委会评定：
   达标（备注…）".
2. Else what feeds it (`rules.Feed`), each part judged on what is settled:
   - catalogue items: the counted points (entries of signed quarters, reversals netted) of the
     star's items reach `min_points` (default 1): "已获‘清扫积雪’积分 3 分（3 条）"; before any
     quarter of the year is signed there is nothing to judge;
   - deduction items (`against`): any counted deduction unlights it; none in the signed quarters
     keeps it;
   - evaluation questions: the average of each question over the closed rounds of the year (not
     self-evaluations; a secret kind's round only from ZHENGXING_MIN_BALLOTS ballots, as the
     rounds show it) reaches `min_percent` (default 60%) of the question's maximum: "党员评议
     ‘政治表现’平均 24.5/30（5票）".
   Lit when every part is settled and passes; unlit when a settled part fails; otherwise, and
   for a star with nothing feeding it, "待评定" — never unlit for want of data.
3. Where the scheme counts the stars met (`criteria_count`, Sanmenxia), only the body's
   assessment counts: the feeds' verdict is shown as evidence and the star stays "待评定" until
   the body records it. In the score schemes (the "532" presets) the 60/20/20 score sets the
   count and the named stars are the standards shown beside it: they never change the count.

Set-based: a page of one member or organisation costs the same few queries (scheme, awards,
picks, post, signed quarters, counted points grouped by item, closed rounds, their ballots for
the subject) whatever the number of stars.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Count, Q, Sum

from zhengxing.ledger.models import QuarterClose, RuleItem
from zhengxing.ledger.presets import PRESETS
from zhengxing.ledger.selectors import counted_entries
from zhengxing.orgs.models import Member, Org

from .models import (
    Ballot,
    CriteriaAward,
    EvaluationRound,
    MemberPost,
    RoundKind,
    StarChoice,
    StarPlan,
    Subject,
)
from .plans import scheme_for
from .posts import expectation
from .rules import MENUS, Feed, Scheme, applies_to, half_up

MET, UNMET, PENDING = "met", "unmet", "pending"
STATE_LABELS = {MET: "达标", UNMET: "未达标", PENDING: "待评定"}
MENU_LABELS = {"common": "共性星", **MENUS}
KIND_LABELS: dict[str, str] = {
    RoundKind.PEER: "党员评议",
    RoundKind.PUBLIC: "群众评议",
    RoundKind.COMMITTEE: "支委会评议",
    RoundKind.GENERAL: "总评",
    RoundKind.ASSESSMENT: "乡镇考评",
}
SECRET = frozenset({RoundKind.PEER, RoundKind.PUBLIC, RoundKind.GENERAL})
BODIES = {Subject.MEMBER: "支委会", Subject.ORG: "乡镇党委"}


# --- the rule, pure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Award:
    met: bool
    note: str = ""


@dataclass(frozen=True)
class Answer:
    """A question's average over one kind of closed round."""

    kind: str
    name: str
    average: Decimal
    maximum: Decimal
    ballots: int

    @property
    def percent(self) -> Decimal:
        return self.average * 100 / self.maximum if self.maximum else Decimal(0)


@dataclass(frozen=True)
class Evidence:
    """What the ledger and the rounds hold for one subject and year."""

    signed_quarters: int = 0
    points: Mapping[str, tuple[Decimal, int]] = field(default_factory=dict)  # item → (sum, n)
    item_names: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, Sequence[Answer]] = field(default_factory=dict)  # question → averages


# every preset catalogue's items by code (the first preset to name a code wins)
PRESET_ITEM_NAMES: dict[str, str] = {}
for _preset in PRESETS.values():
    for _item in _preset.items:
        PRESET_ITEM_NAMES.setdefault(_item.code, _item.name)


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _items(codes: Iterable[str], evidence: Evidence) -> tuple[Decimal, int, str]:
    codes = list(codes)
    total = sum((evidence.points[c][0] for c in codes if c in evidence.points), Decimal(0))
    n = sum(evidence.points[c][1] for c in codes if c in evidence.points)
    earned = [c for c in codes if evidence.points.get(c, (0, 0))[1]]
    # the items earned, else those of the county's catalogue, else those the presets name (a
    # star scheme adopted from a preset whose points catalogue the county did not adopt); a
    # code no catalogue names is never shown raw to a member ("GT-Z03" means nothing to them)
    names = {**PRESET_ITEM_NAMES, **evidence.item_names}
    known = [c for c in codes if c in evidence.item_names]
    preset = [c for c in codes if c in PRESET_ITEM_NAMES]
    shown = "、".join(dict.fromkeys(names[c] for c in (earned or known or preset) if c in names))
    return total, n, shown or "相关项目"


def _parts(feed: Feed, evidence: Evidence) -> list[tuple[bool | None, str]]:
    """Each part of the feed: (True passes, False fails, None not settled yet; why)."""
    parts: list[tuple[bool | None, str]] = []
    quarters = evidence.signed_quarters
    if feed.items:
        total, n, names = _items(feed.items, evidence)
        if not quarters:
            parts.append((None, f"‘{names}’积分：本年尚无签字确认的季度"))
        elif n:
            enough = total >= feed.min_points
            short = "" if enough else f"，不足{_num(feed.min_points)}分"
            parts.append((enough, f"已获‘{names}’积分 {_num(total)} 分（{n} 条）{short}"))
        else:
            parts.append((False, f"已签字的{quarters}个季度未获‘{names}’积分"))
    if feed.against:
        total, n, names = _items(feed.against, evidence)
        if not quarters:
            parts.append((None, "扣分：本年尚无签字确认的季度"))
        elif n and total:
            parts.append((False, f"有‘{names}’扣分 {_num(abs(total))} 分（{n} 条）"))
        else:
            parts.append((True, f"已签字的{quarters}个季度无违规扣分"))
    for question in feed.questions:
        answers = evidence.answers.get(question, ())
        pending = (None, "尚无已结束的评议结果")  # the question's code ("I2") is not shown
        if not answers and pending not in parts:
            parts.append(pending)
        for a in answers:
            enough = a.percent >= feed.min_percent
            short = "" if enough else f"，未达满分的{_num(feed.min_percent)}%"
            parts.append(
                (
                    enough,
                    f"{KIND_LABELS.get(a.kind, a.kind)}‘{a.name}’平均 "
                    f"{_num(a.average)}/{_num(a.maximum)}（{a.ballots}票）{short}",
                )
            )
    return parts


def decide(
    feed: Feed, award: Award | None, evidence: Evidence, *, counting: bool, body: str
) -> tuple[str, str]:
    """(state, reason) of one named star; see the module's docstring for the rule."""
    if award is not None:
        note = f"（{award.note}）" if award.note else ""
        return (
            MET if award.met else UNMET
        ), f"{body}评定：{STATE_LABELS[MET if award.met else UNMET]}{note}"
    parts = _parts(feed, evidence)
    if not parts:
        return PENDING, f"待{body}评定"
    reason = "；".join(text for _, text in parts)
    if any(ok is False for ok, _ in parts):
        state = UNMET
    elif any(ok is None for ok, _ in parts):
        state = PENDING
    else:
        state = MET
    if counting:
        # the stars are the named stars the body records met: the data only informs it
        shown = {MET: "数据显示已达标", UNMET: "数据显示未达标", PENDING: "数据尚不完整"}[state]
        return PENDING, f"待{body}评定（{shown}：{reason}）"
    return state, reason


# --- the selector -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    code: str
    name: str
    menu: str  # "common" | "duty" | "self"
    state: str  # MET | UNMET | PENDING
    reason: str
    assessed: bool  # the body's assessment decided it

    @property
    def lit(self) -> bool:
        return self.state == MET

    @property
    def menu_label(self) -> str:
        return MENU_LABELS.get(self.menu, self.menu)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Standards:
    year: int
    scheme: Scheme | None
    stars: list[Standard]
    counting: bool  # the scheme's stars are the named stars met
    notes: list[str]  # what is still to be chosen ("尚未选择自选星")
    expectation: str = ""  # a member: what the member's kind is expected to do (000)
    post: MemberPost | None = None

    @property
    def lit(self) -> int:
        return sum(1 for s in self.stars if s.lit)

    @property
    def rule(self) -> str:
        if self.counting:
            return "本方案按达标星计星：评定机关确认达标的星目数即星数"
        return "本方案由积分和评议的加权得分定星数；达标星是星数之外逐项对照的标准，不改变星数"


def _menu(code: str) -> str:
    return code.split("-", 1)[0] if code.startswith(("duty-", "self-")) else "common"


def _applying(scheme: Scheme, category: str | None, picked: Sequence[str]) -> list[tuple[str, str]]:
    """The named stars that apply: every common star; a member's duty stars of their kind; the
    duty and self-chosen stars picked (an organisation's plan, a member's self-chosen)."""
    out = []
    for code, name in scheme.criteria:
        menu = _menu(code)
        if menu == "common":
            out.append((code, name))
        elif menu == "duty" and category is not None:
            if applies_to(scheme, code, category):
                out.append((code, name))
        elif code in picked:
            out.append((code, name))
    return out


def _answers(
    *, subject: str, ids: Sequence[int], year: int, now: dt.datetime, questions: set[str]
) -> dict[int, dict[str, list[Answer]]]:
    """Each subject's average per question and kind of round over the year's closed rounds (no
    self-evaluations; a secret round only from ZHENGXING_MIN_BALLOTS ballots for the subject):
    two queries, the rounds and their ballots for these subjects."""
    if not questions or not ids:
        return {}
    column = "ratee_member_id" if subject == Subject.MEMBER else "ratee_org_id"
    ballots = list(
        Ballot.objects.filter(
            **{f"{column}__in": ids},
            round__year=year,
            round__subject=subject,
            round__closes_at__lte=now,
        )
        .exclude(kind=RoundKind.SELF)
        .values_list(column, "round_id", "kind", "scores")
    )
    forms = {
        pk: {str(i.get("code")): i for i in indicators if isinstance(i, Mapping)}
        for pk, indicators in EvaluationRound.objects.filter(
            pk__in={b[1] for b in ballots}
        ).values_list("pk", "indicators")
    }
    per_round: dict[tuple[int, int], int] = defaultdict(int)
    for ratee, round_id, _kind, _scores in ballots:
        per_round[(ratee, round_id)] += 1
    least = settings.ZHENGXING_MIN_BALLOTS
    sums: dict[tuple[int, str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0)]
    )
    names: dict[tuple[str, str], str] = {}
    for ratee, round_id, kind, scores in ballots:
        if kind in SECRET and per_round[(ratee, round_id)] < least:
            continue
        for question in questions & set(scores or {}):
            indicator = forms.get(round_id, {}).get(question)
            if indicator is None:
                continue
            try:
                score, top = Decimal(str(scores[question])), Decimal(str(indicator.get("max")))
            except (InvalidOperation, ValueError):
                continue
            acc = sums[(ratee, question, kind)]
            acc[0], acc[1], acc[2] = acc[0] + score, acc[1] + top, acc[2] + 1
            names[(question, kind)] = str(indicator.get("name") or question)
    out: dict[int, dict[str, list[Answer]]] = defaultdict(lambda: defaultdict(list))
    for (ratee, question, kind), (score, top, n) in sorted(sums.items()):
        out[ratee][question].append(
            Answer(kind, names[(question, kind)], half_up(score / n), half_up(top / n), int(n))
        )
    return out


def _points(
    *, key: str, ids: Sequence[int], year: int, items: set[str]
) -> dict[int, dict[str, tuple[Decimal, int]]]:
    """Counted points (signed quarters) per subject and item: one grouped query. A reversal
    nets its entry out, points and count."""
    if not items or not ids:
        return {}
    rows = (
        counted_entries()
        .filter(**{f"{key}__in": ids}, year=year, item__code__in=items)
        .values_list(key, "item__code")
        .annotate(
            total=Sum("points"),
            entries=Count("pk", filter=Q(reverses__isnull=True)),
            reversals=Count("pk", filter=Q(reverses__isnull=False)),
        )
    )
    out: dict[int, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    for subject_id, code, total, entries, reversals in rows:
        out[subject_id][code] = (total or Decimal(0), entries - reversals)
    return out


def _item_names(county_id: int, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(
        RuleItem.objects.filter(county_id=county_id, code__in=codes)
        .order_by("code", "catalogue__year", "catalogue__version")  # the newest name last
        .values_list("code", "name")
    )


def _signed(branch_ids: Iterable[int], year: int) -> dict[int, int]:
    return dict(
        QuarterClose.objects.filter(branch_id__in=set(branch_ids), year=year)
        .values_list("branch_id")
        .annotate(n=Count("pk"))
    )


def _feed_codes(scheme: Scheme, codes: Iterable[str]) -> tuple[set[str], set[str]]:
    items: set[str] = set()
    questions: set[str] = set()
    for code in codes:
        feed = scheme.feed(code)
        items |= set(feed.items) | set(feed.against)
        questions |= set(feed.questions)
    return items, questions


def _judged(
    scheme: Scheme,
    applying: list[tuple[str, str]],
    *,
    subject: Member | Org,
    year: int,
    now: dt.datetime,
) -> list[Standard]:
    """Each applying star decided: the body's assessments, then the evidence for the stars it
    has not assessed (the subject's counted points by item, and its closed rounds' averages);
    a member's items are the member's points, an organisation's its members'."""
    member = isinstance(subject, Member)
    kind = Subject.MEMBER if member else Subject.ORG
    key = "member_id" if member else "branch_id"
    branch_id = subject.branch_id if isinstance(subject, Member) else subject.pk
    assessed = CriteriaAward.objects.filter(year=year, **{"member" if member else "org": subject})
    awards = {
        code: Award(met, note) for code, met, note in assessed.values_list("code", "met", "note")
    }
    items, questions = _feed_codes(scheme, (c for c, _ in applying if c not in awards))
    ids = [subject.pk]
    evidence = Evidence(
        signed_quarters=_signed([branch_id], year).get(branch_id, 0),
        points=_points(key=key, ids=ids, year=year, items=items).get(subject.pk, {}),
        item_names=_item_names(subject.county_id, items),
        answers=_answers(subject=kind, ids=ids, year=year, now=now, questions=questions).get(
            subject.pk, {}
        ),
    )
    out = []
    for code, name in applying:
        state, reason = decide(
            scheme.feed(code),
            awards.get(code),
            evidence,
            counting=scheme.criteria_count,
            body=BODIES[kind],
        )
        out.append(Standard(code, name, _menu(code), state, reason, code in awards))
    return out


def member_standards(*, member: Member, year: int, now: dt.datetime) -> Standards:
    """The named stars of a member's year, each lit or not and why (the caller has checked
    that the user may see the member)."""
    scheme = scheme_for(
        county_id=member.county_id, year=year, subject=Subject.MEMBER, path=member.branch.path
    )
    post = MemberPost.objects.filter(member=member, year=year).first()
    duty_note = expectation(member.category)
    if scheme is None or not scheme.criteria:
        return Standards(year, scheme, [], False, [], duty_note, post)
    choice = StarChoice.objects.filter(member=member, year=year).values_list("stars", flat=True)
    picked = list(next(iter(choice), []) or [])
    applying = _applying(scheme, member.category, picked)
    notes = []
    wanted = scheme.picks.get("self", 0)
    chosen = sum(1 for c, _ in applying if _menu(c) == "self")
    if wanted and chosen < wanted:
        notes.append(f"自选星应选{wanted}颗，已选{chosen}颗")
    return Standards(
        year,
        scheme,
        _judged(scheme, applying, subject=member, year=year, now=now),
        scheme.criteria_count,
        notes,
        duty_note,
        post,
    )


def org_standards(*, org: Org, year: int, now: dt.datetime) -> Standards:
    """The named stars of a village organisation's year: the 5 common stars and the duty and
    self-chosen stars of its star plan, each lit or not and why (the caller has checked that
    the user may see the organisation). An item feeds it by its members' counted points."""
    scheme = scheme_for(county_id=org.county_id, year=year, subject=Subject.ORG, path=org.path)
    if scheme is None or not scheme.criteria:
        return Standards(year, scheme, [], False, [])
    plan = StarPlan.objects.filter(org=org, year=year).values_list(
        "duty_stars", "self_stars", "status"
    )
    duty, own, status = next(iter(plan), ([], [], ""))
    picked = [*duty, *own]
    applying = _applying(scheme, None, picked)
    notes = []
    if not status:
        notes.append("尚未制定报星计划：职责星和自选星待选定")
    elif status != "approved":
        notes.append("报星计划尚未经乡镇党委批准")
    return Standards(
        year,
        scheme,
        _judged(scheme, applying, subject=org, year=year, now=now),
        scheme.criteria_count,
        notes,
    )
