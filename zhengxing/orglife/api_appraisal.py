"""REST endpoints of democratic appraisal of members (民主评议党员: "总评…年底民主评议党员大会",
003 Gaotai), under /api/v1/life: the branch opens the year's round, each member grades every
other, the branch posts the result under the county's cap on 优秀. The same services and
selectors as the pages (services/appraisal.py): a branch outside the user's reach is a 404, a
member opening or posting a 403, a refusal of the rules a 400 in Chinese. Ballots stay secret:
only how many voted and, once posted, the grades."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, responses
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.ledger.schemas import Year
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import org_for_user, own_member

from . import selectors, services
from .models import AppraisalRound, FollowUpStep

router = Router(tags=["organisation life: democratic appraisal"])

Grade = Literal["excellent", "qualified", "basic", "unqualified"]


class YearIn(Schema):
    year: Year


class VoteIn(Schema):
    year: Year
    grades: dict[int, Grade] = Field(
        max_length=1000, description="a grade for every other member of the branch, by member id"
    )


class VoteOut(Schema):
    cast: int


class ResultOut(Schema):
    member_id: int
    member: str
    grade: str
    ballots: int
    excellent_votes: int
    follow_up: str

    @staticmethod
    def resolve_member(obj: Any) -> str:
        return str(obj.member.name)


class AppraisalOut(Schema):
    id: int
    branch_id: int
    year: int
    excellent_cap: int
    follow_up: str
    posted_at: dt.datetime | None
    voters: int
    results: list[ResultOut]


class StepIO(Schema):
    name: str = Field(min_length=1, max_length=30)
    days: int = Field(ge=1, le=365)


class PolicyIn(Schema):
    excellent_cap: int = Field(ge=0, le=100, description="优秀 at most this % of the members")
    follow_up: str = Field(max_length=300, description="what a 不合格 means, in a sentence")
    steps: list[StepIO] = Field(
        min_length=1, max_length=6, description="the follow-up's steps in order"
    )


class PolicyOut(Schema):
    excellent_cap: int
    follow_up: str
    steps: list[StepIO]


class FollowUpIn(Schema):
    outcome: Literal["corrected", "escalate", "concluded"]
    note: str = Field("", max_length=300)
    on: dt.date | None = Field(None, description="the day it was done; today when left out")


class FollowUpOut(Schema):
    id: int
    member_id: int
    member: str
    branch_id: int
    order: int
    name: str
    opened_on: dt.date
    due_on: dt.date
    recorded_on: dt.date | None
    outcome: str
    note: str

    @staticmethod
    def resolve_member_id(obj: FollowUpStep) -> int:
        return obj.result.member_id

    @staticmethod
    def resolve_member(obj: FollowUpStep) -> str:
        return obj.result.member.name


def _policy(found: Any) -> dict[str, Any]:
    return {
        "excellent_cap": found.excellent_cap,
        "follow_up": found.follow_up,
        "steps": [{"name": name, "days": days} for name, days in found.steps],
    }


def _round(request: HttpRequest, branch: Org, year: int) -> AppraisalRound:
    found = selectors.appraisal_of(user=request.user, branch=branch, year=year)
    if found is None:
        raise Http404
    return found


def _out(found: AppraisalRound) -> dict[str, Any]:
    return {
        "id": found.pk,
        "branch_id": found.branch_id,
        "year": found.year,
        "excellent_cap": found.excellent_cap,
        "follow_up": found.follow_up,
        "posted_at": found.posted_at,
        "voters": selectors.appraisal_voters(appraisal=found),
        "results": list(selectors.appraisal_results(appraisal=found)) if found.posted_at else [],
    }


@router.get("/branches/{branch_id}/appraisal", response=responses(AppraisalOut, 404))
def appraisal_show(request: HttpRequest, branch_id: ObjectId, query: Query[YearIn]) -> Any:
    """The branch's round of the year: its members and those who may see the branch."""
    branch = selectors.shop_branch_for_user(user=request.user, pk=branch_id)
    return _out(_round(request, branch, query.year))


