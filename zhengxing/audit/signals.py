"""Logins, logouts and failed logins go to the audit log (who, when, from where). A failed
login records the username tried, never the password."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .addresses import client_ip
from .services import Actor, audit_record


def _county_of(user: Any) -> int | None:
    from zhengxing.orgs.selectors import scope_for

    counties = scope_for(user).county_ids() if user is not None else set()
    return min(counties) if counties else None


@receiver(user_logged_in)
def login_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A login over the network (one with a remote address: not an in-process login by a
    shell or a test harness's force_login)."""
    if request is None:
        return
    if hasattr(request, "session"):
        from zhengxing.web.middleware import IdleTimeoutMiddleware
        from zhengxing.web.security import MFA_KEY, REAUTH_KEY, needs_second_factor

        IdleTimeoutMiddleware.seen(request)
        request.session[REAUTH_KEY] = int(time.time())  # the password was just entered
        request.session[MFA_KEY] = needs_second_factor(user)
    if not request.META.get("REMOTE_ADDR"):
        return
    actor = Actor(user=user, ip=client_ip(request), label=user.get_username())
    audit_record(
        actor=actor,
        action="auth.login",
        object_type="user",
        object_id=user.pk,
        county_id=_county_of(user),
        summary=f"{user.get_username()}登录",
    )


@receiver(user_logged_out)
def logout_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or user is None:
        return
    audit_record(
        actor=Actor(user=user, ip=client_ip(request), label=user.get_username()),
        action="auth.logout",
        object_type="user",
        object_id=user.pk,
        county_id=_county_of(user),
        summary=f"{user.get_username()}退出登录",
    )


@receiver(user_login_failed)
def failure_recorded(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=Actor.from_request(request),
        action="auth.login_failed",
        object_type="user",
        object_id="",
        county_id=None,
        summary=f"登录失败：{username}",
        after={"username": username},
    )
