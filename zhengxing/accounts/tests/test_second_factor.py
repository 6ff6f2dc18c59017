"""The second factor for county and township users, and re-authentication before sensitive
actions. Recall the cast (zhengxing/testing.py): alice is the county's organisation department,
bob township A, carol a branch secretary, erin a member."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengxing.accounts.reauth import REAUTH_KEY
from zhengxing.audit.models import AuditEvent
from zhengxing.testing import PASSWORD, Cast

HOME = reverse("home")


@pytest.fixture
def otp_roles(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_OTP_ROLES = ("county", "township")


def logged_in(user: User) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return client


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.mark.usefixtures("otp_roles")
def test_a_county_user_enrols_an_app_then_passes_it_at_each_login(cast: Cast) -> None:
    client = logged_in(cast.alice)
    first = client.get(HOME)
    assert first.status_code == 302 and first["Location"].startswith(reverse("otp_setup"))
    setup = client.get(first["Location"])
    assert b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=cast.alice, confirmed=False)
    assert device.key not in setup.content.decode()  # hex, which the apps do not take
    wrong = client.post(first["Location"], {"code": "000000", "next": HOME})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    # a wrong code slows the next try (throttling); a few seconds later:
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(first["Location"], {"code": code_for(device), "next": HOME})
    assert done.status_code == 302 and done["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp.enrol", actor=cast.alice).exists()
    # the next login asks for the code
    again = logged_in(cast.alice)
    asked = again.get(HOME)
    assert asked["Location"].startswith(reverse("otp_verify"))
    device.refresh_from_db()
    device.last_t = -1  # a new time step for the same code, as after thirty seconds
    device.save()
    assert again.post(asked["Location"], {"code": code_for(device)}).status_code == 302
    assert again.get(HOME).status_code == 200


def typed_key(html: str) -> str:
    """The key the set-up page shows for typing, as a person would copy it: groups of four."""
    groups = re.search(r'class="otp-key"><code>(.*?)</code>', html, re.S)
    assert groups is not None
    return " ".join(re.findall(r"<span>([A-Z2-7]{1,4})</span>", groups.group(1)))


@pytest.mark.usefixtures("otp_roles")
def test_the_key_shown_for_typing_is_base32_in_groups_and_its_code_verifies(cast: Cast) -> None:
    """Issue 18, item 2: authenticator apps take a key typed as base32; 40 hex characters typed
    into them fail. A code computed from the key as shown (spaces and all) is accepted."""
    client = logged_in(cast.bob)
    setup_url = client.get(HOME)["Location"]
    shown = typed_key(client.get(setup_url).content.decode())
    groups = shown.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)  # 20 bytes, 32 characters
    # what an app does with the typed key: base32, spaces ignored
    key = base64.b32decode(shown.replace(" ", ""))
    done = client.post(setup_url, {"code": f"{totp(key):06d}", "next": HOME})
    assert done.status_code == 302 and done["Location"] == HOME
    assert TOTPDevice.objects.get(user=cast.bob).confirmed


@pytest.mark.usefixtures("otp_roles")
def test_without_the_code_nothing_else_opens(cast: Cast) -> None:
    client = logged_in(cast.bob)
    for url in (reverse("orgs:member_list"), reverse("ledger:rankings")):
        assert client.get(url)["Location"].startswith(reverse("otp_setup"))
    api = client.get("/api/v1/orgs")
    assert api.status_code == 401 and api.json()["detail"] == "请先完成动态验证码验证"


@pytest.mark.usefixtures("otp_roles")
def test_a_member_is_not_asked(cast: Cast) -> None:
    assert logged_in(cast.erin).get(HOME).status_code == 200


def test_revealing_an_id_number_needs_the_password_again_after_five_minutes(
    cast: Cast,
) -> None:
    client = logged_in(cast.carol)
    member = reverse("orgs:member_detail", args=[cast.erin_member.pk])
    reveal = reverse("orgs:member_reveal", args=[cast.erin_member.pk])
    assert client.post(reveal, HTTP_REFERER=member).status_code == 200  # just logged in
    session = client.session
    session[REAUTH_KEY] = int(time.time()) - 6 * 60
    session.save()
    asked = client.post(reveal, HTTP_REFERER=f"http://testserver{member}")
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("reauth"))
    htmx = client.post(reveal, HTTP_HX_REQUEST="true", HTTP_REFERER=f"http://testserver{member}")
    assert htmx["HX-Redirect"].startswith(reverse("reauth"))
    wrong = client.post(asked["Location"], {"password": "not-it"})
    assert wrong.status_code == 200 and "auth.reauth_failed" in set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    back = client.post(asked["Location"], {"password": PASSWORD})
    assert back.status_code == 302 and back["Location"].endswith(member)
    assert client.post(reveal).status_code == 200


def test_signing_a_quarter_off_needs_the_password_again(cast: Cast) -> None:
    client = logged_in(cast.carol)
    session = client.session
    session[REAUTH_KEY] = int(time.time()) - 6 * 60
    session.save()
    url = reverse("ledger:sign_off", args=[cast.branch_a1.pk])
    assert client.get(url).status_code == 200  # the page itself shows
    refused = client.post(url, {"quarter": "2026Q2"}, HTTP_REFERER=f"http://testserver{url}")
    assert refused["Location"].startswith(reverse("reauth"))


@pytest.mark.usefixtures("otp_roles")
def test_an_api_token_for_a_county_user_needs_the_code(cast: Cast) -> None:
    url = "/api/v1/auth/token"
    body = {"username": "alice", "password": PASSWORD}
    no_app = Client().post(url, body, content_type="application/json")
    assert (no_app.status_code, no_app.json()["detail"]) == (
        401,
        "请先登录网页绑定动态验证码（身份验证器）",
    )
    device = TOTPDevice.objects.create(user=cast.alice, name="app", confirmed=True)
    wrong = Client().post(url, {**body, "otp": "000000"}, content_type="application/json")
    assert (wrong.status_code, wrong.json()["detail"]) == (401, "请提供正确的动态验证码")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    right = Client().post(url, {**body, "otp": code_for(device)}, content_type="application/json")
    assert right.status_code == 200 and right.json()["token"]
    member = Client().post(
        url, {"username": "erin", "password": PASSWORD}, content_type="application/json"
    )
    assert member.status_code == 200


def test_the_demo_says_who_sets_up_an_app_and_how_a_local_demo_skips_it() -> None:
    from zhengxing.ops.management.commands.demo import second_factor_note

    note = second_factor_note(("county", "township"))
    assert "county and township logins set up an authenticator app" in note
    assert "ZHENGXING_OTP_ROLES= make run" in note


def test_with_no_role_named_nobody_is_asked(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_OTP_ROLES = ()  # what `ZHENGXING_OTP_ROLES= make run` sets
    assert logged_in(cast.alice).get(HOME).status_code == 200
