"""The "4" of Chifeng's "12345", its pairing part: committee members of either side paired with
mobile members, each contact logged, and the outflow committee's half-yearly report on contacts
signed once. Each write checks the actor's scope, refuses bad input in Chinese before writing
anything, and records its audit row in the same transaction.

结对帮带、密切联络，流入地和流出地基层党组织班子成员采取“一对一”“一对多”的方式与流动党员结对，
每季度开展一次电话随访、视频约访、上门走访，流出地基层党委每半年专门听取一次联络情况汇报，
及时全面地掌握流动党员实际情况。 (article 002)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import PATH_SEGMENT, Member, Org
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for, scope_for_actor

from ..duty import SAID_MAX, Half, Side, Way, contact_problem, half_problem
from ..models import Agreement, Contact, ContactReport, InflowOrg, Pairing
from ..pairings import report_on_contacts


def _display_name(user: Any) -> str:
    full = f"{user.last_name}{user.first_name}".strip()
    return (full or user.get_username())[:50]


def _agreement_covers(member: Member, inflow: InflowOrg) -> bool:
    """Whether an agreement ties the inflow organisation to an outflow organisation holding
    the member (the member's branch or one above it)."""
    path = member.branch.path
    paths = [path[:n] for n in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)]
    return Agreement.objects.filter(inflow=inflow, outflow__path__in=paths).exists()


@transaction.atomic
def pairing_create(
    *,
    actor: Actor,
    member: Member,
    pairer: Any,
    side: str,
    since: dt.date,
    inflow: InflowOrg | None = None,
) -> Pairing:
    """A committee member paired with a mobile member: of the outflow side (who holds a
    committee role over the member's branch: its secretary or committee, the township), or of
    the inflow side (who holds one over the inflow organisation, when that one is in the tree
    and an agreement ties it to the member's outflow organisation). One pairer may take several
    members (一对多); a pairer is paired with a member once at a time (a constraint).

    流入地和流出地基层党组织班子成员采取“一对一”“一对多”的方式与流动党员结对 (article 002)"""
    member = Member.objects.select_related("branch").get(pk=member.pk)
    scope = scope_for_actor(actor)
    if side == Side.INFLOW and inflow is not None and inflow.org is not None:
        require(scope.can_manage_member(member) or scope.can_manage_org(inflow.org))
    else:
        require(scope.can_manage_member(member))
    if member.status != MemberStatus.MOBILE:
        raise ServiceError(f"“{member.name}”不是流动党员，不能结对")
    if since > timezone.localdate(actor.now):
        raise ServiceError("结对日期不能晚于今天")
    name = _display_name(pairer)
    if side == Side.OUTFLOW:
        if not scope_for(pairer).can_manage_member(member):
            raise ServiceError(f"“{name}”不是“{member.name}”流出地党组织的班子成员")
        org: Org = member.branch
    elif side == Side.INFLOW:
        if inflow is None:
            raise ServiceError("请选择流入地党组织")
        if inflow.county_id != member.county_id:
            raise ServiceError("流入地党组织不属于本旗县区的登记")
        if inflow.org is None:
            raise ServiceError(
                f"流入地党组织“{inflow.name}”不在系统中，其班子成员无法登录登记联络，"
                "请由流出地班子成员结对"
            )
        if not scope_for(pairer).can_manage_org(inflow.org):
            raise ServiceError(f"“{name}”不是流入地党组织“{inflow.name}”的班子成员")
        if not _agreement_covers(member, inflow):
            raise ServiceError(f"“{member.name}”的流出地党组织与“{inflow.name}”尚未签订共管协议")
        org = inflow.org
    else:
        raise ServiceError("请选择结对的一方（流出地或流入地）")
    try:
        with transaction.atomic():
            found = Pairing.objects.create(
                county_id=member.county_id,
                member=member,
                pairer=pairer,
                pairer_name=name,
                side=side,
                org=org,
                since=since,
                created_by=actor.user,
                created_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(f"“{name}”已与“{member.name}”结对", code="duplicate") from None
    audit_record(
        actor=actor,
        action="mobility.pairing.create",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{name} 与流动党员 {member.name} 结对（{Side(side).label}）",
        after={"pairing_id": found.pk, "pairer_id": pairer.pk, "side": side},
    )
    return found


@transaction.atomic
def pairing_end(*, actor: Actor, pairing: Pairing, on: dt.date) -> Pairing:
    """A pairing ended (the member came home, the committee changed): its contacts stay."""
    pairing = (
        Pairing.objects.select_for_update().select_related("member__branch").get(pk=pairing.pk)
    )
    require(scope_for_actor(actor).can_manage_member(pairing.member))
    if pairing.ended_on is not None:
        raise ServiceError("该结对已经结束", code="conflict")
    if on < pairing.since or on > timezone.localdate(actor.now):
        raise ServiceError("结束日期应在结对日期与今天之间")
    pairing.ended_on = on
    pairing.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="mobility.pairing.end",
        object_type="member",
        object_id=pairing.member_id,
        county_id=pairing.county_id,
        summary=f"{pairing.pairer_name} 与 {pairing.member.name} 结束结对",
        after={"pairing_id": pairing.pk, "ended_on": on.isoformat()},
    )
    return pairing


