"""The second factor (GB/T 22239-2019 level 3, OWASP ASVS level 2).

Users holding a role in settings.ZHENGXING_OTP_ROLES (the county's and the township's, by
default) must pass a TOTP code after their password: the first time they enrol an authenticator
app by scanning a QR code; afterwards they type its six digits at each login. Others may enrol
too, and are then asked the same way.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengxing.core.directory import directory

from ._common import audit_user, mark_recent, next_url

MFA_KEY = "zx_mfa"  # whether this session's user needs the second factor
# paths a signed-in user reaches before passing the second factor
OPEN_PATHS = ("/accounts/", "/static/", "/i18n/", "/p/", "/media/")


def needs_second_factor(user: Any) -> bool:
    """Whether the user must pass a TOTP code: a role the settings name, or an enrolled device."""
    if not user.is_authenticated:
        return False
    required = frozenset(settings.ZHENGXING_OTP_ROLES)
    if required and directory().holds_any_role(user, required):
        return True
    return bool(user_has_device(user))


class SecondFactorMiddleware:
    """After the password, a user who needs a second factor goes to enrol or to type a code
    before anything else (the API answers 401 with a Chinese message instead)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
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


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: a new device's QR code, confirmed by its first code."""
    user = request.user
    if user_has_device(user):
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': next_url(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            mark_recent(request)
            request.session[MFA_KEY] = True  # asked at every login from now on
            audit_user(request, "auth.otp.enrol", f"{user.get_username()}绑定动态验证码")
            audit_user(request, "auth.login", f"{user.get_username()}登录（动态验证码已通过）")
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(next_url(request))
        form.add_error("code", _("That code is not right. Check the time on your phone."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": qr,
            "key_groups": key_groups(device.bin_key),
            "next": next_url(request),
        },
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
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = matching_device(user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            mark_recent(request)
            audit_user(request, "auth.login", f"{user.get_username()}登录（动态验证码已通过）")
            return redirect(next_url(request))
        audit_user(request, "auth.otp.failed", f"{user.get_username()}动态验证码错误")
        form.add_error("code", _("That code is not right. Check the time on your phone."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url(request)})


def matching_device(user: Any, code: str) -> TOTPDevice | None:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None
