"""REST endpoints of meetings (三会一课, 主题党日), under /api/v1/life: plan, the roll, the
code of this minute, sign-in by a scanned code, ticks, leave, photos with the minutes, closing
the minutes, the record for the year and the county's rules of organisation life. The same
services and selectors as the pages; a meeting outside the user's scope is a 404, a visible one
the role may not run a 403."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.schemas import Id, ObjectId, SlugPath, responses
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.ledger.forms import evidence_storage
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import org_for_user

from . import selectors, services
from .models import Meeting, MeetingPhoto

router = Router(tags=["organisation life: meetings"])

Kind = Literal["members", "committee", "group", "lecture", "theme_day", "life"]


class MeetingIn(Schema):
    branch_id: Id
    kind: Kind
    held_on: dt.date
    place: str = Field(max_length=200)
    agenda: str = Field(max_length=2000)
    group_id: Id | None = None
    off_day_reason: str = Field(
        "",
        max_length=200,
        description="A theme day off the county's fixed day of the month needs the reason",
    )


class MeetingOut(Schema):
    id: int
    branch_id: int
    group_id: int | None
    kind: str
    held_on: dt.date
    place: str
    agenda: str
    minutes: str
    off_day_reason: str = Field(description="Why a theme day is off the county's fixed day")
    closed_at: dt.datetime | None


class RollRowOut(Schema):
    member_id: int
    name: str
    excuse: str = Field(description='"" expected, "leave", "elsewhere" (the inflow organisation)')
    reason: str
    way: str | None = Field(description='how they signed in: "qr", "sheet", "ticked"; or null')
    at: dt.datetime | None


PHOTO_CONTENT = {
    kind: {"schema": {"type": "string", "format": "binary"}}
    for kind in ("image/jpeg", "image/png", "image/webp")
}


class PhotoOut(Schema):
    id: int
    url: str = Field(description="The photo itself (GET, with the same authorisation)")
    content_type: str
    size: int
    added_at: dt.datetime


class MeetingDetailOut(MeetingOut):
    roll: list[RollRowOut]
    photos: list[PhotoOut]


class CodeOut(Schema):
    code: str = Field(description="Valid this minute and the next; show it as a QR code")
    sheet_code: str = Field(description="The printed sheet's code, valid on the meeting's day")


class SignInIn(Schema):
    code: str = Field(max_length=64)


class SignInOut(Schema):
    meeting_id: int
    member_id: int
    way: str
    at: dt.datetime


class TickIn(Schema):
    member_ids: list[Id] = Field(max_length=2000)


class ExcuseIn(Schema):
    member_id: Id
    excuse: Literal["", "leave", "elsewhere"]
    reason: str = Field("", max_length=200)


class CloseIn(Schema):
    minutes: str = Field(max_length=20000)


class ClosedOut(Schema):
    present: int
    absent: int
    points_entered: int


class KindRecordOut(Schema):
    kind: str
    label: str
    required: int
    due: int
    held: int
    missing: int


class MovedThemeDayOut(Schema):
    held_on: dt.date
    reason: str


class BranchRecordOut(Schema):
    branch_id: int
    branch: str
    missing: int
    behind: bool = Field(description="A kind short of its count, or a month without a theme day")
    months_without_theme_day: list[int] = Field(description="Months ended without one, 1-12")
    moved_theme_days: list[MovedThemeDayOut]
    kinds: list[KindRecordOut]


class ThemeDayOut(Schema):
    theme_day: int | None = Field(description="The county's fixed day of the month, or null")
    proposed: dt.date | None = Field(description="The next fixed theme day from today")


class YearIn(Schema):
    year: int = Field(ge=2000, le=2100)


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return selectors.meeting_for_user(user=request.user, pk=pk)


def _photo(photo: MeetingPhoto) -> dict[str, Any]:
    return {
        "id": photo.pk,
        "url": reverse("api-1:life_meeting_photo", args=[photo.meeting_id, photo.pk]),
        "content_type": photo.file.content_type,
        "size": photo.file.size,
        "added_at": photo.added_at,
    }


def _detail(meeting: Meeting) -> dict[str, Any]:
    return {
        **MeetingOut.model_validate(meeting).model_dump(),
        "roll": [r.__dict__ for r in selectors.meeting_roll(meeting=meeting)],
        "photos": [_photo(p) for p in selectors.meeting_photos(meeting=meeting)],
    }


@router.get("/branches/{branch_id}/meetings", response=responses(list[MeetingOut], 404))
def meetings(request: HttpRequest, branch_id: ObjectId, filters: Query[YearIn]) -> Any:
    """A branch's meetings of the year, newest first."""
    branch = selectors.branch_for_meetings(user=request.user, pk=branch_id)
    return selectors.branch_meetings(branch=branch, year=filters.year)


