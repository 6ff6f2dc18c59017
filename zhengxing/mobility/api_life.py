"""REST endpoints of "5" and "6" under /api/v1/mobile: inflow organisations listed and edited;
organisation life at the inflow organisation counted for the own branch's meeting (from its
list, or at its own meeting in the system); the year-end airing; lost contact (who is due, the
flag, the cases, their steps, reason and outcome); membership transfers to another county, out
and in. The same services and selectors as the pages; outside the scope a 404, a refused
writer a 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Id, LimitOffset, ObjectId, Text50, responses, text
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orglife.selectors import meeting_for_user
from zhengxing.orgs.selectors import member_for_user

from . import selectors
from .models import ElsewhereAttendance, InflowOrg, LostCase, SearchStep, Transfer
from .schemas import InflowOrgOut
from .selectors.life import guests_of, mobile_airing
from .selectors.lost import lost_case_for_user, lost_cases_visible_to, lost_due
from .selectors.transfers import (
    transfer_for_user,
    transfers_in_visible_to,
    transfers_out_visible_to,
)
from .services.elsewhere import elsewhere_attend_at_inflow, elsewhere_attend_from_list
from .services.inflow import inflow_org_update
from .services.lost import lost_case_close, lost_flag, lost_reason_set, search_step_record
from .services.transfers import transfer_out, transfer_receive

router = Router(tags=["mobile members: org life, lost contact, transfers"])


class InflowOrgUpdateIn(Schema):
    name: str = text(200, 1)
    kind: Literal["elsewhere", "chamber", "office", "temporary", "joint"]
    city: Text50
    contact_name: Text50
    contact_phone: Annotated[str, text(24)] = ""


@router.put("/inflow-orgs/{inflow_id}", response=responses(InflowOrgOut, 400, 403, 404))
def inflow_org_edit(
    request: HttpRequest, inflow_id: ObjectId, payload: InflowOrgUpdateIn
) -> InflowOrg:
    """An inflow organisation's name, kind, city and contact (an empty phone keeps the
    one on file)."""
    return inflow_org_update(
        actor=Actor.from_request(request),
        inflow=selectors.inflow_org_for_user(request.user, inflow_id),
        **payload.dict(),
    )


# --- "5": organisation life in both places, the airing ----------------------------------------


class ElsewhereIn(Schema):
    member_id: Id
    meeting_id: Id
    inflow_id: Id
    held_on: dt.date
    note: Annotated[str, text(300)] = ""


class AtInflowIn(Schema):
    member_id: Id


class ElsewhereOut(Schema):
    id: int
    member_id: int
    meeting_id: int
    inflow_id: int
    held_on: dt.date
    source: str


@router.post("/elsewhere", response=responses(ElsewhereOut, 400, 403, 404, status=201))
def elsewhere(request: HttpRequest, payload: ElsewhereIn) -> tuple[int, ElsewhereAttendance]:
    """The outflow secretary records, from the inflow side's list, a mobile member's
    organisation life at the inflow organisation: it counts for the branch's meeting."""
    found = elsewhere_attend_from_list(
        actor=Actor.from_request(request),
        meeting=meeting_for_user(user=request.user, pk=payload.meeting_id),
        member=member_for_user(request.user, payload.member_id),
        inflow=selectors.inflow_org_for_user(request.user, payload.inflow_id),
        held_on=payload.held_on,
        note=payload.note,
    )
    return 201, found


@router.post(
    "/meetings/{meeting_id}/guests", response=responses(ElsewhereOut, 400, 403, 404, status=201)
)
def guest(
    request: HttpRequest, meeting_id: ObjectId, payload: AtInflowIn
) -> tuple[int, ElsewhereAttendance]:
    """The inflow organisation, in the system, records at its own meeting a mobile member of a
    branch it has an agreement with: it counts for that branch's meeting that month. The member
    is named by id among the members of the outflow organisations under its agreements."""
    meeting = meeting_for_user(user=request.user, pk=meeting_id)
    found = elsewhere_attend_at_inflow(
        actor=Actor.from_request(request),
        inflow_meeting=meeting,
        member=get_object_or_404(guests_of(inflow_meeting=meeting), pk=payload.member_id),
    )
    return 201, found


class AiringRowOut(Schema):
    member_id: int = Field(alias="pk")
    name: str
    branch: str = Field(alias="branch__name")
    total: Decimal
    rank: int


@router.get("/airing", response=responses(list[AiringRowOut], 404))
@paginate(LimitOffset)
def airing(request: HttpRequest, org: int | None = None, year: int | None = None) -> Any:
    """The year-end airing: the mobile members under `org` (the caller's own by default)
    ranked by the year's counted points."""
    found = ledger_selectors.org_or_default(user=request.user, raw=str(org or ""))
    return mobile_airing(org=found, year=year or timezone.localdate().year)


# --- "6": lost contact ---------------------------------------------------------------------


class DueOut(Schema):
    member_id: int = Field(alias="pk")
    name: str
    branch_id: int
    last_report: dt.datetime | None
    last_life: dt.date | None
    open_case: bool


