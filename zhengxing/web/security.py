"""The second factor and re-authentication (GB/T 22239-2019 level 3, OWASP ASVS level 2).

- Users holding a role in settings.ZHENGXING_OTP_ROLES (the county's and the township's, by
  default) must pass a TOTP code after their password: the first time they enrol an
  authenticator app by scanning a QR code; afterwards they type its six digits at each login.
  Others may enrol too, and are then asked the same way.
- Sensitive actions (seeing a full ID number, signing a quarter off, finalising ratings) need a
  password (and code) entered in the last settings.ZHENGXING_REAUTH_MINUTES: `recent_auth`.
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import segno
from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja.errors import HttpError

from zhengxing.audit.services import audit_record
from zhengxing.audit.signals import LOCKED_OUT
from zhengxing.audit.throttles import public_write_wait
from zhengxing.core.actor import Actor
from zhengxing.orgs.selectors import scope_for

REAUTH_KEY = "zx_reauth"
MFA_KEY = "zx_mfa"  # whether this session's user needs the second factor
# paths a signed-in user reaches before passing the second factor
OPEN_PATHS = ("/accounts/", "/static/", "/i18n/", "/p/", "/media/")


def needs_second_factor(user: Any) -> bool:
    """Whether the user must pass a TOTP code: a role the settings name, or an enrolled device."""
    if not user.is_authenticated:
        return False
    required = set(settings.ZHENGXING_OTP_ROLES)
    scope = scope_for(user)
    if required and (scope.everything or scope.roles() & required):
        return True
    return user_has_device(user)


def _next(request: HttpRequest, fallback: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(fallback)


class SecondFactorMiddleware:
    """After the password, a user who needs a second factor goes to enrol or to type a code
    before anything else (the API answers 401 with a Chinese message instead)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr, attr-defined]
            and not request.path.startswith(OPEN_PATHS)
            and self.needed(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "请先完成动态验证码验证", "code": "unauthenticated"}, status=401
                )
            step = "otp_verify" if user_has_device(user) else "otp_setup"
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(step)}?{query}")
        return self.get_response(request)

    @staticmethod
    def needed(request: HttpRequest) -> bool:
        """`needs_second_factor`, decided at login and kept in the session (no query a page)."""
        needed = request.session.get(MFA_KEY)
        if not isinstance(needed, bool):
            needed = request.session[MFA_KEY] = needs_second_factor(request.user)
        return needed


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Six-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits your app shows.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _audit(request: HttpRequest, action: str, summary: str) -> None:
    user = request.user
    counties = scope_for(user).county_ids()
    audit_record(
        actor=Actor.from_request(request),
        action=action,
        object_type="user",
        object_id=user.pk,
        county_id=min(counties) if counties else None,
        summary=summary,
    )


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: a new device's QR code, confirmed by its first code."""
    user = request.user
    if user_has_device(user):
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            _mark_recent(request)
            request.session[MFA_KEY] = True  # asked at every login from now on
            _audit(request, "auth.otp.enrol", f"{user.get_username()}绑定动态验证码")
            _audit(request, "auth.login", f"{user.get_username()}登录（动态验证码已通过）")
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next(request))
        form.add_error("code", _("That code is not right. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request,
        "web/otp_setup.html",
        {"form": form, "qr": qr, "key_groups": key_groups(device.bin_key), "next": _next(request)},
    )


def key_groups(bin_key: bytes) -> list[str]:
    """The key as an authenticator app takes it typed: base32 (as in the QR code's URL, without
    its padding), in groups of four characters, so it can be read out and wraps on a phone."""
    text = base64.b32encode(bin_key).decode().rstrip("=")
    return [text[i : i + 4] for i in range(0, len(text), 4)]


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Type the code of the enrolled app after the password."""
    user = request.user
    if not user_has_device(user):
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = matching_device(user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            _mark_recent(request)
            _audit(request, "auth.login", f"{user.get_username()}登录（动态验证码已通过）")
            return redirect(_next(request))
        _audit(request, "auth.otp.failed", f"{user.get_username()}动态验证码错误")
        form.add_error("code", _("That code is not right. Check the time on your phone."))
    return render(request, "web/otp_verify.html", {"form": form, "next": _next(request)})


def matching_device(user: Any, code: str) -> TOTPDevice | None:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


def _mark_recent(request: HttpRequest) -> None:
    request.session[REAUTH_KEY] = int(time.time())


def _fresh(at: float | None) -> bool:
    """Whether a password entered at `at` (a timestamp) is recent enough for sensitive actions."""
    return at is not None and time.time() - at <= settings.ZHENGXING_REAUTH_MINUTES * 60


def is_recent(request: HttpRequest) -> bool:
    at = request.session.get(REAUTH_KEY)
    return _fresh(at if isinstance(at, int) else None)


def reauth_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    """To the re-authentication page, then back to `next_url` (an HTMX request: HX-Redirect)."""
    url = f"{reverse('reauth')}?{urlencode({'next': next_url})}"
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
            url = f"{reverse('reauth')}?{urlencode({'next': _referer(request)})}"
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return redirect(url)
        return view(request, *args, **kwargs)

    return wrapped


def reconfirm(request: HttpRequest, password: str, code: str) -> bool:
    """Whether the signed-in user's password (and, with an app, its code) are right; audited.
    The password goes through `authenticate`, so failures count towards the lockout like a
    login's (five lock the account out; web/lockout.py)."""
    user = request.user
    username = user.get_username()
    ok = authenticate(request, username=username, password=password) is not None
    if ok and user_has_device(user):
        ok = matching_device(user, code.strip()) is not None
    if ok:
        _audit(request, "auth.reauth", f"{username}再次验证身份")
    else:
        _audit(request, "auth.reauth_failed", f"{username}再次验证身份失败")
    return ok


REAUTH_NEEDED = "该操作需要重新验证身份：请先调用 POST /api/v1/auth/reauth 提供密码（及动态验证码）"


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
        _mark_recent(request)
        return
    token.reauthed_at = timezone.now()
    token.save(update_fields=["reauthed_at"])


def _referer(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, request.is_secure()
    ):
        return referer
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
            _mark_recent(request)
            return redirect(_next(request))
        form.add_error(None, _("The password or the code is not right."))
    return render(
        request, "web/reauth.html", {"form": form, "with_code": with_code, "next": _next(request)}
    )


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before the password: an attempt while the account or the address is
    locked out is refused unchecked, and marked on the request so the audit log records it as
    `auth.locked`, not as a wrong password."""

    def authenticate(
        self,
        request: HttpRequest,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, LOCKED_OUT, True)
            raise


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Too many failed logins (django-axes): a JSON error for the API, the page for a browser;
    429 either way, with when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": f"登录失败次数过多，请{minutes}分钟后再试", "code": "throttled"}, status=429
        )
    else:
        response = render(
            request,
            "web/locked.html",
            {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
            status=429,
        )
    response["Retry-After"] = str(minutes * 60)
    return response


def public_write_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the public's forms (no login: reports, objections, ballots): each POST counts
    towards its address's limit, shared with the API's public operations; past it, 429 with a
    page in the site's layout saying when to try again."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            wait = public_write_wait(request)
            if wait is not None:
                response = render(
                    request,
                    "web/throttled.html",
                    {"minutes": max(1, math.ceil(wait / 60))},
                    status=429,
                )
                response["Retry-After"] = str(math.ceil(wait))
                return response
        return view(request, *args, **kwargs)

    return wrapped
