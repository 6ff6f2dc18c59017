"""Evaluation rounds (writes): who may run one, its indicator form, its opening after the
rounds it depends on, and the year's rounds a scheme needs, scheduled as the articles hold them.
Each write checks the actor's scope, refuses bad input with a Chinese `ServiceError` before
writing anything, and writes the round and its audit row in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import scope_for_actor

from .models import EvaluationRound, RoundKind, Subject
from .rules import period_name

ONE_DECIMAL = Decimal("0.1")
PERIODS = ("Y", "H1", "H2", "Q1", "Q2", "Q3", "Q4")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    max: Decimal


def indicators_clean(raw: Any) -> list[Indicator]:
    """An indicator form: a list of {code, name, max}, codes unique, maxima positive with one
    decimal, adding up to 100 (a ballot's total is then a 0-100 score)."""
    if not isinstance(raw, list) or not raw:
        raise ServiceError("请至少设置一项评议指标")
    found: list[Indicator] = []
    for n, row in enumerate(raw, start=1):
        if not isinstance(row, Mapping):
            raise ServiceError(f"第{n}项评议指标格式不正确")
        code = str(row.get("code", "")).strip()
        name = str(row.get("name", "")).strip()
        if not code or not name:
            raise ServiceError(f"第{n}项评议指标须有代码和名称")
        try:
            top = Decimal(str(row.get("max", "")))
        except InvalidOperation:
            raise ServiceError(f"评议指标“{name}”的满分不是数字") from None
        if top <= 0 or top != top.quantize(ONE_DECIMAL):
            raise ServiceError(f"评议指标“{name}”的满分应为正数，最多一位小数")
        if any(i.code == code for i in found):
            raise ServiceError(f"评议指标代码“{code}”重复", code="duplicate")
        found.append(Indicator(code, name, top))
    total = sum((i.max for i in found), start=Decimal(0))
    if total != 100:
        raise ServiceError(f"各项评议指标满分之和应为100分，现为{total.normalize():f}分")
    return found


def round_indicators(round_: EvaluationRound) -> list[Indicator]:
    return [Indicator(i["code"], i["name"], Decimal(str(i["max"]))) for i in round_.indicators]


def may_run_round(actor: Actor, org: Org, kind: str) -> bool:
    """A branch's secretary or committee runs its members' rounds; the township (or county)
    runs the assessment of organisations and any round below it."""
    scope = scope_for_actor(actor)
    if kind == RoundKind.ASSESSMENT:
        return scope.can_manage_tree(org)
    return scope.can_manage_org(org)


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    org: Org,
    year: int,
    period: str,
    kind: str,
    name: str,
    indicators: Any,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
) -> EvaluationRound:
    """Open an evaluation round for the members of a branch (self, peer, committee, public,
    general) or for the organisations under a township (assessment, or public and member
    evaluation of an organisation: `org` is then the organisation rated)."""
    require(may_run_round(actor, org, kind))
    if kind not in RoundKind.values:
        raise ServiceError("评议类型不正确")
    if period not in PERIODS:
        raise ServiceError(f"评议期间应为{('、'.join(PERIODS))}之一")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ServiceError("请填写评议名称（不超过200字）")
    if closes_at <= opens_at:
        raise ServiceError("评议结束时间应晚于开始时间")
    if kind == RoundKind.COMMITTEE:
        _after_peer_rounds(org, year, period, opens_at)
    form = indicators_clean(indicators)
    subject = (
        Subject.ORG
        if kind == RoundKind.ASSESSMENT or org.kind not in MEMBER_HOLDING_KINDS
        else Subject.MEMBER
    )
    round_ = EvaluationRound.objects.create(
        county_id=org.county_id,
        org=org,
        year=year,
        period=period,
        kind=kind,
        subject=subject,
        name=name,
        indicators=[{"code": i.code, "name": i.name, "max": f"{i.max}"} for i in form],
        opens_at=opens_at,
        closes_at=closes_at,
        created_at=actor.now,
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="stars.round.create",
        object_type="evaluation_round",
        object_id=round_.pk,
        county_id=org.county_id,
        summary=f"{org.name}：{name}（{year}{period}，{RoundKind(kind).label}）",
        after={"org_id": org.pk, "year": year, "period": period, "kind": kind},
    )
    return round_


def _after_peer_rounds(org: Org, year: int, period: str, opens_at: dt.datetime) -> None:
    """商评 is made "根据党员互评情况" (003): a committee round opens only once the branch's peer
    rounds of the same period have closed, so the committee scores with their results before
    it."""
    peer = (
        EvaluationRound.objects.filter(org=org, year=year, period=period, kind=RoundKind.PEER)
        .order_by("-closes_at")
        .first()
    )
    if peer is not None and opens_at < peer.closes_at:
        raise ServiceError(
            f"支委会评议（商评）应在党员互评“{peer.name}”结束后开始"
            f"（{peer.closes_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}之后）"
        )


