"""REST endpoints for the tree, the roster and tokens (filled in by the API work)."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from zhengxing.audit.services import Actor

from .services import token_issue

router = Router(tags=["orgs"])
auth_router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"


@auth_router.post("/token", auth=None, response=TokenOut)
def issue_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise HttpError(401, "用户名或密码错误")
    return TokenOut(token=token_issue(actor=Actor.from_request(request), user=user))
