"""Reminder talks (约谈提醒) with members whose points stay low, recorded with the member's
counted points as they stood."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus, Role
from zhengxing.orgs.selectors import scope_for_actor

from ..models import ReminderTalk
from ..rules import ZERO, points_normal, points_text
from ..selectors import counted_entries
from ._common import _today
from .guard import QuarterGuard

TALK_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE})


def may_record_reminder_talk(*, actor: Actor, member: Member) -> bool:
    """The secretary or a committee member of the member's branch holds the talk (the page
    shows the form by this)."""
    scope = scope_for_actor(actor)
    branch = Org.objects.get(pk=member.branch_id)
    return scope.everything or any(
        g.role in TALK_ROLES and branch.path.startswith(g.path) for g in scope.grants
    )


@transaction.atomic
def reminder_talk_record(
    *, actor: Actor, member: Member, held_on: dt.date, notes: str
) -> ReminderTalk:
    """Record a reminder talk (约谈提醒) with a member whose points stay low, keeping the
    member's counted points for the talk's year as they stood when it was recorded. The same
    talk submitted twice (same member, date, notes and recorder) is recorded once."""
    require(may_record_reminder_talk(actor=actor, member=member))
    # the points kept are counted ones: lock out a sign-off of the branch meanwhile
    QuarterGuard(Org.objects.get(pk=member.branch_id))
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        raise ServiceError(f"“{member.name}”已不在本支部党员名册中")
    if held_on > _today(actor):
        raise ServiceError("约谈日期不能晚于今天")
    notes = clean_text(notes, label="约谈情况", limit=2000, required=False)
    existing = ReminderTalk.objects.filter(
        member=member, held_on=held_on, notes=notes, held_by=actor.user
    ).first()
    if existing is not None:
        return existing
    points = (
        counted_entries()
        .filter(member=member, year=held_on.year)
        .aggregate(total=Coalesce(Sum("points"), Value(ZERO)))["total"]
    )
    talk = ReminderTalk.objects.create(
        county_id=member.county_id,
        branch_id=member.branch_id,
        member=member,
        year=held_on.year,
        held_on=held_on,
        held_by=actor.user,
        held_by_label=actor.label[:150],
        points_at_talk=points_normal(points),
        notes=notes,
        recorded_at=actor.now,
    )
    audit_record(
        actor=actor,
        action="ledger.reminder_talk.record",
        object_type="reminder_talk",
        object_id=talk.pk,
        county_id=member.county_id,
        summary=f"约谈提醒{member.name}（{held_on.isoformat()}，{held_on.year}年积分"
        f"{points_text(talk.points_at_talk)}分）",
        after={
            "member_id": member.pk,
            "branch_id": member.branch_id,
            "held_on": held_on.isoformat(),
            "points_at_talk": points_text(talk.points_at_talk),
            "notes": notes,
        },
    )
    return talk
