"""Re-authentication (GB/T 22239-2019 level 3, OWASP ASVS level 2): sensitive actions (seeing a
full ID number, signing a quarter off, finalising ratings) need the password (and code) entered
in the last settings.ZHENGXING_REAUTH_MINUTES — `recent_auth` for pages, `require_recent_api`
for the API."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device
from ninja.errors import HttpError

from ._common import REAUTH_KEY as REAUTH_KEY  # re-exported: the session key tests set
from ._common import audit_user, mark_recent, next_url
from .second_factor import matching_device

REAUTH_NEEDED = "该操作需要重新验证身份：请先调用 POST /api/v1/auth/reauth 提供密码（及动态验证码）"


def _fresh(at: float | None) -> bool:
    """Whether a password entered at `at` (a timestamp) is recent enough for sensitive actions."""
    return at is not None and time.time() - at <= settings.ZHENGXING_REAUTH_MINUTES * 60


def is_recent(request: HttpRequest) -> bool:
    at = request.session.get(REAUTH_KEY)
    return _fresh(at if isinstance(at, int) else None)


def reauth_redirect(request: HttpRequest, next_to: str) -> HttpResponse:
    """To the re-authentication page, then back to `next_to` (an HTMX request: HX-Redirect)."""
    url = f"{reverse('reauth')}?{urlencode({'next': next_to})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def recent_auth(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For sensitive actions (POST): the password (and code) entered in the last few minutes,
    else to the re-authentication page and back to the page the form was on, to submit again.
    An HTMX request is sent there with HX-Redirect."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not is_recent(request):
            return reauth_redirect(request, _referer(request))
        return view(request, *args, **kwargs)

    return wrapped


def reconfirm(request: HttpRequest, password: str, code: str) -> bool:
    """Whether the signed-in user's password (and, with an app, its code) are right; audited.
    The password goes through `authenticate`, so failures count towards the lockout like a
    login's (five lock the account out; accounts/lockout.py)."""
    user = request.user
    username = user.get_username()
    ok = authenticate(request, username=username, password=password) is not None
    if ok and user_has_device(user):
        ok = matching_device(user, code.strip()) is not None
    if ok:
        audit_user(request, "auth.reauth", f"{username}再次验证身份")
    else:
        audit_user(request, "auth.reauth_failed", f"{username}再次验证身份失败")
    return ok


def is_recent_api(request: HttpRequest) -> bool:
    """Whether the bearer token's password was entered (at its issue, or at POST
    /api/v1/auth/reauth) in the last few minutes, or the session's."""
    token = getattr(request, "api_token", None)
    if token is None:
        return is_recent(request)
    return _fresh(token.reauthed_at.timestamp() if token.reauthed_at else None)


def require_recent_api(request: HttpRequest) -> None:
    """The API's `recent_auth`, for sensitive actions: `is_recent_api`, else 403 (audited as a
    refused access)."""
    if not is_recent_api(request):
        raise HttpError(403, REAUTH_NEEDED)


def mark_recent_api(request: HttpRequest) -> None:
    """After `reconfirm` through the API: this token (or this session) is recent again."""
    token = getattr(request, "api_token", None)
    if token is None:
        mark_recent(request)
        return
    token.reauthed_at = timezone.now()
    token.save(update_fields=["reauthed_at"])


def _referer(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, request.is_secure()
    ):
        return str(referer)
    return reverse("home")


class ReauthForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput)
    code = forms.CharField(label=gettext_lazy("Six-digit code"), required=False, max_length=8)


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    """Confirm it is still you: the password, and the code when you have an app."""
    user = request.user
    with_code = user_has_device(user)
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if reconfirm(request, form.cleaned_data["password"], form.cleaned_data["code"]):
            mark_recent(request)
            return redirect(next_url(request))
        form.add_error(None, _("The password or the code is not right."))
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "with_code": with_code, "next": next_url(request)},
    )
