"""One membership, organisation life in several places (一方隶属、参加多重组织生活, article 002): a
mobile member's attendance at the inflow organisation's meeting counts for the meeting of their
own branch on whose roll they stand — present there, so its close enters the attending points
(orglife's `meeting_count_elsewhere`). Recorded by the outflow secretary from the inflow side's
list, or by the inflow organisation's secretary at its own meeting when it is in the system.

明确流动党员组织关系一方隶属、参加多重组织生活的要求，便于流动党员接收两地党组织的教育培训
(article 002)
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orglife.models import Attendee, Meeting
from zhengxing.orglife.services import meeting_count_elsewhere
from zhengxing.orgs.models import Member
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Agreement, ElsewhereAttendance, InflowOrg


def _today(actor: Actor) -> dt.date:
    return timezone.localdate(actor.now)


def _same_month(a: dt.date, b: dt.date) -> bool:
    return (a.year, a.month) == (b.year, b.month)


def _checked(
    *, actor: Actor, meeting: Meeting, member: Member, inflow: InflowOrg, held_on: dt.date
) -> None:
    """What both ways check: a mobile member of the meeting's branch, an inflow organisation
    under a co-management agreement with an organisation above that branch, a day already past
    and in the month of the branch's meeting (the month's organisation life, taken elsewhere)."""
    if member.status != MemberStatus.MOBILE:
        raise ServiceError(f"“{member.name}”不是流动党员")
    if member.branch_id != meeting.branch_id:
        raise ServiceError(f"“{member.name}”不是“{meeting.branch.name}”的党员")
    branch_path = meeting.branch.path
    agreed = Agreement.objects.filter(inflow=inflow, starts_on__lte=held_on).select_related(
        "outflow"
    )
    if not any(branch_path.startswith(a.outflow.path) for a in agreed):
        raise ServiceError(f"“{inflow.name}”与本支部没有在该日生效的共管协议")
    if held_on > _today(actor):
        raise ServiceError("参加日期不能晚于今天")
    if not _same_month(held_on, meeting.held_on):
        raise ServiceError("流入地的组织生活应与本支部的会议在同一个月")


def _write(
    *,
    actor: Actor,
    meeting: Meeting,
    member: Member,
    inflow: InflowOrg,
    held_on: dt.date,
    source: str,
    note: str,
    inflow_meeting: Meeting | None = None,
) -> ElsewhereAttendance:
    try:
        with transaction.atomic():
            found = ElsewhereAttendance.objects.create(
                county_id=meeting.county_id,
                member=member,
                meeting=meeting,
                inflow=inflow,
                held_on=held_on,
                inflow_meeting=inflow_meeting,
                source=source,
                note=note,
                recorded_by=actor.user,
                recorded_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(
            f"“{member.name}”在流入地参加的组织生活已经计入本次会议", code="duplicate"
        ) from None
    meeting_count_elsewhere(actor=actor, meeting=meeting, member=member, where=inflow.name)
    audit_record(
        actor=actor,
        action="mobility.elsewhere.attend",
        object_type="member",
        object_id=member.pk,
        county_id=member.county_id,
        summary=f"{member.name}：{held_on.isoformat()}在{inflow.name}参加组织生活，计入"
        f"{meeting.get_kind_display()}（{meeting.held_on.isoformat()}）"[:300],
        after={"meeting_id": meeting.pk, "inflow_id": inflow.pk, "source": source},
    )
    return found


@transaction.atomic
def elsewhere_attend_from_list(
    *,
    actor: Actor,
    meeting: Meeting,
    member: Member,
    inflow: InflowOrg,
    held_on: dt.date,
    note: str = "",
) -> ElsewhereAttendance:
    """The outflow branch's secretary records, from the inflow side's attendance list, that a
    mobile member of the branch took part in the inflow organisation's organisation life on
    `held_on`: it counts for the branch's `meeting` of that month (record and points).

    一方隶属、参加多重组织生活 (article 002)"""
    member = Member.objects.select_related("branch").get(pk=member.pk)
    meeting = Meeting.objects.select_related("branch").get(pk=meeting.pk)
    require(scope_for_actor(actor).can_manage_org(meeting.branch))
    _checked(actor=actor, meeting=meeting, member=member, inflow=inflow, held_on=held_on)
    note = clean_text(note, label="说明", limit=300, required=False)
    return _write(
        actor=actor,
        meeting=meeting,
        member=member,
        inflow=inflow,
        held_on=held_on,
        source=ElsewhereAttendance.Source.LIST,
        note=note,
    )


def own_meeting_for(*, member: Member, day: dt.date) -> Meeting | None:
    """The meeting of the member's own branch a day's organisation life elsewhere counts for:
    the earliest of that month not yet closed with the member on its roll."""
    return (
        Meeting.objects.filter(
            branch_id=member.branch_id,
            held_on__year=day.year,
            held_on__month=day.month,
            closed_at__isnull=True,
            pk__in=Attendee.objects.filter(member=member).values("meeting_id"),
        )
        .select_related("branch")
        .order_by("held_on", "pk")
        .first()
    )


@transaction.atomic
def elsewhere_attend_at_inflow(
    *, actor: Actor, inflow_meeting: Meeting, member: Member
) -> ElsewhereAttendance:
    """The inflow organisation, in the system, records at its own meeting a mobile member of
    another branch who took part (its secretary, as at the meeting's sign-in): it counts for
    the earliest open meeting that month of the member's own branch (`own_meeting_for`).

    一方隶属、参加多重组织生活 (article 002)"""
    inflow_meeting = Meeting.objects.select_related("branch").get(pk=inflow_meeting.pk)
    require(scope_for_actor(actor).can_manage_org(inflow_meeting.branch))
    inflow = InflowOrg.objects.filter(
        org=inflow_meeting.branch, county_id=inflow_meeting.county_id
    ).first()
    if inflow is None:
        raise ServiceError(f"“{inflow_meeting.branch.name}”不是登记的流入地党组织")
    member = Member.objects.select_related("branch").get(pk=member.pk)
    meeting = own_meeting_for(member=member, day=inflow_meeting.held_on)
    if meeting is None:
        raise ServiceError(f"“{member.name}”所在支部当月没有可计入的会议")
    held_on = inflow_meeting.held_on
    _checked(actor=actor, meeting=meeting, member=member, inflow=inflow, held_on=held_on)
    return _write(
        actor=actor,
        meeting=meeting,
        member=member,
        inflow=inflow,
        held_on=held_on,
        source=ElsewhereAttendance.Source.SIGN_IN,
        note="",
        inflow_meeting=inflow_meeting,
    )
