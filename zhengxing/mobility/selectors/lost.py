"""Reads of lost contact (失联), always scoped: who is due to be flagged (set-based: one query
however many members), the cases of a scope, one case with its steps. PRACTICES §0: "'Lost
contact' (失联) means no organisation life and no dues for six months or more"; the system keeps
no dues, so any sign of the member stands for contact: a report of where they are, a meeting of
their branch attended (here, or at the inflow organisation and counted here), a lesson done, a
contact logged by the committee member paired with them (电话随访、视频约访、上门走访, article
002: reached by phone is not lost)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from zhengxing.orglife.models import Lesson, LessonState, SignIn
from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import members_visible_to, scope_for

from ..models import Contact, LostCase, LostOutcome, Whereabouts
from ..rules_lost import lost_cutoff

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def members_lost(*, members: QuerySet[Member], today: dt.date) -> QuerySet[Any]:
    """The mobile members among `members` not heard from since the cutoff (`lost_cutoff`): no
    report of where they are, no meeting of their branch signed in (or counted from the inflow
    organisation's), no lesson done, no contact logged by their pairer since then, and mobile
    on the roster since before it — each an EXISTS on its index, one query. Annotated with
    `last_report` (when they last reported) and `last_life` (the day of the last meeting they
    attended), and `open_case` (whether a case is already open)."""
    cutoff = lost_cutoff(today)
    since = _start(cutoff)
    reports = Whereabouts.objects.filter(member=OuterRef("pk")).order_by("-reported_at")
    sign_ins = SignIn.objects.filter(member=OuterRef("pk")).order_by("-meeting__held_on")
    return (
        members.filter(status=MemberStatus.MOBILE, status_since__lt=cutoff)
        .exclude(Exists(reports.filter(reported_at__gte=since)))
        .exclude(Exists(sign_ins.filter(meeting__held_on__gte=cutoff)))
        .exclude(Exists(Contact.objects.filter(member=OuterRef("pk"), on__gte=cutoff)))
        .exclude(
            Exists(
                Lesson.objects.filter(
                    member=OuterRef("pk"), state=LessonState.DONE, completed_on__gte=cutoff
                )
            )
        )
        .annotate(
            last_report=Subquery(reports.values("reported_at")[:1]),
            last_life=Subquery(sign_ins.values("meeting__held_on")[:1]),
            open_case=Exists(
                LostCase.objects.filter(member=OuterRef("pk"), outcome=LostOutcome.OPEN)
            ),
        )
        .select_related("branch")
        .order_by("branch__path", "name", "pk")
    )


def lost_due(*, user: AnyUser, org: Org, today: dt.date) -> QuerySet[Any]:
    """`members_lost` among the members the user sees under `org`."""
    return members_lost(
        members=members_visible_to(user).filter(subtree_q(org.path, "branch__")), today=today
    )


def lost_cases_visible_to(user: AnyUser) -> QuerySet[LostCase]:
    """The lost-contact cases of members in the user's scope, the open ones first."""
    return (
        LostCase.objects.filter(scope_for(user).org_q("member__branch__"))
        .select_related("member__branch")
        .order_by(F("closed_on").desc(nulls_first=True), "-flagged_on", "member__name", "pk")
    )


def lost_case_for_user(user: AnyUser, pk: int) -> LostCase:
    found = lost_cases_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
