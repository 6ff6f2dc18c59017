"""Lost contact (失联), PRACTICES §0: "'Lost contact' (失联) means no organisation life and no
dues for six months or more; the reason is coded". Flagged set-based after the period, the
search steps recorded, and the case closed once with its outcome: found, or the county's
procedure followed. Each write checks the actor's scope, refuses bad input in Chinese before
writing anything, and writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.selectors import scope_for_actor

from ..models import LostCase, LostOutcome, LostReason, SearchStep, SearchWay
from ..rules_lost import lost_months
from ..selectors.lost import members_lost

NOTE_MAX = 500


def _today(actor: Actor) -> dt.date:
    return timezone.localdate(actor.now)


@transaction.atomic
def lost_flag(*, actor: Actor, org: Org) -> list[LostCase]:
    """Flag as lost contact every mobile member under `org` not heard from for the period
    (settings.ZHENGXING_LOST_CONTACT_MONTHS, six months unless configured) who has no open
    case: the members found in one query (`lost.members_lost`), the cases written in one insert,
    their audit rows in one more. A member already flagged is left as they are (one open case
    per member, a partial unique index).

    失联: "no organisation life and no dues for six months or more" (PRACTICES §0)"""
    require(scope_for_actor(actor).can_manage_org(org))
    today = _today(actor)
    due = (
        members_lost(
            members=Member.objects.filter(subtree_q(org.path, "branch__"), county_id=org.county_id),
            today=today,
        )
        .exclude(Exists(LostCase.objects.filter(member=OuterRef("pk"), outcome="")))
        .values_list("pk", "county_id", "name", "last_report", "last_life")
    )
    cases, names = [], {}
    for pk, county_id, name, last_report, last_life in due:
        heard = [d for d in (last_report and timezone.localdate(last_report), last_life) if d]
        names[pk] = name
        cases.append(
            LostCase(
                county_id=county_id,
                member_id=pk,
                flagged_on=today,
                last_heard_on=max(heard, default=None),
                flagged_at=actor.now,
            )
        )
    try:
        with transaction.atomic():
            LostCase.objects.bulk_create(cases)
    except IntegrityError:
        raise ServiceError("有党员刚刚已被标记为失联，请刷新后再试", code="conflict") from None
    names = dict(
        Member.objects.filter(pk__in=[c.member_id for c in cases]).values_list("pk", "name")
    )
    audit_record_many(
        audit_event(
            actor=actor,
            action="mobility.lost.flag",
            object_type="member",
            object_id=case.member_id,
            county_id=case.county_id,
            summary=f"{names[case.member_id]}：{lost_months()}个月未参加组织生活、未取得联系，标记为失联",
            after={"last_heard_on": case.last_heard_on and case.last_heard_on.isoformat()},
        )
        for case in cases
    )
    return cases


def _open_case(actor: Actor, case: LostCase) -> LostCase:
    case = LostCase.objects.select_for_update().select_related("member__branch").get(pk=case.pk)
    require(scope_for_actor(actor).can_manage_member(case.member))
    if not case.is_open:
        raise ServiceError("该失联党员的查找已经结束", code="conflict")
    return case


@transaction.atomic
def lost_reason_set(*, actor: Actor, case: LostCase, reason: str) -> LostCase:
    """The reason contact was lost, coded as the national member system codes it.

    "the reason is coded (migrant work or business, unit restructured or bankrupt, whereabouts
    unknown after graduation, changed employer, abroad, moved house, other)" (PRACTICES §0)"""
    case = _open_case(actor, case)
    if reason not in LostReason.values or reason == LostReason.UNKNOWN:
        raise ServiceError("请选择失联原因")
    before = case.reason
    case.reason = reason
    case.save(update_fields=["reason"])
    audit_record(
        actor=actor,
        action="mobility.lost.reason",
        object_type="member",
        object_id=case.member_id,
        county_id=case.county_id,
        summary=f"{case.member.name}：失联原因 {case.get_reason_display()}",
        before={"reason": before},
        after={"reason": reason},
    )
    return case


@transaction.atomic
def search_step_record(
    *, actor: Actor, case: LostCase, on: dt.date, way: str, what: str
) -> SearchStep:
    """One step of the search for a lost member: when, how (phone, visit, family, the inflow
    organisation, the employer, a notice), what came of it; who is the actor."""
    case = _open_case(actor, case)
    if way not in SearchWay.values:
        raise ServiceError("请选择查找方式")
    if on > _today(actor):
        raise ServiceError("查找日期不能晚于今天")
    if on < case.flagged_on - dt.timedelta(days=366):
        raise ServiceError("查找日期早于失联标记一年以上")
    what = clean_text(what, label="查找情况", limit=NOTE_MAX)
    step = SearchStep.objects.create(
        county_id=case.county_id,
        case=case,
        on=on,
        way=way,
        what=what,
        by=actor.user,
        by_label=actor.label[:150],
        recorded_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="mobility.lost.search",
        object_type="member",
        object_id=case.member_id,
        county_id=case.county_id,
        summary=f"{case.member.name}：查找（{step.get_way_display()}，{on.isoformat()}）{what}"[
            :300
        ],
    )
    return step


@transaction.atomic
def lost_case_close(*, actor: Actor, case: LostCase, outcome: str, note: str) -> LostCase:
    """The search ends once: the member found and in contact again, or handled by the county's
    procedure (the note says which: 停止党籍, 除名, …). A case closed twice is refused."""
    case = _open_case(actor, case)
    if outcome not in (LostOutcome.FOUND, LostOutcome.PROCEDURE):
        raise ServiceError("请选择查找结果：已取得联系，或按规定程序处置")
    note = clean_text(note, label="处理情况", limit=NOTE_MAX)
    if outcome == LostOutcome.PROCEDURE and not case.steps.exists():
        raise ServiceError("按程序处置前，请先登记查找经过")
    case.outcome, case.outcome_note = outcome, note
    case.closed_on, case.closed_by = _today(actor), actor.user
    case.save(update_fields=["outcome", "outcome_note", "closed_on", "closed_by"])
    audit_record(
        actor=actor,
        action="mobility.lost.close",
        object_type="member",
        object_id=case.member_id,
        county_id=case.county_id,
        summary=f"{case.member.name}：{case.get_outcome_display()}（{note}）"[:300],
        after={"outcome": outcome, "note": note},
    )
    return case
