"""Re-authentication over the API: seeing a full ID number, signing a quarter off and finalising
ratings need the password entered in the last few minutes, for a bearer token (at its issue, or
at POST /api/v1/auth/reauth) as for a session. Failures are audited and count towards the
lockout. Recall the cast: bob is township A, carol secretary of branch A1, erin a member."""

from __future__ import annotations

import datetime as dt
import time

from django.test import Client
from django.utils import timezone

from zhengxing.accounts.models import ApiToken
from zhengxing.accounts.reauth import REAUTH_KEY, REAUTH_NEEDED
from zhengxing.audit.models import AuditEvent
from zhengxing.testing import PASSWORD, Cast, api_token, bearer

JSON = "application/json"


def age_tokens(minutes: int) -> None:
    ApiToken.objects.update(reauthed_at=timezone.now() - dt.timedelta(minutes=minutes))


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_a_token_reveals_while_fresh_then_needs_the_password_again(cast: Cast) -> None:
    token = api_token("carol")
    reveal = f"/api/v1/members/{cast.erin_member.pk}/reveal"
    assert Client().post(reveal, headers=bearer(token)).status_code == 200  # just issued
    age_tokens(6)
    refused = Client().post(reveal, headers=bearer(token))
    assert (refused.status_code, refused.json()["detail"]) == (403, REAUTH_NEEDED)
    assert actions().count("member.reveal") == 1 and "access.refused" in actions()

    wrong = Client().post(
        "/api/v1/auth/reauth", {"password": "not-it"}, content_type=JSON, headers=bearer(token)
    )
    assert wrong.status_code == 401 and "auth.reauth_failed" in actions()
    assert Client().post(reveal, headers=bearer(token)).status_code == 403  # still refused
    right = Client().post(
        "/api/v1/auth/reauth", {"password": PASSWORD}, content_type=JSON, headers=bearer(token)
    )
    assert right.status_code == 204 and "auth.reauth" in actions()
    assert Client().post(reveal, headers=bearer(token)).status_code == 200
    assert actions().count("member.reveal") == 2


def test_reauth_needs_a_login_and_five_wrong_passwords_lock_it(cast: Cast) -> None:
    anonymous = Client().post("/api/v1/auth/reauth", {"password": PASSWORD}, content_type=JSON)
    assert anonymous.status_code == 401
    token = api_token("carol")
    for _ in range(5):
        Client().post(
            "/api/v1/auth/reauth", {"password": "wrong"}, content_type=JSON, headers=bearer(token)
        )
    locked = Client().post(
        "/api/v1/auth/reauth", {"password": PASSWORD}, content_type=JSON, headers=bearer(token)
    )
    assert locked.status_code == 429 and "Retry-After" in locked


def test_a_session_signs_a_quarter_off_only_with_a_recent_password(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.carol)  # a login marks the password as just entered
    session = client.session
    session[REAUTH_KEY] = int(time.time()) - 6 * 60
    session.save()
    sign = f"/api/v1/points/branches/{cast.branch_a1.pk}/quarters/2026/2/sign-off"
    refused = client.post(sign)
    assert (refused.status_code, refused.json()["detail"]) == (403, REAUTH_NEEDED)
    again = client.post("/api/v1/auth/reauth", {"password": PASSWORD}, content_type=JSON)
    assert again.status_code == 204
    signed = client.post(sign)
    assert signed.status_code == 201, signed.content
