"""REST endpoints of grid governance, under /api/v1/grid: grids, households and residents, needs
and their moves, with the same services, selectors and scoping as the pages (outside the scope:
404); and the resident's own operations from the contact card (no login, throttled, by random
references, never ids)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from zhengxing.audit.throttles import PUBLIC_THROTTLE
from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, SlugPath, responses
from zhengxing.ledger.schemas import public_responses
from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs.models import Member
from zhengxing.orgs.selectors import org_for_user

from . import selectors, services
from .api_campaigns import router as campaigns_router
from .api_photos import photo_url
from .api_photos import router as photos_router
from .api_sheets import router as sheets_router
from .models import Grid, Household, Need
from .rules import OPEN_STATES, level_at
from .schemas import (
    GridDetailOut,
    GridOut,
    HouseholdDetailOut,
    HouseholdIn,
    HouseholdOut,
    MoveIn,
    NeedIn,
    NeedOut,
    NeedsQuery,
    PublicNeedOut,
    RateIn,
    RecordNeedIn,
    ResidentIn,
    ResidentOut,
)

router = Router(tags=["grid"])


def _grid(g: Grid) -> dict[str, Any]:
    return {
        "id": g.pk,
        "code": g.code,
        "name": g.name,
        "post": g.post.name,
        "org_id": g.org_id,
        "households": getattr(g, "n_households", 0),
        "open_needs": getattr(g, "n_open", 0),
    }


def _need(n: Need, photo_ids: list[int] | None = None) -> dict[str, Any]:
    """The need as the API shows it; `photo_ids` its photos when loaded for a whole page."""
    if photo_ids is None:
        photo_ids = selectors.photo_ids_of([n.pk])[n.pk]
    level = getattr(n, "level", None)
    if level is None:
        level = level_at(
            received=n.received_at,
            due=n.due_at,
            now=timezone.now(),
            is_open=n.state in OPEN_STATES,
        )
    return {
        "id": n.pk,
        "grid_id": n.grid_id,
        "household_id": n.household_id,
        "category": n.category,
        "urgency": n.urgency,
        "source": n.source,
        "state": n.state,
        "text": n.text,
        "answer": n.answer,
        "received_at": n.received_at,
        "due_at": n.due_at,
        "level": level,
        "solved": n.solved,
        "satisfied": n.satisfied,
        "photos": [photo_url(n.pk, pk) for pk in photo_ids],
    }


def _household(h: Household) -> dict[str, Any]:
    return {"id": h.pk, "grid_id": h.grid_id, "address": h.address, "public_ref": h.public_ref}


@router.get("/grids", response=responses(list[GridOut], 404))
def grid_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The grids the user sees, with their households and open needs counted."""
    return [_grid(g) for g in selectors.grid_rows(request.user)]


@router.get("/grids/{grid_id}", response=responses(GridDetailOut, 404))
def grid_detail(request: HttpRequest, grid_id: ObjectId) -> dict[str, Any]:
    grid = selectors.grid_for_user(request.user, grid_id)
    gaps = selectors.gaps_of(grid)
    row = selectors.grid_rows(request.user).get(pk=grid.pk)
    return {
        **_grid(row),
        "people": [
            {"duty": p.duty, "name": p.name, "phone_masked": p.phone_masked}
            for p in selectors.people_of(grid)
        ],
        "gaps": {
            "no_head": gaps.no_head,
            "no_worker": gaps.no_worker,
            "empty_households": [h.pk for h in gaps.empty_households],
            "members_not_placed": [m.pk for m in gaps.members_not_placed],
        },
    }


@router.post(
    "/grids/{grid_id}/households", response=responses(HouseholdOut, 400, 403, 404, status=201)
)
def household_add(
    request: HttpRequest, grid_id: ObjectId, payload: HouseholdIn
) -> tuple[int, dict[str, Any]]:
    """A household in the grid; one already in a grid of the county is refused (400)."""
    grid = selectors.grid_for_user(request.user, grid_id)
    household = services.household_add(
        actor=Actor.from_request(request), grid=grid, address=payload.address
    )
    return 201, _household(household)


@router.get("/households/{household_id}", response=responses(HouseholdDetailOut, 404))
def household_detail(request: HttpRequest, household_id: ObjectId) -> dict[str, Any]:
    household = selectors.household_for_user(request.user, household_id)
    residents = [
        {
            "id": r.pk,
            "name": r.name,
            "relation": r.relation,
            "phone_masked": r.phone_masked,
            "member_id": r.member_id,
        }
        for r in household.residents.order_by("pk")
    ]
    return {**_household(household), "residents": residents}


