"""What the audit log says about logins: a login is recorded once the second factor passes (the
password alone is `auth.password_ok`); a failure and a refused request are in the county of the
user they concern, so the county's /audit/ shows them; an attempt refused during a lockout is
`auth.locked`, never a wrong password — its password was not checked.

Recall the cast (zhengxing/testing.py): alice runs the county (a second factor); carol is a
branch secretary (none); dave is township B's committee."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengxing.audit.models import AuditEvent
from zhengxing.testing import PASSWORD, Cast

LOGIN = reverse("login")


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def actions() -> list[str]:
    """The logins' events, in order (the cast's making is in the log too)."""
    events = AuditEvent.objects.filter(action__startswith="auth.").order_by("pk")
    return list(events.values_list("action", flat=True))


def test_a_login_with_a_second_factor_is_recorded_when_the_code_passes(
    cast: Cast, settings: Any
) -> None:
    settings.ZHENGXING_OTP_ROLES = ("county",)
    device = TOTPDevice.objects.create(user=cast.alice, name="app", confirmed=True)
    client = Client()

    assert attempt(client, "alice", PASSWORD, ip="10.1.1.1").status_code == 302
    assert actions() == ["auth.password_ok"]
    password_ok = AuditEvent.objects.get(action="auth.password_ok")
    assert (password_ok.actor, password_ok.county_id) == (cast.alice, cast.county.pk)

    verify = reverse("otp_verify")
    assert client.post(verify, {"code": "000000"}, REMOTE_ADDR="10.1.1.1").status_code == 200
    assert "auth.login" not in actions()
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.throttling_failure_count = 0
    device.save()
    code = f"{totp(device.bin_key):06d}"
    assert client.post(verify, {"code": code}, REMOTE_ADDR="10.1.1.1").status_code == 302

    login = AuditEvent.objects.get(action="auth.login")
    assert (login.actor, login.ip, login.county_id) == (cast.alice, "10.1.1.1", cast.county.pk)


def test_a_login_without_a_second_factor_is_recorded_at_the_password(cast: Cast) -> None:
    assert attempt(Client(), "carol", PASSWORD).status_code == 302

    assert actions() == ["auth.login"]


def test_a_failed_login_is_in_the_county_of_the_user_it_names(cast: Cast) -> None:
    attempt(Client(), "carol", "wrong-password")
    attempt(Client(), "nobody-at-all", "wrong-password")

    failures = AuditEvent.objects.filter(action="auth.login_failed").order_by("pk")
    assert [(e.after, e.county_id) for e in failures] == [
        ({"username": "carol"}, cast.county.pk),
        ({"username": "nobody-at-all"}, None),
    ]


def test_a_refused_request_is_in_the_county_of_its_user(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.cathy)  # a committee member: only the secretary signs
    path = f"/api/v1/points/branches/{cast.branch_a1.pk}/quarters/2026/2/sign-off"

    assert client.post(path).status_code == 403

    assert AuditEvent.objects.get(action="access.refused").county_id == cast.county.pk


def test_an_attempt_during_an_account_lockout_is_locked_not_failed(
    cast: Cast, settings: Any
) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "carol", f"wrong-{n}", ip=f"10.0.0.{n + 1}")

    assert attempt(Client(), "carol", PASSWORD, ip="10.0.9.9").status_code == 429

    assert actions().count("auth.login_failed") == settings.AXES_FAILURE_LIMIT
    locked = AuditEvent.objects.get(action="auth.locked")
    assert (locked.after, locked.ip, locked.county_id) == (
        {"username": "carol"},
        "10.0.9.9",
        cast.county.pk,
    )
    refused = AuditEvent.objects.filter(action="auth.locked_out").latest("pk")
    assert refused.county_id == cast.county.pk


def test_a_right_password_during_an_address_lockout_is_not_a_failure(cast: Cast) -> None:
    client = Client()
    for n in range(100):  # made-up names from one address, until the address is locked
        if attempt(client, f"nobody{n}", "wrong", ip="10.0.0.66").status_code == 429:
            break
    else:
        pytest.fail("the address was never locked")

    assert attempt(client, "carol", PASSWORD, ip="10.0.0.66").status_code == 429

    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert {(e.after or {})["username"] for e in failed} == {f"nobody{i}" for i in range(n + 1)}
    locked = AuditEvent.objects.get(action="auth.locked")
    assert (locked.after, locked.county_id) == ({"username": "carol"}, cast.county.pk)
