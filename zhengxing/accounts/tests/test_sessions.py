"""Logging in to the level-3 baseline: 5 failures lock the account, and 50 the address, for 15
minutes (more in test_lockout.py); passwords mix character classes; idle sessions end after 30
minutes; a login gets a new session id and logout ends it; logins, logouts and failures are
audited."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengxing.audit.models import AuditEvent
from zhengxing.testing import PASSWORD, Cast

LOGIN = reverse("login")


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_for_fifteen_minutes(cast: Cast) -> None:
    client = Client()
    for n in range(5):
        response = attempt(client, "carol", f"wrong-{n}", ip=f"10.0.0.{n + 1}")
        assert response.status_code in (200, 429), n
    # the right password, from yet another address: the account is locked
    locked = attempt(client, "carol", PASSWORD, ip="10.0.9.9")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "15" in locked.content.decode()
    # sixteen minutes pass
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert attempt(client, "carol", PASSWORD, ip="10.0.9.9").status_code == 302


def test_fifty_failures_from_one_address_lock_that_address(cast: Cast) -> None:
    client = Client()
    for n in range(50):
        attempt(client, f"nobody{n}", "wrong", ip="10.0.0.66")
    assert attempt(client, "cathy", PASSWORD, ip="10.0.0.66").status_code == 429
    assert attempt(client, "cathy", PASSWORD, ip="10.0.0.67").status_code == 302


def test_logins_logouts_and_failures_are_audited(cast: Cast) -> None:
    client = Client()
    attempt(client, "carol", "wrong-password", ip="10.1.1.1")
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert (failed.ip, failed.after) == ("10.1.1.1", {"username": "carol"})
    assert "wrong-password" not in str(failed.after) + failed.summary
    before = client.cookies.get("sessionid")
    assert attempt(client, "carol", PASSWORD, ip="10.1.1.1").status_code == 302
    login = AuditEvent.objects.get(action="auth.login")
    assert (login.actor, login.ip, login.county_id) == (cast.carol, "10.1.1.1", cast.county.pk)
    session = client.cookies["sessionid"].value
    assert before is None or before.value != session  # a new session id at login
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action="auth.logout", actor=cast.carol).exists()
    replay = Client()
    replay.cookies["sessionid"] = session
    assert replay.get(reverse("home")).status_code == 302  # the old session is gone


def test_an_idle_session_ends_after_thirty_minutes(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.force_login(cast.carol)
    assert client.get(reverse("home")).status_code == 200
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + 29 * 60)
    assert client.get(reverse("home")).status_code == 200  # active: the clock restarts
    monkeypatch.setattr(time, "time", lambda: start + 29 * 60 + 31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(reverse("home")).status_code == 302  # signed out for good


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Zhengxing-2026!", True),
        ("zhengxing2026x", False),  # two classes
        ("Zx-2026", False),  # too short
        ("abcdefghij", False),
        ("党支部书记abc123X", True),
    ],
)
def test_passwords_must_be_long_and_mixed(password: str, ok: bool, db: None) -> None:
    try:
        validate_password(password)
    except ValidationError:
        assert not ok
    else:
        assert ok


def test_a_locked_out_script_gets_json_it_can_read(db: None) -> None:

    from zhengxing.testing import build_cast

    build_cast()
    client = Client()
    for _ in range(5):
        client.post(
            "/api/v1/auth/token",
            json.dumps({"username": "carol", "password": "wrong-password"}),
            content_type="application/json",
            REMOTE_ADDR="10.0.7.7",
        )
    locked = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "carol", "password": PASSWORD}),
        content_type="application/json",
        REMOTE_ADDR="10.0.7.7",
    )
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert "15分钟后再试" in locked.json()["detail"]
