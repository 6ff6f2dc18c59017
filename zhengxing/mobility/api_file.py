"""REST endpoints of a mobile member's joint file and of a co-management agreement changed,
under /api/v1/mobile (added to the mobile members' router): the file of both sides' records in
date order, and the agreement's new version signed by both sides again (PUT: every term given;
PATCH: the terms left out kept, the signatures always given afresh). The same services and
selectors as the pages; outside the scope a 404, a refused writer a 403, a refused change a
400 in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, Text50, responses, text

from . import selectors
from .models import Agreement
from .schemas import AgreementOut
from .selectors.file import member_file, member_file_for_user
from .services.agreements import agreement_amend

router = Router(tags=["mobile members: joint file and agreements"])


class FileEntryOut(Schema):
    on: dt.date
    kind: str = Field(
        description="whereabouts, agreement, difference, contact, meeting, elsewhere, lesson, "
        "lost, search, transfer, arrival or talk"
    )
    kind_label: str
    side: str = Field(description="outflow, inflow, or empty for the member's own report")
    what: str
    by: str


class FileOut(Schema):
    member_id: int
    name: str
    branch: str
    entries: list[FileEntryOut]


@router.get("/members/{member_id}/file", response=responses(FileOut, 404))
def member_file_get(request: HttpRequest, member_id: ObjectId) -> FileOut:
    """The member's joint file: both sides' records, oldest first. For the outflow branch, its
    township and county, the inflow organisation's secretary (in the system, under an agreement
    covering the member's branch), and the member."""
    member = member_file_for_user(request.user, member_id)
    return FileOut(
        member_id=member.pk,
        name=member.name,
        branch=member.branch.name,
        entries=[
            FileEntryOut(
                on=e.on, kind=e.kind, kind_label=e.kind_label, side=e.side, what=e.what, by=e.by
            )
            for e in member_file(member=member)
        ],
    )


class _Signatures(Schema):
    outflow_signer: Text50
    inflow_signer: Text50
    inflow_signed_on: dt.date = Field(description="The day the inflow side signed this version")


class AgreementPutIn(_Signatures):
    duties: str = text(2000, 1)
    starts_on: dt.date


class AgreementPatchIn(_Signatures):
    duties: Annotated[str, text(2000, 1)] | None = None
    starts_on: dt.date | None = None


def _amend(
    request: HttpRequest,
    agreement_id: int,
    payload: _Signatures,
    *,
    duties: str | None,
    starts_on: dt.date | None,
) -> Agreement:
    found = selectors.agreement_for_user(request.user, agreement_id)
    return agreement_amend(
        actor=Actor.from_request(request),
        agreement=found,
        duties=found.duties if duties is None else duties,
        starts_on=starts_on or found.starts_on,
        outflow_signer=payload.outflow_signer,
        inflow_signer=payload.inflow_signer,
        inflow_signed_on=payload.inflow_signed_on,
    )


@router.put("/agreements/{agreement_id}", response=responses(AgreementOut, 400, 403, 404))
def agreement_put(
    request: HttpRequest, agreement_id: ObjectId, payload: AgreementPutIn
) -> Agreement:
    """A new version of the agreement with these terms, signed by both sides again; the one it
    replaces is kept, superseded. The answer is the new version (its own id)."""
    return _amend(
        request, agreement_id, payload, duties=payload.duties, starts_on=payload.starts_on
    )


@router.patch("/agreements/{agreement_id}", response=responses(AgreementOut, 400, 403, 404))
def agreement_patch(
    request: HttpRequest, agreement_id: ObjectId, payload: AgreementPatchIn
) -> Agreement:
    """As PUT, the terms left out kept from the version it replaces; both signatures given."""
    return _amend(
        request, agreement_id, payload, duties=payload.duties, starts_on=payload.starts_on
    )
