"""REST endpoints of learning, under /api/v1/life: the county's menu, picking (菜单式点学), a
member's own record, the branch's confirmation, delivered lessons (送学上门, 红色包裹), and the
year's hours per member and per branch. The same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.schemas import Id, ObjectId, responses
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs.models import Member
from zhengxing.orgs.selectors import org_for_user

from . import selectors, services

router = Router(tags=["organisation life: learning"])


class CourseIn(Schema):
    title: str = Field(max_length=200)
    kind: Literal["video", "text", "offline", "delivery", "parcel"]
    hours: Decimal = Field(gt=0, le=100, decimal_places=1)
    link: str = Field("", max_length=500)
    body: str = Field("", max_length=20000)


class CourseOut(Schema):
    id: int
    title: str
    kind: str
    hours: Decimal
    link: str
    body: str


class LessonOut(Schema):
    id: int
    course_id: int
    member_id: int
    state: str = Field(description='"chosen", "reported" (awaiting confirmation), "done"')
    note: str
    completed_on: dt.date | None


class ReportIn(Schema):
    completed_on: dt.date
    note: str = Field(max_length=500)


class ConfirmIn(Schema):
    lesson_ids: list[Id] = Field(max_length=2000)


class DeliverIn(Schema):
    course_id: Id
    member_ids: list[Id] = Field(max_length=2000)
    completed_on: dt.date
    note: str = Field(max_length=500)


class EnteredOut(Schema):
    points_entered: int


class HoursOut(Schema):
    id: int
    name: str
    lessons: int
    hours: Decimal


class YearIn(Schema):
    year: int = Field(ge=2000, le=2100)


@router.get("/courses", response=responses(list[CourseOut]))
def courses(request: HttpRequest) -> Any:
    """The county's menu."""
    return selectors.courses_for(user=request.user)


@router.post("/courses", response=responses(CourseOut, 400, 403, status=201))
def course_create(request: HttpRequest, payload: CourseIn) -> Any:
    """Add a course to the menu: the county's organisation department."""
    root = ledger_selectors.default_org_for(user=request.user)
    # only the organisation department of a county (its root) keeps these
    require(root is not None and root.parent_id is None)
    assert root is not None
    return 201, services.course_create(
        actor=Actor.from_request(request), county_root=root, **payload.dict()
    )


@router.post("/courses/{course_id}/pick", response=responses(LessonOut, 400, 403, 404))
def course_pick(request: HttpRequest, course_id: ObjectId) -> Any:
    """The member picks the course (菜单式点学); again, the same lesson."""
    found = selectors.course_for_user(user=request.user, pk=course_id)
    return services.course_pick(actor=Actor.from_request(request), course=found)


@router.get("/lessons/mine", response=responses(list[LessonOut]))
def lessons_mine(request: HttpRequest) -> Any:
    return selectors.own_lessons(user=request.user)


@router.post("/lessons/{lesson_id}/report", response=responses(LessonOut, 400, 403, 404))
def lesson_report(request: HttpRequest, lesson_id: ObjectId, payload: ReportIn) -> Any:
    """The member records their own lesson done; the branch confirms it before the points."""
    lesson = selectors.lesson_for_user(user=request.user, pk=lesson_id)
    return services.lesson_report(
        actor=Actor.from_request(request),
        lesson=lesson,
        completed_on=payload.completed_on,
        note=payload.note,
    )


@router.get("/branches/{branch_id}/lessons/to-confirm", response=responses(list[LessonOut], 404))
def lessons_to_confirm(request: HttpRequest, branch_id: ObjectId) -> Any:
    branch = selectors.branch_for_meetings(user=request.user, pk=branch_id)
    return selectors.lessons_to_confirm(branch=branch)


@router.post("/branches/{branch_id}/lessons/confirm", response=responses(EnteredOut, 400, 403, 404))
def lessons_confirm(request: HttpRequest, branch_id: ObjectId, payload: ConfirmIn) -> Any:
    """The secretary or committee confirms members' own records; the points follow."""
    branch = selectors.branch_for_meetings(user=request.user, pk=branch_id)
    lessons = list(selectors.lessons_to_confirm(branch=branch).filter(pk__in=payload.lesson_ids))
    if len(lessons) != len(set(payload.lesson_ids)):
        raise ServiceError("所选的学习记录中有不是本支部待确认的")
    entered = services.lessons_confirm(
        actor=Actor.from_request(request), branch=branch, lessons=lessons
    )
    return {"points_entered": entered}


@router.post("/branches/{branch_id}/lessons/deliver", response=responses(EnteredOut, 400, 403, 404))
def lessons_deliver(request: HttpRequest, branch_id: ObjectId, payload: DeliverIn) -> Any:
    """Whoever delivered it (送学上门, 红色包裹, an offline lesson) records it for the members."""
    branch = selectors.branch_for_meetings(user=request.user, pk=branch_id)
    found = selectors.course_for_user(user=request.user, pk=payload.course_id)
    members = list(Member.objects.filter(pk__in=payload.member_ids, branch=branch))
    if len(members) != len(set(payload.member_ids)):
        raise ServiceError(f"所选党员中有不是“{branch.name}”的党员")
    entered = services.lessons_deliver(
        actor=Actor.from_request(request),
        branch=branch,
        course=found,
        members=members,
        completed_on=payload.completed_on,
        note=payload.note,
    )
    return {"points_entered": entered}


@router.get("/branches/{branch_id}/learning-hours", response=responses(list[HoursOut], 404))
def member_hours(request: HttpRequest, branch_id: ObjectId, filters: Query[YearIn]) -> Any:
    """Each member of the branch: lessons done in the year and their hours."""
    branch = selectors.branch_for_meetings(user=request.user, pk=branch_id)
    return selectors.member_hours(branch=branch, year=filters.year)


@router.get("/orgs/{org_id}/learning-hours", response=responses(list[HoursOut], 404))
def branch_hours(request: HttpRequest, org_id: ObjectId, filters: Query[YearIn]) -> Any:
    """Each branch under the organisation: lessons done in the year and their hours."""
    org = org_for_user(request.user, org_id)
    return selectors.branch_hours(user=request.user, org=org, year=filters.year)