# The schedules of the articles, (kind, period) → the opening and closing (month, day):
# - Bayannur (000): "党员评议每年结合“七一”和年度组织生活会开展2次,群众评议每年年底组织开展1次"; for
#   organisations "苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评,平均分作为年度积分;……由党员和
#   群众分别对党组织工作落实情况进行评价" (the township's rounds: its half-year assessments, and the
#   members' and the public's evaluation of each village organisation at year end);
# - Gaotai (003): each half-year, in order, 自评, 互评 ("党支部每半年召开一次评议会"), 商评 (the
#   village committees score "根据党员互评情况"), then 总评 at the year-end democratic appraisal.
SCHEDULE: dict[tuple[str, str], tuple[tuple[int, int], tuple[int, int]]] = {
    (RoundKind.SELF, "H1"): ((6, 15), (6, 24)),
    (RoundKind.PEER, "H1"): ((6, 25), (7, 5)),
    (RoundKind.COMMITTEE, "H1"): ((7, 6), (7, 15)),
    (RoundKind.SELF, "H2"): ((11, 20), (11, 30)),
    (RoundKind.PEER, "H2"): ((12, 1), (12, 20)),
    (RoundKind.COMMITTEE, "H2"): ((12, 21), (12, 26)),
    (RoundKind.GENERAL, "Y"): ((12, 27), (12, 30)),
    (RoundKind.PEER, "Y"): ((12, 1), (12, 25)),
    (RoundKind.PUBLIC, "Y"): ((12, 1), (12, 25)),
    (RoundKind.COMMITTEE, "Y"): ((12, 21), (12, 26)),
    (RoundKind.SELF, "Y"): ((12, 1), (12, 20)),
    (RoundKind.ASSESSMENT, "H1"): ((6, 20), (7, 10)),
    (RoundKind.ASSESSMENT, "H2"): ((12, 1), (12, 20)),
}
SCHEDULE_NAMES: dict[str, str] = {
    RoundKind.PEER: "党员互评",
    RoundKind.PUBLIC: "群众评议",
    RoundKind.COMMITTEE: "支委会评议（商评）",
    RoundKind.SELF: "党员自评",
    RoundKind.GENERAL: "民主评议总评",
    RoundKind.ASSESSMENT: "村级党组织考评",
}
ORG_SCHEDULE_NAMES: dict[str, str] = {
    RoundKind.PEER: "党员评议党组织",
    RoundKind.PUBLIC: "群众评议党组织",
    RoundKind.ASSESSMENT: "村级党组织考评",
}


def scheduled_rounds(scheme: Any, *, township: bool) -> list[tuple[str, str]]:
    """(kind, period) of the rounds a scheme's components need, in the order they are held: a
    branch's for its members, or a township's of its organisations."""
    from .compute_sql import EVAL_SOURCES

    kinds = {EVAL_SOURCES.get(component) for component in scheme.weights}
    if township:
        wanted: list[tuple[str, str]] = []
        if "points" in scheme.weights:
            wanted += [(RoundKind.ASSESSMENT, "H1"), (RoundKind.ASSESSMENT, "H2")]
        wanted += [(k, "Y") for k in (RoundKind.PEER, RoundKind.PUBLIC) if k in kinds]
        return wanted
    if RoundKind.COMMITTEE in kinds and set(scheme.periods) == {"H1", "H2"}:
        # "341": the four evaluations each half-year, 总评 at year end confirming them
        halves = [(k, p) for p in ("H1", "H2")
                  for k in (RoundKind.SELF, RoundKind.PEER, RoundKind.COMMITTEE)]  # fmt: skip
        return [*halves, (RoundKind.GENERAL, "Y")]
    wanted = []
    for kind in (RoundKind.SELF, RoundKind.PEER, RoundKind.COMMITTEE, RoundKind.PUBLIC,
                 RoundKind.GENERAL):  # fmt: skip
        if kind not in kinds:
            continue
        if kind == RoundKind.PEER:
            wanted += [(kind, "H1"), (kind, "H2")]
        else:
            wanted.append((kind, "Y"))
    return wanted


@transaction.atomic
def rounds_schedule(*, actor: Actor, org: Org, year: int) -> list[EvaluationRound]:
    """The year's rounds by the schedule of the scheme that applies to `org` (a branch: its
    members' rounds; a township: its assessments of village organisations), each made once:
    those already held (same kind and period) are left alone. Returns those made now."""
    from .plans import scheme_for

    township = org.kind not in MEMBER_HOLDING_KINDS
    scheme = scheme_for(
        county_id=org.county_id,
        year=year,
        subject=Subject.ORG if township else Subject.MEMBER,
        path=org.path,
    )
    if scheme is None:
        raise ServiceError(f"{year}年还没有适用于{org.name}的星级方案")
    held = set(EvaluationRound.objects.filter(org=org, year=year).values_list("kind", "period"))
    made = []
    tz = dt.timezone(dt.timedelta(hours=8))
    names = ORG_SCHEDULE_NAMES if township else SCHEDULE_NAMES
    for kind, period in scheduled_rounds(scheme, township=township):
        if (kind, period) in held or (kind, period) not in SCHEDULE:
            continue
        (om, od), (cm, cd) = SCHEDULE[(kind, period)]
        made_now = round_create(
            actor=actor, org=org, year=year, period=period, kind=kind,
            name=f"{period_name(year, period)}{names[kind]}",
            indicators=[{"code": "T", "name": "综合评价", "max": "100"}],
            opens_at=dt.datetime(year, om, od, 8, tzinfo=tz),
            closes_at=dt.datetime(year, cm, cd, 18, tzinfo=tz),
        )  # fmt: skip
        made.append(made_now)
    return made