@router.post(
    "/branches/{branch_id}/appraisal", response=responses(AppraisalOut, 400, 403, 404, status=201)
)
def appraisal_open(request: HttpRequest, branch_id: ObjectId, payload: YearIn) -> tuple[int, Any]:
    """Open the year's round under the county's policy as it stands: the branch committee."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    found = services.appraisal_open(
        actor=Actor.from_request(request), branch=branch, year=payload.year
    )
    return 201, _out(found)


@router.post("/branches/{branch_id}/appraisal/vote", response=responses(VoteOut, 400, 403, 404))
def appraisal_vote(request: HttpRequest, branch_id: ObjectId, payload: VoteIn) -> Any:
    """The signed-in member's ballot; cast again before the result is posted, it replaces it."""
    branch = selectors.shop_branch_for_user(user=request.user, pk=branch_id)
    found = _round(request, branch, payload.year)
    cast = services.appraisal_vote(
        actor=Actor.from_request(request),
        appraisal=found,
        voter=own_member(request.user),
        grades=payload.grades,
    )
    return {"cast": cast}


@router.post(
    "/branches/{branch_id}/appraisal/post", response=responses(AppraisalOut, 400, 403, 404)
)
def appraisal_post(request: HttpRequest, branch_id: ObjectId, payload: YearIn) -> Any:
    """Close the round and post each member's grade, once: the branch committee."""
    branch = selectors.shop_branch_for_user(user=request.user, pk=branch_id)
    found = _round(request, branch, payload.year)
    services.appraisal_post(actor=Actor.from_request(request), appraisal=found)
    found.refresh_from_db()
    return _out(found)


@router.get("/appraisal-policy", response=responses(PolicyOut, 403))
def policy_show(request: HttpRequest) -> Any:
    """The county's policy (its defaults when it has set none): the cap on 优秀 and the steps of
    a 不合格's follow-up."""
    county = selectors.appraisal_county(user=request.user)
    return _policy(selectors.appraisal_policy(county_id=county.pk))


@router.put("/appraisal-policy", response=responses(PolicyOut, 400, 403))
def policy_set(request: HttpRequest, payload: PolicyIn) -> Any:
    """Set the county's policy: its organisation department. Rounds opened afterwards take it."""
    county = selectors.appraisal_county(user=request.user)
    found = services.appraisal_policy_set(
        actor=Actor.from_request(request),
        county=county,
        excellent_cap=payload.excellent_cap,
        follow_up=payload.follow_up,
        steps=[(s.name, s.days) for s in payload.steps],
    )
    return _policy(found)


@router.get(
    "/branches/{branch_id}/appraisal/follow-ups", response=responses(list[FollowUpOut], 404)
)
def follow_ups(request: HttpRequest, branch_id: ObjectId, query: Query[YearIn]) -> Any:
    """Every step of the year's 不合格 follow-ups: the branch committee and those above it."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    return selectors.appraisal_follow_ups(appraisal=_round(request, branch, query.year))


@router.post("/follow-ups/{step_id}/record", response=responses(FollowUpOut, 400, 403, 404))
def follow_up_record(request: HttpRequest, step_id: ObjectId, payload: FollowUpIn) -> Any:
    """Record a step: the date, the outcome (corrected: done; escalate: the next step opens;
    concluded: carried out, done) and a note."""
    step = selectors.follow_up_for_manager(user=request.user, pk=step_id)
    services.follow_up_record(
        actor=Actor.from_request(request),
        step=step,
        outcome=payload.outcome,
        note=payload.note,
        on=payload.on,
    )
    return FollowUpStep.objects.select_related("result__member").get(pk=step.pk)


@router.get("/orgs/{org_id}/follow-ups/overdue", response=responses(list[FollowUpOut], 404))
def follow_ups_overdue(request: HttpRequest, org_id: ObjectId) -> Any:
    """The steps under an organisation past their deadline, the longest overdue first: what
    the township chases."""
    org = org_for_user(request.user, org_id)
    return selectors.follow_ups_overdue(user=request.user, org=org, today=timezone.localdate())
