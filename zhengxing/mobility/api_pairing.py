"""REST endpoints of the pairing and the three ledgers, under /api/v1/mobile (added to the
mobile members' router): pairings made and ended, contacts logged by their pairer, the quarter's
duty of a branch or township, the half-year's report on contacts and its signature, and a
ledger's rows. The same services and selectors as the pages; outside the scope a 404, a refused
writer a 403, a refused request a 400 in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Id, LimitOffset, ObjectId, Text50, responses, text
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import Member
from zhengxing.orgs.selectors import member_for_user

from . import ledgers, pairings, selectors, services
from .duty import Half, Side, Standing, Way
from .models import Contact, Pairing

router = Router(tags=["mobile members: pairing and ledgers"])


class PairingIn(Schema):
    member_id: Id
    pairer_id: Id = Field(description="The committee member's login")
    side: Side
    since: dt.date
    inflow_id: Id | None = Field(None, description="The inflow organisation (inflow side)")


class PairingOut(Schema):
    id: int
    member_id: int
    member: str
    pairer_id: int
    pairer: str
    side: str
    org_id: int
    since: dt.date
    ended_on: dt.date | None


class EndIn(Schema):
    on: dt.date


class ContactIn(Schema):
    member_id: Id
    way: Way
    on: dt.date
    said: str = text(1000, 1)


class ContactOut(Schema):
    id: int
    pairing_id: int
    member_id: int
    way: str
    on: dt.date
    said: str
    logged_at: dt.datetime


class DutyOut(Schema):
    pairing_id: int
    member_id: int
    member: str
    branch: str
    pairer: str
    side: str
    contacts: int
    last_on: dt.date | None
    standing: Standing


class QuarterIn(Schema):
    quarter: str | None = Field(
        None, pattern=r"^\d{4}Q[1-4]$", description="e.g. 2026Q2; the running quarter if absent"
    )


class ReportLineOut(Schema):
    member: str
    branch: str
    pairer: str
    side: str
    first_quarter: int
    second_quarter: int
    last_on: dt.date | None
    overdue_quarters: int


class ContactReportOut(Schema):
    org_id: int
    year: int
    half: int
    signed: bool
    signer_name: str | None
    signed_at: dt.datetime | None
    remarks: str
    members: int
    contacts: int
    overdue: int
    lines: list[ReportLineOut]


class SignIn(Schema):
    signer_name: Text50
    remarks: str = text(2000)


class LedgerRowOut(Schema):
    member_id: int
    name: str
    branch: str
    city: str
    address: str
    employer: str
    since: dt.date | None
    reason: str
    phone: str = Field(description="Masked")
    inflow: str
    pairing: str
    last_contact: dt.date | None
    marks: list[str]


class LedgerOut(Schema):
    org_id: int
    level: str
    quarter: str
    count: int
    marks: dict[str, int]
    rows: list[LedgerRowOut]


def _quarter(value: str | None) -> Quarter:
    return Quarter.parse(value) if value else Quarter.of(timezone.localdate())


def _pairing_out(p: Pairing) -> dict[str, Any]:
    return {
        "id": p.pk,
        "member_id": p.member_id,
        "member": p.member.name,
        "pairer_id": p.pairer_id,
        "pairer": p.pairer_name,
        "side": p.side,
        "org_id": p.org_id,
        "since": p.since,
        "ended_on": p.ended_on,
    }


@router.get("/pairings", response=responses(list[PairingOut]))
@paginate(LimitOffset)
def pairing_list(request: HttpRequest) -> Any:
    """The pairings of members in the caller's scope, and the caller's own as a pairer."""
    found = pairings.pairings_visible_to(request.user).order_by("member__name", "pk")
    return [_pairing_out(p) for p in found]


@router.post("/pairings", response=responses(PairingOut, 400, 403, 404, status=201))
def pairing_create(request: HttpRequest, payload: PairingIn) -> tuple[int, dict[str, Any]]:
    """A committee member of either side paired with a mobile member (一对一、一对多)."""
    pairer = User.objects.filter(pk=payload.pairer_id, is_active=True).first()
    if pairer is None:
        raise Http404
    inflow = (
        selectors.inflow_org_for_user(request.user, payload.inflow_id)
        if payload.inflow_id
        else None
    )
    found = services.pairing_create(
        actor=Actor.from_request(request),
        member=member_for_user(request.user, payload.member_id),
        pairer=pairer,
        side=str(payload.side.value),
        since=payload.since,
        inflow=inflow,
    )
    return 201, _pairing_out(found)


@router.post("/pairings/{pairing_id}/end", response=responses(PairingOut, 400, 403, 404))
def pairing_end(request: HttpRequest, pairing_id: ObjectId, payload: EndIn) -> dict[str, Any]:
    found = services.pairing_end(
        actor=Actor.from_request(request),
        pairing=pairings.pairing_for_user(request.user, pairing_id),
        on=payload.on,
    )
    return _pairing_out(found)


@router.get("/pairings/{pairing_id}/contacts", response=responses(list[ContactOut], 404))
def pairing_contacts(request: HttpRequest, pairing_id: ObjectId) -> list[Contact]:
    found = pairings.pairing_for_user(request.user, pairing_id)
    return list(pairings.pairing_contacts(pairing=found))


@router.post("/contacts", response=responses(ContactOut, 400, 403, 404, status=201))
def contact_log(request: HttpRequest, payload: ContactIn) -> tuple[int, Contact]:
    """A contact the caller made with a member they are paired with; any other member is
    refused (400, in Chinese), nothing written."""
    mine = pairings.pairings_visible_to(request.user).filter(member_id=payload.member_id).first()
    member: Member = mine.member if mine else member_for_user(request.user, payload.member_id)
    found = services.contact_log(
        actor=Actor.from_request(request),
        member=member,
        way=str(payload.way.value),
        on=payload.on,
        said=payload.said,
    )
    return 201, found


@router.get("/duty/{org_id}", response=responses(list[DutyOut], 404))
def duty(request: HttpRequest, org_id: ObjectId, q: Query[QuarterIn]) -> list[Any]:
    """The quarter's pairings under a branch or a township, those without a contact first."""
    org = ledgers.ledger_org_for_user(request.user, org_id)
    return pairings.duty_rows(org=org, quarter=_quarter(q.quarter), today=timezone.localdate())


