"""REST endpoints for the tree, the roster and tokens, under /api/v1/.

Each endpoint parses, makes one domain call (`selectors` to read, `services` to write, the same
ones the pages use) and renders. Errors are mapped in `zhengxing/api.py`: ServiceError and an
invalid roster row → 400, PermissionDenied → 403, Http404 → 404.

404 or 403: an object named by id (in the path or the body) that the user may not see is a 404,
as if it did not exist — a township-B organisation is a 404 to township A's committee, for GET,
PATCH and move alike. A 403 means the object is visible but the role may not do this (a committee
member revealing ID numbers, a secretary recoding their branch). A member's branch named by code
in a registration is checked by the service itself, so a branch outside the scope is its 403.
"""

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django_otp import user_has_device
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import MAX_ID, Error, LimitOffset, ValidationErrorOut, responses
from zhengxing.web.security import (
    mark_recent_api,
    matching_device,
    needs_second_factor,
    reconfirm,
    require_recent_api,
)

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
from .services import token_issue

router = Router(tags=["orgs"])
auth_router = Router(tags=["auth"])

ObjectId = PathEx[int, P(ge=1, le=MAX_ID)]


# --- tokens -------------------------------------------------------------------------------


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[^\x00]*$")
    password: str = Field(min_length=1, max_length=1024)
    otp: str = Field(
        "",
        max_length=8,
        description="The authenticator app's six digits: required for county and township users",
    )


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"
    expires_at: dt.datetime = Field(
        description="Good until then (ZHENGXING_TOKEN_HOURS), while used every "
        "ZHENGXING_IDLE_MINUTES; revoked by a password change"
    )


@auth_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: Error, 422: ValidationErrorOut, 429: Error},
)
def issue_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """A bearer token for scripts. Five failures for an account lock it out for 15 minutes,
    from any address; fifty from one address lock that address (429, with Retry-After)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, "用户名或密码错误")
    if needs_second_factor(user):
        if not user_has_device(user):
            raise HttpError(401, "请先登录网页绑定动态验证码（身份验证器）")
        if matching_device(user, payload.otp.strip()) is None:
            raise HttpError(401, "请提供正确的动态验证码")
    actor = Actor.from_request(request)
    token = token_issue(actor=actor, user=user)
    return TokenOut(token=token, expires_at=actor.now + services.token_lifetime())


class RevokedOut(Schema):
    revoked: int = Field(description="How many tokens were revoked")


@auth_router.post(
    "/token/revoke", response={204: None, 400: Error, 401: Error, 422: ValidationErrorOut}
)
def revoke_token(request: HttpRequest) -> tuple[int, None]:
    """End the token this request carries (a script signs out); it opens nothing afterwards."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise HttpError(400, "该请求未使用令牌：请用 POST /api/v1/auth/tokens/revoke 撤销全部令牌")
    services.token_revoke(actor=Actor.from_request(request), token=token)
    return 204, None


@auth_router.post("/tokens/revoke", response={200: RevokedOut, 401: Error, 422: ValidationErrorOut})
def revoke_all_tokens(request: HttpRequest) -> RevokedOut:
    """End every token of the signed-in user (with a token or the browser's session)."""
    revoked = services.tokens_revoke_all(
        actor=Actor.from_request(request), user=request.user, reason="本人撤销"
    )
    return RevokedOut(revoked=revoked)


class ReauthIn(Schema):
    password: str = Field(min_length=1, max_length=1024)
    otp: str = Field("", max_length=8, description="The authenticator app's six digits, if any")


@auth_router.post("/reauth", response={204: None, 401: Error, 422: ValidationErrorOut, 429: Error})
def reauth(request: HttpRequest, payload: ReauthIn) -> tuple[int, None]:
    """Confirm it is still you before a sensitive action (seeing a full ID number, signing a
    quarter off, finalising ratings): the password, and the code when you have an app. The
    token (or session) may then do them for settings.ZHENGXING_REAUTH_MINUTES minutes; a new
    token counts as confirmed when issued. Failures count towards the lockout."""
    if not reconfirm(request, payload.password, payload.otp):
        raise HttpError(401, "密码或动态验证码错误")
    mark_recent_api(request)
    return 204, None


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


def _county_id(request: HttpRequest, requested: int | None) -> int:
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
        county_id=_county_id(request, payload.county_id),
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
