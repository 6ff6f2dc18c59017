"""REST endpoints of star ratings, under /api/v1/stars: a member's ratings with their
explanation, an organisation's board with the distribution, the follow-up tasks. The same
selectors and scoping as the pages (outside the scope: 404). Never a single ballot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, P, PathEx, Query, Router, Schema

from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs.schemas import MAX_ID, OrgRef, responses
from zhengxing.orgs.selectors import member_for_user, org_for_user, scope_for

from . import selectors
from .compute import PERIOD_QUARTERS

router = Router(tags=["stars"])
ObjectId = PathEx[int, P(ge=1, le=MAX_ID)]


class ComponentOut(Schema):
    name: str
    label: str
    value: Decimal
    weight: Decimal = Field(description="Percent")
    contribution: Decimal
    count: int = Field(description="How many entries or ballots fed it")


class RatingOut(Schema):
    year: int
    period: str
    scheme: str
    score: Decimal | None
    stars: int
    red_stars: int
    flags: int
    tier: str
    tier_label: str
    finalised: bool
    components: list[ComponentOut]
    band_min: Decimal | None = Field(description="The score that gave these stars")
    next_stars: int | None
    next_min: Decimal | None = Field(description="The score the next star needs")


def _rating(x: selectors.Explanation) -> dict[str, Any]:
    r = x.rating
    return {
        "year": r.year,
        "period": r.period,
        "scheme": x.scheme.name,
        "score": r.score,
        "stars": r.stars,
        "red_stars": r.red_stars,
        "flags": r.flags,
        "tier": r.tier,
        "tier_label": x.tier.label if x.tier else "",
        "finalised": r.finalised_at is not None,
        "components": [
            {
                "name": c.name,
                "label": c.label,
                "value": c.value,
                "weight": c.weight,
                "contribution": c.contribution,
                "count": c.count,
            }
            for c in x.lines
        ],
        "band_min": x.band.min if x.band else None,
        "next_stars": x.next_band.stars if x.next_band else None,
        "next_min": x.next_band.min if x.next_band else None,
    }


@router.get("/members/{member_id}/ratings", response=responses(list[RatingOut], 404))
def member_ratings(request: HttpRequest, member_id: ObjectId) -> list[dict[str, Any]]:
    """A member's ratings, newest first, each with why it has its stars."""
    member = member_for_user(request.user, member_id)
    ratings = selectors.member_ratings(user=request.user, member=member)[:20]
    return [_rating(selectors.explain(r)) for r in ratings]


@router.get("/me/ratings", response=responses(list[RatingOut], 404))
def my_ratings(request: HttpRequest) -> list[dict[str, Any]]:
    member_id = scope_for(request.user).member_id
    if member_id is None:
        raise Http404
    return member_ratings(request, member_id)


class BoardQuery(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=2000, le=2100)
    period: str = Field("Y", pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_ID)


class BoardRowOut(Schema):
    member_id: int
    name: str
    branch_id: int
    branch_name: str
    score: Decimal | None
    stars: int
    finalised: bool


class BoardOut(Schema):
    org: OrgRef
    year: int
    period: str
    distribution: dict[int, int] = Field(description="Stars → how many members")
    count: int
    items: list[BoardRowOut]


@router.get("/board", response=responses(BoardOut, 404))
def board(request: HttpRequest, filters: Query[BoardQuery]) -> dict[str, Any]:
    """The members under an organisation (default: the user's own) by stars."""
    user = request.user
    org = org_for_user(user, filters.org) if filters.org else default_org_for(user=user)
    if org is None or filters.period not in PERIOD_QUARTERS:
        raise Http404
    year = filters.year or timezone.localdate().year
    ratings = selectors.board(user=user, org=org, year=year, period=filters.period)
    return {
        "org": org,
        "year": year,
        "period": filters.period,
        "distribution": dict(selectors.distribution(ratings)),
        "count": ratings.count(),
        "items": [
            {
                "member_id": r.member_id,
                "name": r.member.name if r.member else "",
                "branch_id": r.branch_id,
                "branch_name": r.branch.name,
                "score": r.score,
                "stars": r.stars,
                "finalised": r.finalised_at is not None,
            }
            for r in ratings[filters.offset : filters.offset + filters.limit]
        ],
    }


class TaskOut(Schema):
    id: int
    code: str
    label: str
    owner_org: OrgRef
    owner_role: str
    due_on: dt.date
    done: bool
    stars: int
    member_id: int | None
    org_id: int | None


@router.get("/tasks", response=responses(list[TaskOut], 404))
def tasks(request: HttpRequest) -> list[dict[str, Any]]:
    """The follow-up tasks under the user's own organisation (open first, by due date)."""
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    return [
        {
            "id": c.pk,
            "code": c.code,
            "label": c.label,
            "owner_org": c.owner_org,
            "owner_role": c.owner_role,
            "due_on": c.due_on,
            "done": c.done_at is not None,
            "stars": c.rating.stars,
            "member_id": c.rating.member_id,
            "org_id": c.rating.org_id,
        }
        for c in selectors.consequences_for(user=request.user, org=org)[:500]
    ]
