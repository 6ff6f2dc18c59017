"""Logins, logouts and failed logins go to the audit log (who, when, from where), in the county
of the user (for a failure, of the user the username names, when there is one). A failed login
records the username tried, never the password.

A user who must pass a second factor is logged in once the code passes (`auth.login`, written by
`web.security`); the password alone is `auth.password_ok`. An attempt refused because the account
or the address is locked out is `auth.locked`: its password was never checked."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from zhengxing.core.actor import Actor
from zhengxing.core.addresses import client_ip

from .services import audit_record


def county_of_user(user: Any) -> int | None:
    from zhengxing.orgs.selectors import scope_for

    counties = scope_for(user).county_ids() if user is not None else set()
    return min(counties) if counties else None


def county_of_username(username: str) -> int | None:
    """The county of the user with this username, if there is one (a made-up name has none)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first() if username else None
    return county_of_user(user)


LOCKED_OUT = "zx_locked_out"  # set on the request by LockoutBackend: refused while locked out


@receiver(user_logged_in)
def login_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A login over the network (one with a remote address: not an in-process login by a
    shell or a test harness's force_login). With a second factor still to pass, only the
    password is recorded; the login itself is when the code passes."""
    if request is None:
        return
    second_factor = False
    if hasattr(request, "session"):
        from zhengxing.web.middleware import IdleTimeoutMiddleware
        from zhengxing.web.security import MFA_KEY, REAUTH_KEY, needs_second_factor

        IdleTimeoutMiddleware.seen(request)
        request.session[REAUTH_KEY] = int(time.time())  # the password was just entered
        second_factor = request.session[MFA_KEY] = needs_second_factor(user)
    if not request.META.get("REMOTE_ADDR"):
        return
    actor = Actor(user=user, ip=client_ip(request), label=user.get_username())
    audit_record(
        actor=actor,
        action="auth.password_ok" if second_factor else "auth.login",
        object_type="user",
        object_id=user.pk,
        county_id=county_of_user(user),
        summary=(
            f"{user.get_username()}密码正确，待验证动态验证码"
            if second_factor
            else f"{user.get_username()}登录"
        ),
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
        county_id=county_of_user(user),
        summary=f"{user.get_username()}退出登录",
    )


@receiver(user_login_failed)
def failure_recorded(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    username = str(credentials.get("username", ""))[:150]
    locked = getattr(request, LOCKED_OUT, False)
    audit_record(
        actor=Actor.from_request(request),
        action="auth.locked" if locked else "auth.login_failed",
        object_type="user",
        object_id="",
        county_id=county_of_username(username),
        summary=f"锁定期间尝试登录（未核对密码）：{username}"
        if locked
        else f"登录失败：{username}",
        after={"username": username},
    )
