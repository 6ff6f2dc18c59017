"""REST endpoints of 三亮 commitments (003 Gaotai, 亮承诺), under /api/v1/life: a member proposes
and reports progress, the branch committee approves or returns and reviews each half-year. The
same services and selectors as the pages (services/commitments.py): a commitment outside the
user's scope is a 404, a visible one the role may not decide a 403, a refusal of the rules a
400 in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Id, ObjectId, SlugPath, responses
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.ledger.schemas import Year, public_responses
from zhengxing.orgs.selectors import member_for_user, own_member

from . import selectors, services
from .models import Commitment, CommitmentField

router = Router(tags=["organisation life: commitments"])


class YearIn(Schema):
    year: Year | None = Field(None, description="this year when left out")


class ProposeIn(Schema):
    field: str = Field(max_length=16)
    promise: str = Field(max_length=500)
    measure: str = Field(max_length=300)
    year: Year | None = None
    member_id: Id | None = Field(
        None, description="for the branch committee typing in a promise handed in on paper"
    )


class DecideIn(Schema):
    approve: bool
    reason: str = Field("", max_length=300)


class ProgressIn(Schema):
    text: str = Field(max_length=1000)
    reported_on: dt.date | None = None


class ReviewIn(Schema):
    half: int = Field(ge=1, le=2)
    score: int = Field(ge=0, le=100)
    comment: str = Field("", max_length=300)


class ProgressOut(Schema):
    id: int
    reported_on: dt.date
    text: str


class ReviewOut(Schema):
    half: int
    score: int
    comment: str


class CommitmentOut(Schema):
    id: int
    member_id: int
    member: str
    branch_id: int
    year: int
    field: str
    promise: str
    measure: str
    status: str
    return_reason: str
    progress: list[ProgressOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_member(obj: Commitment) -> str:
        return obj.member.name

    @staticmethod
    def resolve_progress(obj: Commitment) -> Any:
        return obj.progress.all()

    @staticmethod
    def resolve_reviews(obj: Commitment) -> Any:
        return obj.reviews.all()


class PublicProgressOut(Schema):
    reported_on: dt.date
    text: str


class PublicCommitmentOut(Schema):
    member: str
    field: str
    field_label: str
    promise: str
    measure: str
    progress: list[PublicProgressOut]
    reviews: list[ReviewOut]


class PublicBoardOut(Schema):
    branch: str
    year: int
    commitments: list[PublicCommitmentOut]


def _year(query: YearIn) -> int:
    return query.year or timezone.localdate().year


def _fresh(request: HttpRequest, pk: int) -> Commitment:
    """The commitment as it is now, with its history, for the answer."""
    found = selectors.commitment_for_user(user=request.user, pk=pk)
    return selectors.member_commitments(
        user=request.user, member=found.member, year=found.year
    ).get(pk=pk)


@router.get("/commitments/mine", response=responses(list[CommitmentOut], 404))
def my_commitments(request: HttpRequest, query: Query[YearIn]) -> Any:
    """The signed-in member's commitments of the year, with progress and the branch's reviews."""
    member = own_member(request.user)
    return selectors.member_commitments(user=request.user, member=member, year=_year(query))


@router.post("/commitments", response=responses(CommitmentOut, 400, 403, 404, status=201))
def commitment_propose(request: HttpRequest, payload: ProposeIn) -> tuple[int, Any]:
    """Propose one's promise (or, the committee, a member's); a returned one is revised."""
    member = (
        own_member(request.user)
        if payload.member_id is None
        else member_for_user(request.user, payload.member_id)
    )
    made = services.commitment_propose(
        actor=Actor.from_request(request),
        member=member,
        field=payload.field,
        promise=payload.promise,
        measure=payload.measure,
        year=payload.year,
    )
    return 201, _fresh(request, made.pk)


@router.get("/branches/{branch_id}/commitments", response=responses(list[CommitmentOut], 404))
def branch_commitments(request: HttpRequest, branch_id: ObjectId, query: Query[YearIn]) -> Any:
    """The branch's commitments of the year, those waiting first: for its committee."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    return selectors.branch_commitments(user=request.user, branch=branch, year=_year(query))


@router.post(
    "/commitments/{commitment_id}/decide", response=responses(CommitmentOut, 400, 403, 404)
)
def commitment_decide(request: HttpRequest, commitment_id: ObjectId, payload: DecideIn) -> Any:
    """Approve (onto the public board) or return with a reason: the branch committee."""
    found = selectors.commitment_for_user(user=request.user, pk=commitment_id)
    services.commitment_decide(
        actor=Actor.from_request(request),
        commitment=found,
        approve=payload.approve,
        reason=payload.reason,
    )
    return _fresh(request, found.pk)


@router.post(
    "/commitments/{commitment_id}/progress",
    response=responses(ProgressOut, 400, 403, 404, status=201),
)
def commitment_progress(
    request: HttpRequest, commitment_id: ObjectId, payload: ProgressIn
) -> tuple[int, Any]:
    """What the member did to keep an approved promise (履诺践诺)."""
    found = selectors.commitment_for_user(user=request.user, pk=commitment_id)
    made = services.commitment_progress_report(
        actor=Actor.from_request(request),
        commitment=found,
        text=payload.text,
        reported_on=payload.reported_on,
    )
    return 201, made


@router.post("/commitments/{commitment_id}/review", response=responses(ReviewOut, 400, 403, 404))
def commitment_review(request: HttpRequest, commitment_id: ObjectId, payload: ReviewIn) -> Any:
    """The branch's half-yearly evaluation, 0-100; given again for the half, it replaces it."""
    found = selectors.commitment_for_user(user=request.user, pk=commitment_id)
    return services.commitment_review(
        actor=Actor.from_request(request),
        commitment=found,
        half=payload.half,
        score=payload.score,
        comment=payload.comment,
    )


@router.get("/public/commitments/{ref}", auth=None, response=public_responses(PublicBoardOut, 404))
def public_board(request: HttpRequest, ref: SlugPath, query: Query[YearIn]) -> dict[str, Any]:
    """The branch's public board (党务公开栏), no login: "承诺内容经党支部审定、党员大会公开后，在
    党务公开栏向党员群众公示，广泛接受监督" (003). The approved commitments of the year with the
    member's name, the promise, how it is checked, the progress and the branch's reviews;
    nothing else of the member, and the branch by its public reference, never its id."""
    branch = selectors.public_branch(ref)
    year = _year(query)
    return {
        "branch": branch.name,
        "year": year,
        "commitments": [
            {
                "member": c.member.name,
                "field": c.field,
                "field_label": CommitmentField(c.field).label,
                "promise": c.promise,
                "measure": c.measure,
                "progress": list(c.progress.all()),
                "reviews": list(c.reviews.all()),
            }
            for c in selectors.public_commitments(branch=branch, year=year)
        ],
    }
