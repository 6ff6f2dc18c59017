"""Reads of mobile members' organisation life: the year-end airing (年底集中评比晾晒) of a
branch's (or a scope's) mobile members ranked by the year's counted points, for the secretary
and, by the branch's public reference, for the public; the attendance elsewhere recorded in the
user's scope; the open meetings it may count for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, Rank

from zhengxing.ledger.selectors import counted_entries
from zhengxing.orglife.models import Meeting
from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for

from ..models import Agreement, ElsewhereAttendance

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def mobile_airing(*, org: Org, year: int) -> QuerySet[Any]:
    """The mobile members under `org` ranked by their counted points of `year` (signed quarters
    only), ties sharing a rank, then by name: rows of pk, name, branch__name, total, rank. One
    query (the year's sum a correlated subquery on the ledger's member index). The caller has
    checked the viewer may see `org` (or shows the public version by its public reference).

    将线上学习、线下参加组织生活、先锋模范作用发挥等项目进行积分量化，年底集中评比晾晒
    (article 002)"""
    total = (
        counted_entries()
        .filter(member=OuterRef("pk"), year=year)
        .order_by()
        .values("member")
        .annotate(s=Sum("points"))
        .values("s")[:1]
    )
    return (
        Member.objects.filter(subtree_q(org.path, "branch__"), status=MemberStatus.MOBILE)
        .annotate(total=Coalesce(Subquery(total), Value(Decimal("0.0"))))
        .annotate(rank=Window(Rank(), order_by=F("total").desc()))
        .values("pk", "name", "branch__name", "total", "rank")
        .order_by("rank", "name", "pk")
    )


def elsewhere_visible_to(user: AnyUser) -> QuerySet[ElsewhereAttendance]:
    """Organisation life taken at inflow organisations by members in the user's scope, newest
    first."""
    return (
        ElsewhereAttendance.objects.filter(scope_for(user).org_q("member__branch__"))
        .select_related("member", "inflow", "meeting")
        .order_by("-held_on", "-pk")
    )


def open_meetings_managed(user: AnyUser, *, today: dt.date) -> list[Meeting]:
    """Meetings of branches the user manages not yet closed, held this month or the last two
    (what organisation life elsewhere may count for), newest first; at most 100."""
    scope = scope_for(user)
    start = (today.replace(day=1) - dt.timedelta(days=45)).replace(day=1)
    found = (
        Meeting.objects.filter(scope.org_q("branch__"), closed_at__isnull=True, held_on__gte=start)
        .select_related("branch")
        .order_by("-held_on", "-pk")[:100]
    )
    return [m for m in found if scope.can_manage_org(m.branch)]


def mobile_members_managed(user: AnyUser) -> list[Member]:
    """The mobile members of branches the user manages, by branch and name; at most 500."""
    scope = scope_for(user)
    found = (
        Member.objects.filter(scope.member_q(), status=MemberStatus.MOBILE)
        .select_related("branch")
        .order_by("branch__path", "name", "pk")[:500]
    )
    return [m for m in found if scope.can_manage_member(m)]


def guests_of(*, inflow_meeting: Meeting) -> QuerySet[Member]:
    """The mobile members an inflow organisation in the system may record at its own meeting:
    those of the outflow organisations that signed a co-management agreement with it."""
    paths = Agreement.objects.filter(inflow__org_id=inflow_meeting.branch_id).values_list(
        "outflow__path", flat=True
    )
    q = Q(pk__in=[])
    for path in paths:
        q |= subtree_q(path, "branch__")
    return Member.objects.filter(q, status=MemberStatus.MOBILE)
