"""Reads of learning, always scoped: the county's menu, a member's lessons, the lessons a
branch has to confirm, and the year's learning hours per member and per branch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import orgs_visible_to, scope_for

from ..models import Course, Lesson, LessonState

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

ZERO = Decimal("0.0")
TENTH = Decimal("0.1")


def _hours(row: Mapping[str, Any] | None) -> Decimal:
    """A sum of hours as the catalogue writes them, to the tenth (SQLite sums to a float)."""
    return Decimal(row["hours"]).quantize(TENTH) if row and row["hours"] is not None else ZERO


def _county_ids(user: AnyUser) -> set[int]:
    scope = scope_for(user)
    counties = scope.county_ids()
    if scope.member_id is not None:
        counties |= set(
            Member.objects.filter(pk=scope.member_id).values_list("county_id", flat=True)
        )
    return counties


def courses_for(*, user: AnyUser) -> QuerySet[Course]:
    """The menu of the user's county (a superuser: every county's)."""
    courses = Course.objects.filter(is_active=True).order_by("kind", "title", "pk")
    if scope_for(user).everything:
        return courses
    return courses.filter(county_id__in=_county_ids(user))


def course_for_user(*, user: AnyUser, pk: int) -> Course:
    course = courses_for(user=user).filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def own_lessons(*, user: AnyUser) -> QuerySet[Lesson]:
    member_id = scope_for(user).member_id
    return (
        Lesson.objects.filter(member_id=member_id)
        .select_related("course")
        .order_by("state", "-chosen_at")
        if member_id
        else Lesson.objects.none()
    )


def lesson_for_user(*, user: AnyUser, pk: int) -> Lesson:
    """A lesson of the user's own, or of a branch they see; 404 otherwise."""
    lesson = Lesson.objects.select_related("course", "member", "branch").filter(pk=pk).first()
    scope = scope_for(user)
    if lesson is None or not (
        lesson.member_id == scope.member_id or scope.can_see_org(lesson.branch)
    ):
        raise Http404
    return lesson


def lessons_to_confirm(*, branch: Org) -> QuerySet[Lesson]:
    return (
        Lesson.objects.filter(branch=branch, state=LessonState.REPORTED)
        .select_related("course", "member")
        .order_by("completed_on", "pk")
    )


@dataclass(frozen=True)
class Hours:
    id: int
    name: str
    lessons: int
    hours: Decimal


def member_hours(*, branch: Org, year: int) -> list[Hours]:
    """Each member of the branch with their lessons done in the year and the hours (one query
    for the sums, one for the roll)."""
    done = {
        row["member_id"]: row
        for row in Lesson.objects.filter(
            branch=branch, state=LessonState.DONE, completed_on__year=year
        )
        .values("member_id")
        .annotate(n=Count("pk"), hours=Sum("course__hours"))
    }
    roll = Member.objects.filter(branch=branch, status__in=("active", "mobile")).order_by("name")
    return [
        Hours(
            id=m.pk,
            name=m.name,
            lessons=done[m.pk]["n"] if m.pk in done else 0,
            hours=_hours(done.get(m.pk)),
        )
        for m in roll.only("pk", "name")
    ]


def branch_hours(*, user: AnyUser, org: Org, year: int) -> list[Hours]:
    """Each branch under `org` the user sees, with its lessons done in the year and the hours."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    branches = list(
        orgs_visible_to(user)
        .filter(subtree_q(org.path), kind__in=MEMBER_HOLDING_KINDS)
        .order_by("path")
        .only("pk", "name")
    )
    done = {
        row["branch_id"]: row
        for row in Lesson.objects.filter(
            branch__in=[b.pk for b in branches], state=LessonState.DONE, completed_on__year=year
        )
        .values("branch_id")
        .annotate(n=Count("pk"), hours=Sum("course__hours"))
    }
    return [
        Hours(
            id=b.pk,
            name=b.name,
            lessons=done[b.pk]["n"] if b.pk in done else 0,
            hours=_hours(done.get(b.pk)),
        )
        for b in branches
    ]
