"""How long a bearer token lives and how it ends: a few hours from its issue (a setting), an
idle time like a session's, revoked by its holder (this one, or all of theirs), and revoked when
the password changes or the account is disabled — each in the audit log.

The cast (zhengxing/testing.py): bob is township A's committee; carol is secretary of A1B.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhengxing.accounts.models import ApiToken
from zhengxing.audit.models import AuditEvent
from zhengxing.testing import PASSWORD, Cast, api_token, bearer

ME = "/api/v1/me"
JSON = "application/json"


def opens(token: str) -> bool:
    status = Client().get(ME, headers=bearer(token)).status_code
    assert status in (200, 401)
    return status == 200


def test_a_token_lives_the_configured_hours_not_thirty_days(cast: Cast, settings: Any) -> None:
    settings.ZHENGXING_TOKEN_HOURS = 3
    before = timezone.now()

    response = Client().post(
        "/api/v1/auth/token", {"username": "bob", "password": PASSWORD}, content_type=JSON
    )

    row = ApiToken.objects.get(user=cast.bob)
    assert dt.timedelta(hours=3) <= row.expires_at - before < dt.timedelta(hours=3, minutes=1)
    said = dt.datetime.fromisoformat(response.json()["expires_at"])
    assert abs(said - row.expires_at) < dt.timedelta(milliseconds=1)


def test_the_default_lifetime_is_a_working_day(cast: Cast) -> None:
    api_token("bob")

    row = ApiToken.objects.get(user=cast.bob)
    assert row.expires_at - row.created_at == dt.timedelta(hours=8)


def test_a_token_left_unused_past_the_idle_time_opens_nothing(cast: Cast, settings: Any) -> None:
    token = api_token("bob")
    assert opens(token)
    long_ago = timezone.now() - dt.timedelta(minutes=settings.ZHENGXING_IDLE_MINUTES + 1)
    ApiToken.objects.update(created_at=long_ago, last_used_at=long_ago)

    assert not opens(token)


def test_a_token_in_use_is_kept_alive(cast: Cast, settings: Any) -> None:
    token = api_token("bob")
    a_while_ago = timezone.now() - dt.timedelta(minutes=settings.ZHENGXING_IDLE_MINUTES - 1)
    ApiToken.objects.update(created_at=a_while_ago, last_used_at=a_while_ago)

    assert opens(token)
    last_used = ApiToken.objects.get().last_used_at
    assert last_used is not None and last_used > a_while_ago + dt.timedelta(minutes=1)


def test_the_holder_revokes_the_token_the_request_carries(cast: Cast) -> None:
    revoked, kept = api_token("bob"), api_token("bob")

    response = Client().post("/api/v1/auth/token/revoke", headers=bearer(revoked))

    assert response.status_code == 204
    assert not opens(revoked)
    assert opens(kept)
    event = AuditEvent.objects.get(action="token.revoke")
    assert event.actor == cast.bob
    assert event.county_id == cast.county.pk


def test_revoking_this_token_needs_a_token(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.bob)

    response = client.post("/api/v1/auth/token/revoke")

    assert response.status_code == 400
    assert "未使用令牌" in response.json()["detail"]


def test_the_holder_revokes_all_their_tokens_and_no_one_elses(cast: Cast) -> None:
    first, second, carols = api_token("bob"), api_token("bob"), api_token("carol")

    response = Client().post("/api/v1/auth/tokens/revoke", headers=bearer(first))

    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert not opens(first)
    assert not opens(second)
    assert opens(carols)
    assert AuditEvent.objects.filter(action="token.revoke_all", object_id=cast.bob.pk).count() == 1


def test_a_password_change_revokes_every_token(cast: Cast) -> None:
    token = api_token("bob")

    cast.bob.set_password("Another-Password-2026!")
    cast.bob.save()

    assert not opens(token)
    event = AuditEvent.objects.get(action="token.revoke_all")
    assert event.after == {"revoked": 1, "reason": "密码已修改"}
    assert event.county_id == cast.county.pk


def test_a_login_that_only_upgrades_the_hash_revokes_nothing(cast: Cast, settings: Any) -> None:
    token = api_token("bob")  # hashed with MD5 by the test settings
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    api_token("bob")  # the password is checked, and its hash upgraded

    assert cast.bob.__class__.objects.get(pk=cast.bob.pk).password.startswith("pbkdf2")
    assert opens(token)


def test_disabling_the_account_revokes_every_token(cast: Cast) -> None:
    token = api_token("bob")

    cast.bob.is_active = False
    cast.bob.save()
    cast.bob.is_active = True
    cast.bob.save()  # enabled again: the old token stays revoked

    assert not opens(token)
    assert AuditEvent.objects.get(action="token.revoke_all").after == {
        "revoked": 1,
        "reason": "账户已停用",
    }


def test_other_saves_of_the_user_revoke_nothing(cast: Cast) -> None:
    token = api_token("bob")

    cast.bob.first_name = "鲍勃"
    cast.bob.save()

    assert opens(token)
    assert not AuditEvent.objects.filter(action__startswith="token.revoke").exists()


@pytest.mark.parametrize("path", ["/api/v1/auth/token/revoke", "/api/v1/auth/tokens/revoke"])
def test_a_revoked_token_cannot_revoke_again(cast: Cast, path: str) -> None:
    token = api_token("bob")
    Client().post(path, headers=bearer(token))

    assert Client().post(path, headers=bearer(token)).status_code == 401