@router.post("/meetings", response=responses(MeetingDetailOut, 400, 403, 404, status=201))
def meeting_plan(request: HttpRequest, payload: MeetingIn) -> Any:
    """Plan a meeting: its roll is the branch's members (a group meeting: the group's)."""
    branch = selectors.branch_for_meetings(user=request.user, pk=payload.branch_id)
    group = org_for_user(request.user, payload.group_id) if payload.group_id else None
    meeting = services.meeting_plan(
        actor=Actor.from_request(request),
        branch=branch,
        kind=payload.kind,
        held_on=payload.held_on,
        place=payload.place,
        agenda=payload.agenda,
        group=group,
        off_day_reason=payload.off_day_reason,
    )
    return 201, _detail(meeting)


@router.get("/branches/{branch_id}/theme-day", response=responses(ThemeDayOut, 404))
def theme_day(request: HttpRequest, branch_id: ObjectId) -> Any:
    """The date to plan the branch's next theme day on: the county's fixed day of the month,
    this month's or the next (null where the county fixes none)."""
    branch = selectors.branch_for_meetings(user=request.user, pk=branch_id)
    today = timezone.localdate(Actor.from_request(request).now)
    proposed = selectors.theme_day_proposal(county_id=branch.county_id, today=today)
    return {"theme_day": proposed.day if proposed else None, "proposed": proposed}


@router.get("/meetings/{meeting_id}", response=responses(MeetingDetailOut, 404))
def meeting(request: HttpRequest, meeting_id: ObjectId) -> Any:
    """A meeting with its roll: who must attend, excused, signed in."""
    return _detail(_meeting(request, meeting_id))


@router.get("/meetings/{meeting_id}/code", response=responses(CodeOut, 403, 404))
def meeting_code(request: HttpRequest, meeting_id: ObjectId) -> Any:
    """The codes to show: this minute's (the secretary's phone asks again every minute) and
    the printed sheet's."""
    found = _meeting(request, meeting_id)
    code = services.meeting_live_code(actor=Actor.from_request(request), meeting=found)
    return {"code": code, "sheet_code": found.sheet_code}


@router.post("/sign-in", response=responses(SignInOut, 400, 403, status=201))
def sign_in(request: HttpRequest, payload: SignInIn) -> Any:
    """The signed-in member signs in with a scanned code (the phone's or the sheet's)."""
    done = services.meeting_sign_in(actor=Actor.from_request(request), code=payload.code)
    return 201, done


@router.post("/meetings/{meeting_id}/tick", response=responses(list[SignInOut], 400, 403, 404))
def meeting_tick(request: HttpRequest, meeting_id: ObjectId, payload: TickIn) -> Any:
    """The secretary ticks members present; those already signed in are left as they are."""
    found = _meeting(request, meeting_id)
    members = list(Member.objects.filter(pk__in=payload.member_ids, branch_id=found.branch_id))
    if len(members) != len(set(payload.member_ids)):
        found_ids = {m.pk for m in members}
        missing = next(pk for pk in payload.member_ids if pk not in found_ids)
        raise ServiceError(f"党员{missing}不在本次会议的参会名单中")
    return services.meeting_tick(actor=Actor.from_request(request), meeting=found, members=members)


@router.post("/meetings/{meeting_id}/excuse", response=responses(RollRowOut, 400, 403, 404))
def meeting_excuse(request: HttpRequest, meeting_id: ObjectId, payload: ExcuseIn) -> Any:
    """Leave with a reason (the member's own or by the secretary), or attending elsewhere."""
    found = _meeting(request, meeting_id)
    member = selectors.member_for_meeting(meeting=found, member_id=payload.member_id)
    services.attendee_excuse(
        actor=Actor.from_request(request),
        meeting=found,
        member=member,
        excuse=payload.excuse,
        reason=payload.reason,
    )
    return next(
        r.__dict__ for r in selectors.meeting_roll(meeting=found) if r.member_id == member.pk
    )


@router.post(
    "/meetings/{meeting_id}/photos", response=responses(PhotoOut, 400, 403, 404, status=201)
)
def meeting_photo_add(request: HttpRequest, meeting_id: ObjectId, file: File[UploadedFile]) -> Any:
    """Attach a photo to the minutes (multipart/form-data, field `file`: JPEG, PNG or WebP, at
    most ZHENGXING_MAX_UPLOAD_MB) while they are open."""
    photo = services.meeting_photo_add(
        actor=Actor.from_request(request), meeting=_meeting(request, meeting_id), upload=file
    )
    return 201, _photo(photo)