@transaction.atomic
def contact_log(*, actor: Actor, member: Member, way: str, on: dt.date, said: str) -> Contact:
    """A contact the logger made with a mobile member they are paired with: how (phone, video,
    home visit), the day, what was said. A member not in the logger's pairings is refused,
    nothing written.

    每季度开展一次电话随访、视频约访、上门走访 (article 002)"""
    if actor.user is None:
        raise ServiceError("请先登录再登记联络情况")
    if way not in Way.values:
        raise ServiceError("请选择联络方式（电话随访、视频约访或上门走访）")
    said = clean_text(said, label="联络内容", limit=SAID_MAX)
    pairing = (
        Pairing.objects.filter(pairer=actor.user, member_id=member.pk, ended_on__isnull=True)
        .order_by("since")
        .first()
    )
    if pairing is None:
        raise ServiceError(f"您未与“{member.name}”结对，不能登记对其的联络情况")
    today = timezone.localdate(actor.now)
    problem = contact_problem(on=on, today=today, paired_since=pairing.since)
    if problem:
        raise ServiceError(problem)
    found = Contact.objects.create(
        county_id=pairing.county_id,
        pairing=pairing,
        member_id=member.pk,
        way=way,
        on=on,
        said=said,
        logged_by=actor.user,
        logged_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="mobility.contact.log",
        object_type="member",
        object_id=member.pk,
        county_id=pairing.county_id,
        summary=f"{pairing.pairer_name} 联络 {member.name}（{Way(way).label}，{on:%Y-%m-%d}）",
        after={"contact_id": found.pk, "pairing_id": pairing.pk, "way": way, "on": on.isoformat()},
    )
    return found


@transaction.atomic
def contact_report_sign(
    *, actor: Actor, org: Org, half: Half, signer_name: str, remarks: str = ""
) -> ContactReport:
    """The outflow committee's report on the half-year's contacts (联络情况汇报), generated from
    the log (each pairing's contacts per quarter, those overdue) and signed once the half-year
    has ended: its figures kept as signed. Signed once: a second signature is refused, and two
    racing fail on the constraint.

    流出地基层党委每半年专门听取一次联络情况汇报，及时全面地掌握流动党员实际情况 (article 002)"""
    require(scope_for_actor(actor).can_manage_org(org))
    problem = half_problem(half, today=timezone.localdate(actor.now))
    if problem:
        raise ServiceError(problem)
    signer_name = clean_text(signer_name, label="签字人", limit=50)
    remarks = clean_text(remarks, label="意见", limit=2000, required=False)
    if ContactReport.objects.filter(org=org, year=half.year, half=half.number).exists():
        raise ServiceError(f"{org.name}{half.label}联络情况汇报已经签署", code="conflict")
    report = report_on_contacts(org=org, half=half, today=timezone.localdate(actor.now))
    try:
        with transaction.atomic():
            found = ContactReport.objects.create(
                county_id=org.county_id,
                org=org,
                year=half.year,
                half=half.number,
                pairings=len(report.lines),
                members=report.members,
                contacts=report.contacts,
                overdue=report.overdue,
                lines=[line.as_json() for line in report.lines],
                remarks=remarks,
                signer_name=signer_name,
                signed_by=actor.user,
                signed_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(f"{org.name}{half.label}联络情况汇报已经签署", code="conflict") from None
    audit_record(
        actor=actor,
        action="mobility.contact_report.sign",
        object_type="org",
        object_id=org.pk,
        county_id=org.county_id,
        summary=f"{org.name}{half.label}联络情况汇报签署（{signer_name}）",
        after={
            "report_id": found.pk,
            "pairings": found.pairings,
            "contacts": found.contacts,
            "overdue": found.overdue,
        },
    )
    return found
