"""The API's logins: bearer tokens for scripts (issue, revoke) and re-authentication, under
/api/v1/auth/."""

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django_otp import user_has_device
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import Error, ValidationErrorOut

from . import services
from .reauth import mark_recent_api, reconfirm
from .second_factor import matching_device, needs_second_factor

router = Router(tags=["auth"])


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


@router.post(
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
    token = services.token_issue(actor=actor, user=user)
    return TokenOut(token=token, expires_at=actor.now + services.token_lifetime())


class RevokedOut(Schema):
    revoked: int = Field(description="How many tokens were revoked")


@router.post("/token/revoke", response={204: None, 400: Error, 401: Error, 422: ValidationErrorOut})
def revoke_token(request: HttpRequest) -> tuple[int, None]:
    """End the token this request carries (a script signs out); it opens nothing afterwards."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise HttpError(400, "该请求未使用令牌：请用 POST /api/v1/auth/tokens/revoke 撤销全部令牌")
    services.token_revoke(actor=Actor.from_request(request), token=token)
    return 204, None


@router.post("/tokens/revoke", response={200: RevokedOut, 401: Error, 422: ValidationErrorOut})
def revoke_all_tokens(request: HttpRequest) -> RevokedOut:
    """End every token of the signed-in user (with a token or the browser's session)."""
    revoked = services.tokens_revoke_all(
        actor=Actor.from_request(request), user=request.user, reason="本人撤销"
    )
    return RevokedOut(revoked=revoked)


class ReauthIn(Schema):
    password: str = Field(min_length=1, max_length=1024)
    otp: str = Field("", max_length=8, description="The authenticator app's six digits, if any")


@router.post("/reauth", response={204: None, 401: Error, 422: ValidationErrorOut, 429: Error})
def reauth(request: HttpRequest, payload: ReauthIn) -> tuple[int, None]:
    """Confirm it is still you before a sensitive action (seeing a full ID number, signing a
    quarter off, finalising ratings): the password, and the code when you have an app. The
    token (or session) may then do them for settings.ZHENGXING_REAUTH_MINUTES minutes; a new
    token counts as confirmed when issued. Failures count towards the lockout."""
    if not reconfirm(request, payload.password, payload.otp):
        raise HttpError(401, "密码或动态验证码错误")
    mark_recent_api(request)
    return 204, None