@router.post(
    "/households/{household_id}/residents",
    response=responses(ResidentOut, 400, 403, 404, status=201),
)
def resident_add(
    request: HttpRequest, household_id: ObjectId, payload: ResidentIn
) -> tuple[int, dict[str, Any]]:
    household = selectors.household_for_user(request.user, household_id)
    member = None
    if payload.member_id is not None:
        member = Member.objects.filter(pk=payload.member_id).first()
        if member is None:
            raise Http404
    r = services.resident_add(
        actor=Actor.from_request(request),
        household=household,
        name=payload.name,
        relation=payload.relation,
        phone=payload.phone,
        member=member,
    )
    return 201, {
        "id": r.pk,
        "name": r.name,
        "relation": r.relation,
        "phone_masked": r.phone_masked,
        "member_id": r.member_id,
    }


@router.post(
    "/households/{household_id}/needs", response=responses(NeedOut, 400, 403, 404, status=201)
)
def need_record(
    request: HttpRequest, household_id: ObjectId, payload: RecordNeedIn
) -> tuple[int, dict[str, Any]]:
    """A need the worker took by phone, WeChat or in person."""
    household = selectors.household_for_user(request.user, household_id)
    need = services.need_record(
        actor=Actor.from_request(request), household=household, **payload.dict()
    )
    return 201, _need(need)


@router.get("/needs", response=responses(list[NeedOut], 404))
def need_list(request: HttpRequest, filters: Query[NeedsQuery]) -> list[dict[str, Any]]:
    """The needs under an organisation (default: the user's own): open, overdue (with where they
    escalated to) or unsatisfied."""
    user = request.user
    org = org_for_user(user, filters.org) if filters.org else default_org_for(user=user)
    if org is None:
        raise Http404
    found = list(
        selectors.needs_listed(user, org, filters.list, now=timezone.now())[: filters.limit]
    )
    photos = selectors.photo_ids_of([n.pk for n in found])
    return [_need(n, photos[n.pk]) for n in found]


@router.post("/needs/{need_id}/move", response=responses(NeedOut, 400, 403, 404))
def need_move(request: HttpRequest, need_id: ObjectId, payload: MoveIn) -> dict[str, Any]:
    need = selectors.need_for_user(request.user, need_id)
    moved = services.need_move(
        actor=Actor.from_request(request), need=need, to=payload.to, answer=payload.answer
    )
    return _need(moved)


# --- the resident's, no login -------------------------------------------------------------


def _public(n: Need) -> dict[str, Any]:
    return {
        "ref": n.ref,
        "category": n.category,
        "state": n.state,
        "text": n.text,
        "answer": n.answer,
        "received_at": n.received_at,
        "due_at": n.due_at,
        "rated": n.rated_at is not None,
    }


@router.post(
    "/public/households/{ref}/needs",
    auth=None,
    throttle=PUBLIC_THROTTLE,
    response=public_responses(PublicNeedOut, 400, 404, status=201),
)
def public_need_raise(
    request: HttpRequest, ref: SlugPath, payload: NeedIn
) -> tuple[int, dict[str, Any]]:
    """A resident raises a need for the household the contact card names; the answer's `ref` is
    the need's own link, the only way to follow and rate it."""
    household = selectors.household_public(ref=ref)
    need = services.need_raise(
        actor=Actor.from_request(request), household=household, **payload.dict()
    )
    return 201, _public(need)


@router.get("/public/needs/{ref}", auth=None, response=public_responses(PublicNeedOut, 404))
def public_need(request: HttpRequest, ref: SlugPath) -> dict[str, Any]:
    return _public(selectors.need_public(ref=ref))


@router.post(
    "/public/needs/{ref}/rating",
    auth=None,
    throttle=PUBLIC_THROTTLE,
    response=public_responses(PublicNeedOut, 400),
)
def public_need_rate(request: HttpRequest, ref: SlugPath, payload: RateIn) -> dict[str, Any]:
    """解决了吗？满意吗？ — once, after the worker reports it done; the need closes."""
    need = services.need_rate(
        actor=Actor.from_request(request),
        ref=ref,
        solved=payload.solved,
        satisfied=payload.satisfied,
    )
    return _public(need)


# door-to-door campaigns: their own module, under the same prefix
router.add_router("", campaigns_router)
router.add_router("", photos_router)
router.add_router("", sheets_router)