@router.get(
    "/meetings/{meeting_id}/photos/{photo_id}",
    response=responses(None, 404),
    url_name="life_meeting_photo",
    openapi_extra={"responses": {200: {"description": "The photo", "content": PHOTO_CONTENT}}},
)
def meeting_photo(request: HttpRequest, meeting_id: ObjectId, photo_id: ObjectId) -> Any:
    """The photo's file, for those who may see the meeting."""
    photo = selectors.photo_for_user(user=request.user, meeting_pk=meeting_id, pk=photo_id)
    storage = evidence_storage()
    if not storage.exists(photo.file.path):
        raise Http404
    return FileResponse(storage.open(photo.file.path, "rb"), content_type=photo.file.content_type)


@router.delete(
    "/meetings/{meeting_id}/photos/{photo_id}", response=responses(None, 400, 403, 404, status=204)
)
def meeting_photo_remove(request: HttpRequest, meeting_id: ObjectId, photo_id: ObjectId) -> Any:
    """Take a photo off the minutes while they are open."""
    photo = selectors.photo_for_user(user=request.user, meeting_pk=meeting_id, pk=photo_id)
    services.meeting_photo_remove(actor=Actor.from_request(request), photo=photo)
    return 204, None


@router.post("/meetings/{meeting_id}/close", response=responses(ClosedOut, 400, 403, 404))
def meeting_close(request: HttpRequest, meeting_id: ObjectId, payload: CloseIn) -> Any:
    """Close the minutes: the points of those present and the deduction of the absent follow."""
    closed = services.meeting_close(
        actor=Actor.from_request(request),
        meeting=_meeting(request, meeting_id),
        minutes=payload.minutes,
    )
    return {
        "present": closed.present,
        "absent": closed.absent,
        "points_entered": closed.points_entered,
    }


@router.get("/orgs/{org_id}/meeting-record", response=responses(list[BranchRecordOut], 404))
def meeting_record(request: HttpRequest, org_id: ObjectId, filters: Query[YearIn]) -> Any:
    """Each branch under the organisation: its meetings of the year per kind against the count
    each kind requires, and how many are missing so far."""
    org: Org = org_for_user(request.user, org_id)
    records = selectors.meeting_records(
        user=request.user,
        org=org,
        year=filters.year,
        today=timezone.localdate(Actor.from_request(request).now),
    )
    return [
        {
            "branch_id": r.branch.pk,
            "branch": r.branch.name,
            "missing": r.missing,
            "behind": r.behind,
            "months_without_theme_day": r.months_without_theme_day,
            "moved_theme_days": [{"held_on": d, "reason": why} for d, why in r.moved_theme_days],
            "kinds": [{**k.__dict__, "missing": k.missing} for k in r.kinds],
        }
        for r in records
    ]


class LifeRuleIn(Schema):
    attend_code: str = Field("", max_length=32, description='the item of taking part; "" none')
    absence_code: str = Field("", max_length=32, description='the item of absence; "" none')
    per_year: int | None = Field(None, ge=0, le=366, description="null: the default count")
    theme_day: int | None = Field(
        None, ge=1, le=28, description='"theme_day" only: its fixed day of the month; null none'
    )


class LifeRuleOut(Schema):
    activity: str
    attend_code: str
    absence_code: str
    per_year: int | None
    theme_day: int | None


class LifeRuleRowOut(Schema):
    activity: str
    label: str
    attend_codes: list[str] = Field(description="the first in a branch's catalogue applies")
    absence_codes: list[str]
    per_year: int | None = Field(description="null: no count required (learning)")
    default_per_year: int | None
    set_by_county: bool
    theme_day: int | None = Field(description="The theme day's fixed day of the month, or null")


@router.get("/rules", response=responses(list[LifeRuleRowOut], 404))
def life_rules(request: HttpRequest) -> Any:
    """The rules of organisation life in the user's county: what each kind of meeting (and
    learning) earns and how many a branch must hold a year."""
    root = selectors.rules_root_for(user=request.user)
    return [
        {**r.__dict__, "label": str(r.label)}
        for r in selectors.life_rules(county_id=root.county_id)
    ]


@router.put("/rules/{activity}", response=responses(LifeRuleOut, 400, 403))
def life_rule_set(request: HttpRequest, activity: SlugPath, payload: LifeRuleIn) -> Any:
    """The county sets what a kind of meeting (or "lesson") earns and how many a year."""
    root = ledger_selectors.default_org_for(user=request.user)
    # only the organisation department of a county (its root) keeps these
    require(root is not None and root.parent_id is None)
    assert root is not None
    return services.life_rule_set(
        actor=Actor.from_request(request), county_root=root, activity=activity, **payload.dict()
    )
