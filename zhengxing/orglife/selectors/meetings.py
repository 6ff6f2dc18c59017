"""Reads of meetings, always scoped: a branch's meetings, one meeting with its roll, a member's
upcoming meetings (the home page), and the record for the year per kind against the count each
kind requires (the township's page flags the missing ones)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import orgs_visible_to, scope_for

from .. import meeting_rules
from ..models import Attendee, LifeRule, Meeting, MeetingKind, MeetingPhoto, SignIn
from .life_rules import theme_day_of

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

# How many upcoming meetings a member's home page lists.
UPCOMING = 5


def meeting_for_user(*, user: AnyUser, pk: int) -> Meeting:
    """A meeting of a branch the user sees, or one the user's member is on the roll of; 404
    otherwise (the same for one that does not exist)."""
    meeting = Meeting.objects.select_related("branch", "group").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    scope = scope_for(user)
    if scope.can_see_org(meeting.branch):
        return meeting
    if (
        scope.member_id
        and Attendee.objects.filter(meeting=meeting, member=scope.member_id).exists()
    ):
        return meeting
    raise Http404


def branch_for_meetings(*, user: AnyUser, pk: int) -> Org:
    """A branch the user sees (its meetings); 404 otherwise."""
    org = orgs_visible_to(user).filter(pk=pk, kind__in=MEMBER_HOLDING_KINDS).first()
    if org is None:
        raise Http404
    return org


def branch_meetings(*, branch: Org, year: int) -> QuerySet[Meeting]:
    """The branch's meetings of the year, newest first, with how many signed in and how many
    were expected (two counts in one query)."""
    return (
        Meeting.objects.filter(branch=branch, held_on__year=year)
        .annotate(
            present=Count("sign_ins", distinct=True),
            expected=Count("roll", filter=Q(roll__excuse=""), distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


def upcoming_for_member(*, member_id: int, today: dt.date) -> list[Meeting]:
    """The meetings a member must attend from today on, soonest first (the home page: one
    query on the member's roll rows)."""
    return list(
        Meeting.objects.filter(
            roll__member_id=member_id, held_on__gte=today, closed_at__isnull=True
        )
        .select_related("branch")
        .order_by("held_on", "pk")[:UPCOMING]
    )


@dataclass(frozen=True)
class RollRow:
    member_id: int
    name: str
    excuse: str
    reason: str
    way: str | None
    at: dt.datetime | None


def meeting_roll(*, meeting: Meeting) -> list[RollRow]:
    """Who must attend, with their excuse and sign-in: two queries whatever the roll's size."""
    signed = {
        s.member_id: s for s in SignIn.objects.filter(meeting=meeting).only("member", "way", "at")
    }
    rows = (
        Attendee.objects.filter(meeting=meeting)
        .values_list("member_id", "member__name", "excuse", "reason")
        .order_by("member__name", "member_id")
    )
    return [
        RollRow(
            member_id=pk,
            name=name,
            excuse=excuse,
            reason=reason,
            way=signed[pk].way if pk in signed else None,
            at=signed[pk].at if pk in signed else None,
        )
        for pk, name, excuse, reason in rows
    ]


def own_attendee(*, user: AnyUser, meeting: Meeting) -> Attendee | None:
    member_id = scope_for(user).member_id
    if member_id is None:
        return None
    return Attendee.objects.filter(meeting=meeting, member_id=member_id).first()


def has_signed_in(*, meeting: Meeting, member_id: int) -> bool:
    return SignIn.objects.filter(meeting=meeting, member_id=member_id).exists()


def per_year_for(*, county_id: int) -> dict[str, int]:
    """How many of each kind a branch of the county holds a year: the county's own counts over
    the defaults."""
    counts = dict(meeting_rules.PER_YEAR)
    for activity, n in LifeRule.objects.filter(
        county_id=county_id, per_year__isnull=False
    ).values_list("activity", "per_year"):
        if activity in counts and n is not None:
            counts[activity] = n
    return counts


@dataclass(frozen=True)
class KindRecord:
    kind: str
    label: str
    required: int
    due: int
    held: int

    @property
    def missing(self) -> int:
        return max(self.due - self.held, 0)


@dataclass
class BranchRecord:
    branch: Org
    kinds: list[KindRecord] = field(default_factory=list)
    # the months ended without a theme day ("坚持每月党员活动一次", 000), 1-12
    months_without_theme_day: list[int] = field(default_factory=list)
    # theme days held off the county's fixed day, with the reason given: (date, reason)
    moved_theme_days: list[tuple[dt.date, str]] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(k.missing for k in self.kinds)

    @property
    def behind(self) -> bool:
        """Flagged to the township: a kind short of its count, or a month without a theme day."""
        return bool(self.missing or self.months_without_theme_day)


def meeting_records(*, user: AnyUser, org: Org, year: int, today: dt.date) -> list[BranchRecord]:
    """Each branch under `org` (itself if a branch) that the user sees, with its meetings of
    the year per kind — those whose minutes are closed — against the count the kind requires
    and how many were due by `today`. One query for the counts, one for the branches."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    branches = list(
        orgs_visible_to(user)
        .filter(subtree_q(org.path), kind__in=MEMBER_HOLDING_KINDS)
        .order_by("path")
    )
    held: dict[tuple[int, str], int] = {
        (b, k): n
        for b, k, n in Meeting.objects.filter(
            branch__in=[b.pk for b in branches], held_on__year=year, closed_at__isnull=False
        )
        .values_list("branch_id", "kind")
        .annotate(n=Count("pk"))
    }
    per_year = per_year_for(county_id=org.county_id)
    # the theme days of the year, by month (one query): a month ended without one is flagged
    theme_days: dict[int, set[int]] = {}
    moved: dict[int, list[tuple[dt.date, str]]] = {}
    for b, day, reason in (
        Meeting.objects.filter(
            branch__in=[b.pk for b in branches],
            held_on__year=year,
            kind=MeetingKind.THEME_DAY,
            closed_at__isnull=False,
        )
        .values_list("branch_id", "held_on", "off_day_reason")
        .order_by("held_on")
    ):
        theme_days.setdefault(b, set()).add(day.month)
        if reason:
            moved.setdefault(b, []).append((day, reason))
    due_months = meeting_rules.months_ended(year, today=today)
    return [
        BranchRecord(
            branch=b,
            months_without_theme_day=[m for m in due_months if m not in theme_days.get(b.pk, ())],
            moved_theme_days=moved.get(b.pk, []),
            kinds=[
                KindRecord(
                    kind=kind.value,
                    label=str(kind.label),
                    required=per_year[kind],
                    due=meeting_rules.due_by(per_year[kind], year=year, today=today),
                    held=held.get((b.pk, kind.value), 0),
                )
                for kind in MeetingKind
            ],
        )
        for b in branches
    ]


def theme_day_proposal(*, county_id: int, today: dt.date) -> dt.date | None:
    """The date a secretary planning a theme day is offered: the county's fixed day, this
    month's or next ("“固定日”集中学", 003); None where the county fixes none."""
    fixed = theme_day_of(county_id=county_id)
    return None if fixed is None else meeting_rules.theme_day_next(fixed, today=today)


def member_for_meeting(*, meeting: Meeting, member_id: int) -> Member:
    """A member on the meeting's roll; 404 otherwise."""
    member = Member.objects.filter(pk=member_id, branch_id=meeting.branch_id).first()
    if member is None:
        raise Http404
    return member


def meeting_photos(*, meeting: Meeting) -> list[MeetingPhoto]:
    """The photos with a meeting's minutes, oldest first, with their files (one query)."""
    return list(MeetingPhoto.objects.filter(meeting=meeting).select_related("file"))


def photo_for_user(*, user: AnyUser, meeting_pk: int, pk: int) -> MeetingPhoto:
    """A photo of a meeting the user may see (`meeting_for_user`); 404 otherwise."""
    meeting = meeting_for_user(user=user, pk=meeting_pk)
    photo = MeetingPhoto.objects.select_related("file").filter(pk=pk, meeting=meeting).first()
    if photo is None:
        raise Http404
    photo.meeting = meeting
    return photo