def _report_out(org_id: int, half: Half, report: Any, signed: Any) -> dict[str, Any]:
    lines = signed.lines if signed else [line.as_json() for line in report.lines]
    return {
        "org_id": org_id,
        "year": half.year,
        "half": half.number,
        "signed": signed is not None,
        "signer_name": signed.signer_name if signed else None,
        "signed_at": signed.signed_at if signed else None,
        "remarks": signed.remarks if signed else "",
        "members": signed.members if signed else report.members,
        "contacts": signed.contacts if signed else report.contacts,
        "overdue": signed.overdue if signed else report.overdue,
        "lines": lines,
    }


def _half(year: int, half: int) -> Half:
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise Http404
    return Half(year, half)


@router.get("/contact-reports/{org_id}/{year}/{half}", response=responses(ContactReportOut, 404))
def contact_report(request: HttpRequest, org_id: ObjectId, year: int, half: int) -> Any:
    """The half-year's report on contacts: as signed, or as the log gives it now."""
    org = ledgers.ledger_org_for_user(request.user, org_id)
    period = _half(year, half)
    report = pairings.report_on_contacts(org=org, half=period, today=timezone.localdate())
    return _report_out(org.pk, period, report, pairings.signed_report(org=org, half=period))


@router.post(
    "/contact-reports/{org_id}/{year}/{half}/sign",
    response=responses(ContactReportOut, 400, 403, 404, status=201),
)
def contact_report_sign(
    request: HttpRequest, org_id: ObjectId, year: int, half: int, payload: SignIn
) -> tuple[int, Any]:
    """Signed once, after the half-year; a second signature is refused (409-like "conflict")."""
    org = ledgers.ledger_org_for_user(request.user, org_id)
    period = _half(year, half)
    actor = Actor.from_request(request)
    signed = services.contact_report_sign(
        actor=actor, org=org, half=period, signer_name=payload.signer_name, remarks=payload.remarks
    )
    report = pairings.report_on_contacts(org=org, half=period, today=timezone.localdate(actor.now))
    return 201, _report_out(org.pk, period, report, signed)


class PageIn(QuarterIn):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


@router.get("/ledgers/{org_id}", response=responses(LedgerOut, 404))
def ledger(request: HttpRequest, org_id: ObjectId, q: Query[PageIn]) -> dict[str, Any]:
    """A ledger's rows (the branch's table, the township's book, the county's database), a
    window of them at a time, with the quarter's changes counted."""
    org = ledgers.ledger_org_for_user(request.user, org_id)
    quarter = _quarter(q.quarter)
    found = ledgers.mobile_ledger(org=org, quarter=quarter, today=timezone.localdate())
    rows = found.rows[q.offset : q.offset + q.limit]
    return {
        "org_id": org.pk,
        "level": found.level,
        "quarter": str(quarter),
        "count": len(found.rows),
        "marks": found.marks,
        "rows": [{**r.__dict__, "marks": [m.value for m in r.marks]} for r in rows],
    }
