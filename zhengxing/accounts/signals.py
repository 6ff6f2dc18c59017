"""What happens around a login, wherever it comes from.

Logins, logouts and failed logins go to the audit log (who, when, from where), in the county
of the user (for a failure, of the user the username names, when there is one). A failed login
records the username tried, never the password.

A user who must pass a second factor is logged in once the code passes (`auth.login`, written
by `accounts.second_factor`); the password alone is `auth.password_ok`. An attempt refused
because the account or the address is locked out is `auth.locked`: its password was never
checked. A login also starts the session's idle clock and notes that the password was just
entered and whether a code is still to come."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.addresses import client_ip
from zhengxing.core.directory import county_of, county_of_username

from ._common import REAUTH_KEY
from .lockout import LOCKED_OUT
from .second_factor import MFA_KEY, needs_second_factor
from .services import tokens_revoke_all
from .sessions import IdleTimeoutMiddleware


@receiver(user_logged_in)
def login_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A login over the network (one with a remote address: not an in-process login by a
    shell or a test harness's force_login). With a second factor still to pass, only the
    password is recorded; the login itself is when the code passes."""
    if request is None:
        return
    second_factor = False
    if hasattr(request, "session"):
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
        county_id=county_of(user),
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
        county_id=county_of(user),
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


# A user's API tokens end when their password changes or their account is disabled.
#
# Passwords change and accounts are disabled outside this app's services (the admin site,
# `zhengxing changepassword`, `User.set_password` in a shell), so the one place that sees every
# such change is the user's own save: these receivers call `tokens_revoke_all` from there.
# (`QuerySet.update(is_active=False)` skips them; the token check refuses an inactive user's
# tokens anyway.)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _note_disabling(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    instance._zx_disabled = False
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    instance._zx_disabled = was_active


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def tokens_end_with_the_password(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        return
    # `set_password` keeps the new password in `_password` until the save is done; a hash
    # upgraded at login (the same password) goes through `set_password` too, but then Django
    # clears `_password` before saving, so it is not taken for a change.
    if getattr(instance, "_password", None) is not None:
        tokens_revoke_all(actor=Actor.system("密码变更"), user=instance, reason="密码已修改")
    if getattr(instance, "_zx_disabled", False):
        instance._zx_disabled = False
        tokens_revoke_all(actor=Actor.system("账户停用"), user=instance, reason="账户已停用")
