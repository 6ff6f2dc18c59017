"""What the login steps share: where to go next, the session's moment of the last password, and
the audit row of a user's own step."""

from __future__ import annotations

import time

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.directory import county_of

REAUTH_KEY = "zx_reauth"  # when the password (and code) were last entered in this session


def mark_recent(request: HttpRequest) -> None:
    """The password was just entered in this session."""
    request.session[REAUTH_KEY] = int(time.time())


def next_url(request: HttpRequest, fallback: str = "home") -> str:
    """The `next` the form or the link carries, if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(fallback)


def audit_user(request: HttpRequest, action: str, summary: str) -> None:
    """An audit row for the signed-in user's own step (a code passed, the password again)."""
    user = request.user
    audit_record(
        actor=Actor.from_request(request),
        action=action,
        object_type="user",
        object_id=user.pk,
        county_id=county_of(user),
        summary=summary,
    )
