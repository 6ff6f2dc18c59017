"""Refused requests go to the audit log: every 403 (a role that may not do this, a failed CSRF
check) and every 429 (a locked-out login, or too many of the public's writes from one address:
`access.throttled`), with who, from where and what was asked, in the county of the signed-in user
(or of the user a locked-out login named). A 404 is not logged: outside a user's scope an object
looks the same as one that does not exist."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhengxing.core.actor import Actor
from zhengxing.core.addresses import client_ip
from zhengxing.core.directory import county_of, county_of_username

from .services import audit_record

REFUSED = {403: "access.refused", 429: "auth.locked_out"}


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        action = REFUSED.get(response.status_code)
        if action is not None and getattr(request, "zx_throttled", False):
            action = "access.throttled"
        if action is not None:
            if getattr(request, "user", None) is not None:
                actor = Actor.from_request(request)
            else:  # refused before authentication ran
                actor = Actor(user=None, ip=client_ip(request), label="anonymous", anonymous=True)
            if actor.user is not None:
                county_id = county_of(actor.user)
            else:  # a login refused: the username it named, as django-axes read it
                credentials = getattr(request, "axes_credentials", None) or {}
                county_id = county_of_username(str(credentials.get("username") or "")[:150])
            path = request.path[:200]
            audit_record(
                actor=actor,
                action=action,
                object_type="request",
                object_id=path[:64],
                county_id=county_id,
                summary=f"拒绝访问：{request.method} {path}（{response.status_code}）",
            )
        return response
