"""REST endpoints of door-to-door campaigns (敲门行动), under /api/v1/grid/campaigns: the
campaigns the user sees, starting one, its coverage per grid, the households of one grid (those
not reached first), and recording a visit — the same services and selectors as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, responses
from zhengxing.orgs.selectors import org_for_user

from . import selectors, services
from .models import Campaign, Visit
from .schemas import (
    CampaignHouseholdOut,
    CampaignIn,
    CampaignOut,
    CoverageOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["grid campaigns"])


def _campaign(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "org_id": c.org_id,
        "purpose": c.purpose,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
    }


def _visit(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "household_id": v.household_id,
        "outcome": v.outcome,
        "visited_at": v.visited_at,
        "living": v.living,
        "left": v.left,
        "arrived": v.arrived,
        "asked": v.asked,
        "note": v.note,
    }


@router.get("/campaigns", response=responses(list[CampaignOut]))
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_campaign(c) for c in selectors.campaigns_visible_to(request.user)[:500]]


@router.post("/campaigns", response=responses(CampaignOut, 400, 403, 404, status=201))
def campaign_create(request: HttpRequest, payload: CampaignIn) -> tuple[int, dict[str, Any]]:
    """A campaign over grids under the organisation; a grid outside it or out of sight: 400."""
    org = org_for_user(request.user, payload.org_id)
    wanted = set(payload.grid_ids)
    grids = list(selectors.grids_visible_to(request.user).filter(pk__in=wanted))
    if len(grids) != len(wanted):
        raise Http404
    campaign = services.campaign_create(
        actor=Actor.from_request(request),
        org=org,
        purpose=payload.purpose,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        grids=grids,
    )
    return 201, _campaign(campaign)


@router.get("/campaigns/{campaign_id}/coverage", response=responses(CoverageOut, 404))
def campaign_coverage(request: HttpRequest, campaign_id: ObjectId) -> dict[str, Any]:
    """Per grid the user sees: households reached of all (不漏一户)."""
    campaign = selectors.campaign_for_user(request.user, campaign_id)
    cov = selectors.coverage_of(request.user, campaign)
    return {
        **_campaign(campaign),
        "households": cov.households,
        "reached": cov.reached,
        "percent": cov.percent,
        "grids": [
            {
                "grid_id": g.pk,
                "code": g.code,
                "name": g.name,
                "households": g.households,
                "reached": g.reached,
            }
            for g in cov.grids
        ],
    }


@router.get(
    "/campaigns/{campaign_id}/grids/{grid_id}/households",
    response=responses(list[CampaignHouseholdOut], 404),
)
def campaign_households(
    request: HttpRequest, campaign_id: ObjectId, grid_id: ObjectId
) -> list[dict[str, Any]]:
    """The grid's households for the worker's round, those not reached first."""
    campaign = selectors.campaign_for_user(request.user, campaign_id)
    grid = selectors.grid_for_user(request.user, grid_id)
    if not campaign.grids.filter(pk=grid.pk).exists():
        raise Http404
    return [
        {"id": h.pk, "grid_id": h.grid_id, "address": h.address, "reached": h.reached}  # type: ignore[attr-defined]
        for h in selectors.campaign_households(campaign, grid)
    ]


@router.post(
    "/campaigns/{campaign_id}/visits", response=responses(VisitOut, 400, 403, 404, status=201)
)
def visit_record(
    request: HttpRequest, campaign_id: ObjectId, payload: VisitIn
) -> tuple[int, dict[str, Any]]:
    """A knock on the door: met (reached) or absent; who left (resident ids) and who came."""
    campaign = selectors.campaign_for_user(request.user, campaign_id)
    household = selectors.household_for_user(request.user, payload.household_id)
    residents = {r.pk: r for r in household.residents.all()}
    unknown = set(payload.leaving) - set(residents)
    if unknown:
        raise Http404
    visit = services.visit_record(
        actor=Actor.from_request(request),
        campaign=campaign,
        household=household,
        outcome=payload.outcome,
        asked=payload.asked,
        note=payload.note,
        leaving=[residents[pk] for pk in payload.leaving],
        arriving=[services.Arrival(a.name, a.relation, a.phone) for a in payload.arriving],
    )
    return 201, _visit(visit)