class LostCaseOut(Schema):
    id: int
    member_id: int
    flagged_on: dt.date
    last_heard_on: dt.date | None
    reason: str
    outcome: str
    outcome_note: str
    closed_on: dt.date | None


class StepIn(Schema):
    on: dt.date
    way: Literal["phone", "visit", "family", "inflow", "employer", "notice", "other"]
    what: str = text(500, 1)


class StepOut(Schema):
    id: int
    on: dt.date
    way: str
    what: str
    by_label: str


class ReasonIn(Schema):
    reason: Literal["work", "restructured", "graduated", "employer", "abroad", "moved", "other"]


class CloseIn(Schema):
    outcome: Literal["found", "procedure"]
    note: str = text(500, 1)


@router.get("/lost/due", response=responses(list[DueOut], 404))
@paginate(LimitOffset)
def due(request: HttpRequest, org: int | None = None) -> Any:
    """Mobile members under `org` (the caller's own by default) not heard from for the period:
    PRACTICES §0, no organisation life and no dues for six months or more."""
    found = ledger_selectors.org_or_default(user=request.user, raw=str(org or ""))
    return lost_due(user=request.user, org=found, today=timezone.localdate())


@router.post("/lost/flag", response=responses(list[LostCaseOut], 400, 403, 404, status=201))
def flag(request: HttpRequest, org: int | None = None) -> tuple[int, list[LostCase]]:
    """Flag those due under `org` as lost contact (one open case per member)."""
    found = ledger_selectors.org_or_default(user=request.user, raw=str(org or ""))
    return 201, lost_flag(actor=Actor.from_request(request), org=found)


@router.get("/lost", response=responses(list[LostCaseOut]))
@paginate(LimitOffset)
def cases(request: HttpRequest) -> Any:
    """The lost-contact cases in the caller's scope, the open ones first."""
    return lost_cases_visible_to(request.user)


@router.post("/lost/{case_id}/steps", response=responses(StepOut, 400, 403, 404, status=201))
def step(request: HttpRequest, case_id: ObjectId, payload: StepIn) -> tuple[int, SearchStep]:
    """A step of the search: when, how, what came of it."""
    case = lost_case_for_user(request.user, case_id)
    return 201, search_step_record(actor=Actor.from_request(request), case=case, **payload.dict())


@router.post("/lost/{case_id}/reason", response=responses(LostCaseOut, 400, 403, 404))
def reason(request: HttpRequest, case_id: ObjectId, payload: ReasonIn) -> LostCase:
    """The reason contact was lost, coded as the national member system codes it."""
    case = lost_case_for_user(request.user, case_id)
    return lost_reason_set(actor=Actor.from_request(request), case=case, reason=payload.reason)


@router.post("/lost/{case_id}/close", response=responses(LostCaseOut, 400, 403, 404))
def close(request: HttpRequest, case_id: ObjectId, payload: CloseIn) -> LostCase:
    """The search ended once: found, or handled by the county's procedure."""
    case = lost_case_for_user(request.user, case_id)
    return lost_case_close(actor=Actor.from_request(request), case=case, **payload.dict())


# --- "6": transfers between counties -------------------------------------------------------


class TransferIn(Schema):
    to_county_code: str = text(32, 1)
    to_org_code: str = text(32, 1)
    on: dt.date
    note: Annotated[str, text(300)] = ""


class ReceiveIn(Schema):
    on: dt.date


class TransferOut(Schema):
    id: int
    member_id: int
    from_branch_id: int
    to_county_id: int
    to_org_id: int
    sent_on: dt.date
    received_on: dt.date | None
    received_member_id: int | None


@router.post(
    "/members/{member_id}/transfer", response=responses(TransferOut, 400, 403, 404, status=201)
)
def transfer(
    request: HttpRequest, member_id: ObjectId, payload: TransferIn
) -> tuple[int, Transfer]:
    """The member's membership sent to a branch of another county (by the county's code and the
    branch's); a destination that does not exist is refused, nothing written."""
    member = member_for_user(request.user, member_id)
    return 201, transfer_out(actor=Actor.from_request(request), member=member, **payload.dict())


@router.get("/transfers", response=responses(list[TransferOut]))
@paginate(LimitOffset)
def transfers(request: HttpRequest, direction: str = "out") -> Any:
    """Transfers sent from the caller's scope (`out`, the default), or coming to it (`in`)."""
    if direction == "in":
        return transfers_in_visible_to(request.user)
    return transfers_out_visible_to(request.user)


@router.post("/transfers/{transfer_id}/receive", response=responses(TransferOut, 400, 403, 404))
def receive(request: HttpRequest, transfer_id: ObjectId, payload: ReceiveIn) -> Transfer:
    """The receiving branch takes the member in, once."""
    found = transfer_for_user(request.user, transfer_id)
    transfer_receive(actor=Actor.from_request(request), transfer=found, on=payload.on)
    found.refresh_from_db()
    return found
