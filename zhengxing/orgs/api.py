"""REST endpoints for the tree and the roster, under /api/v1/.

Each endpoint parses, makes one domain call (`selectors` to read, `services` to write, the same
ones the pages use) and renders. Errors are mapped in `zhengxing/api.py`: ServiceError and an
invalid roster row → 400, PermissionDenied → 403, Http404 → 404.

404 or 403: an object named by id (in the path or the body) that the user may not see is a 404,
as if it did not exist — a township-B organisation is a 404 to township A's committee, for GET,
PATCH and move alike. A 403 means the object is visible but the role may not do this (a committee
member revealing ID numbers, a secretary recoding their branch). A member's branch named by code
in a registration is checked by the service itself, so a branch outside the scope is its 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from zhengxing.accounts.reauth import require_recent_api
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import LimitOffset, ObjectId, responses

from . import roster, selectors, services
from .models import Member, Org
from .schemas import (
    MemberCreateIn,
    MemberFilterIn,
    MemberListOut,
    MemberOut,
    MemberUpdateIn,
    MeOut,
    OrgCreateIn,
    OrgFilterIn,
    OrgMoveIn,
    OrgNodeOut,
    OrgOut,
    OrgPatchIn,
    RevealOut,
    StatusIn,
    TransferIn,
)

router = Router(tags=["orgs"])


# --- who I am -----------------------------------------------------------------------------


@router.get("/me", response=responses(MeOut), tags=["auth"])
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": user.get_full_name(),  # type: ignore[union-attr]
        "roles": [{"role": role, "org": org} for role, org in selectors.roles_held(user)],
        "member_id": selectors.scope_for(user).member_id,
    }


# --- the tree -----------------------------------------------------------------------------


@router.get("/orgs", response=responses(list[OrgOut], 404))
@paginate(LimitOffset)
def org_list(request: HttpRequest, filters: Query[OrgFilterIn]) -> Any:
    return selectors.org_search(request.user, filters.to_filter())


@router.post("/orgs", response=responses(OrgOut, 400, 403, 404, status=201))
def org_create(request: HttpRequest, payload: OrgCreateIn) -> tuple[int, Org]:
    parent = selectors.org_for_user(request.user, payload.parent_id)
    org = services.org_create(
        actor=Actor.from_request(request),
        parent=parent,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        **payload.details(),
    )
    return 201, org


@router.get("/orgs/{org_id}", response=responses(OrgOut, 404))
def org_detail(request: HttpRequest, org_id: ObjectId) -> Org:
    return selectors.org_for_user(request.user, org_id)


@router.patch("/orgs/{org_id}", response=responses(OrgOut, 400, 403, 404))
def org_update(request: HttpRequest, org_id: ObjectId, payload: OrgPatchIn) -> Org:
    org = selectors.org_for_user(request.user, org_id)
    return services.org_update(actor=Actor.from_request(request), org=org, **payload.changes())


@router.post("/orgs/{org_id}/move", response=responses(OrgOut, 400, 403, 404))
def org_move(request: HttpRequest, org_id: ObjectId, payload: OrgMoveIn) -> Org:
    org = selectors.org_for_user(request.user, org_id)
    parent = selectors.org_for_user(request.user, payload.parent_id)
    return services.org_move(actor=Actor.from_request(request), org=org, parent=parent)


@router.get("/orgs/{org_id}/children", response=responses(list[OrgNodeOut], 404))
def org_children(request: HttpRequest, org_id: ObjectId) -> Any:
    org = selectors.org_for_user(request.user, org_id)
    return selectors.org_children(request.user, org)


# --- the roster ---------------------------------------------------------------------------


def county_for_new_member(request: HttpRequest, requested: int | None) -> int:
    """The county a new member is registered in: the one where the user holds roles, or the one
    they name when they hold roles in several (a county they cannot see is a 404)."""
    scope = selectors.scope_for(request.user)
    counties = scope.county_ids()
    if requested is not None:
        if scope.everything or requested in counties:
            return requested
        raise Http404
    if len(counties) == 1:
        return next(iter(counties))
    raise ServiceError("请用 county_id 指明旗县区")


@router.get("/members", response=responses(list[MemberListOut], 404))
@paginate(LimitOffset)
def member_list(request: HttpRequest, filters: Query[MemberFilterIn]) -> Any:
    return selectors.member_search(request.user, filters.to_filter())


@router.post("/members", response=responses(MemberOut, 400, 403, 404, status=201))
def member_create(request: HttpRequest, payload: MemberCreateIn) -> tuple[int, Member]:
    today = timezone.localdate()
    data = roster.clean_member(payload.raw(), today=today)
    member = services.member_register(
        actor=Actor.from_request(request),
        county_id=county_for_new_member(request, payload.county_id),
        data=data,
        on=today,
    )
    return 201, member


@router.get("/members/{member_id}", response=responses(MemberOut, 404))
def member_detail(request: HttpRequest, member_id: ObjectId) -> Member:
    return selectors.member_for_user(request.user, member_id)


@router.put("/members/{member_id}", response=responses(MemberOut, 400, 403, 404))
def member_update(request: HttpRequest, member_id: ObjectId, payload: MemberUpdateIn) -> Member:
    """Change a member's record. Sending id_card or phone at all (even unchanged) needs a role
    that may reveal them and the password entered in the last few minutes (POST
    /api/v1/auth/reauth); else 403, so no one tries numbers against the record."""
    member = selectors.member_for_user(request.user, member_id)
    sends_numbers = payload.id_card is not None or payload.phone is not None
    if sends_numbers:
        if not selectors.scope_for(request.user).can_reveal_member(member):
            raise PermissionDenied
        require_recent_api(request)
    today = timezone.localdate()
    data = roster.clean_member(payload.raw(member), today=today)
    return services.member_update(
        actor=Actor.from_request(request),
        member=member,
        data=data,
        on=today,
        numbers_confirmed=sends_numbers,
    )


@router.post("/members/{member_id}/transfer", response=responses(MemberOut, 400, 403, 404))
def member_transfer(request: HttpRequest, member_id: ObjectId, payload: TransferIn) -> Member:
    member = selectors.member_for_user(request.user, member_id)
    to_branch = selectors.org_for_user(request.user, payload.to_branch_id)
    return services.member_transfer(
        actor=Actor.from_request(request),
        member=member,
        to_branch=to_branch,
        on=payload.on,
        note=payload.note,
    )


@router.post("/members/{member_id}/status", response=responses(MemberOut, 400, 403, 404))
def member_status(request: HttpRequest, member_id: ObjectId, payload: StatusIn) -> Member:
    member = selectors.member_for_user(request.user, member_id)
    return services.member_set_status(
        actor=Actor.from_request(request),
        member=member,
        status=payload.status,
        on=payload.on,
        note=payload.note,
    )


@router.post("/members/{member_id}/reveal", response=responses(RevealOut, 403, 404))
def member_reveal(
    request: HttpRequest, member_id: ObjectId, response: HttpResponse
) -> dict[str, str]:
    """The full ID number and phone, for an entitled role, with the password entered in the last
    few minutes (POST /api/v1/auth/reauth); every reveal is in the audit log."""
    member = selectors.member_for_user(request.user, member_id)
    require_recent_api(request)
    response["Cache-Control"] = "no-store"
    return services.member_reveal(actor=Actor.from_request(request), member=member)
