"""Getting into the API: a bearer token from the password, or the browser's session with CSRF;
nothing for the anonymous but the token endpoint and the schema.

Recall the cast (zhengxing/testing.py): alice runs the county; bob township A; carol is secretary
of branch A1B; erin is a member of A1B (李二妮).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from zhengxing.accounts.models import ApiToken
from zhengxing.api import api
from zhengxing.testing import PASSWORD, Cast, client_for

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/me"
JSON = "application/json"


def token_for(client: Client, username: str, password: str = PASSWORD) -> str:
    response = client.post(TOKEN, {"username": username, "password": password}, content_type=JSON)
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


def test_the_right_password_gives_a_token_that_opens_the_api(cast: Cast) -> None:
    token = token_for(Client(), "bob")

    response = Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response.json()["username"] == "bob"
    assert ApiToken.objects.get(user=cast.bob).key_hash != token  # only the hash is stored


def test_a_token_is_enough_to_write_without_csrf(cast: Cast) -> None:
    token = token_for(Client(enforce_csrf_checks=True), "bob")

    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/orgs",
        {"parent_id": cast.town_a.pk, "code": "A2", "name": "甲二村", "kind": "village"},
        content_type=JSON,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 201, response.content


def test_a_wrong_password_gets_401_and_no_token(cast: Cast) -> None:
    response = Client().post(
        TOKEN, {"username": "bob", "password": "not-the-password"}, content_type=JSON
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误", "code": "unauthenticated"}
    assert not ApiToken.objects.exists()


def test_an_unknown_or_expired_token_gets_401(cast: Cast) -> None:
    token = token_for(Client(), "bob")
    ApiToken.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    assert Client().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert Client().get(ME, HTTP_AUTHORIZATION="Bearer zx_made_up").status_code == 401


def test_a_session_reads_without_csrf(cast: Cast) -> None:
    client = client_for(cast.bob, enforce_csrf=True)

    assert client.get(ME).status_code == 200


def test_a_session_post_without_the_csrf_token_is_403(cast: Cast) -> None:
    client = client_for(cast.bob, enforce_csrf=True)

    response = client.post(
        "/api/v1/orgs",
        {"parent_id": cast.town_a.pk, "code": "A2", "name": "甲二村", "kind": "village"},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert not cast.town_a.children.filter(code="A2").exists()


def test_a_session_post_with_the_csrf_token_is_accepted(cast: Cast) -> None:
    client = client_for(cast.bob, enforce_csrf=True)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret

    response = client.post(
        "/api/v1/orgs",
        {"parent_id": cast.town_a.pk, "code": "A2", "name": "甲二村", "kind": "village"},
        content_type=JSON,
        HTTP_X_CSRFTOKEN=secret,
    )

    assert response.status_code == 201, response.content


def _every_operation() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method, re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        # operations open to the public (the token endpoint, public notices and reports)
        # declare no security requirement
        if operation.get("security")
    ]


def test_only_declared_public_operations_are_open(db: None) -> None:
    schema = api.get_openapi_schema()
    open_paths = {
        path
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if not operation.get("security")
    }
    assert TOKEN in open_paths
    public = (
        "/api/v1/points/",
        "/api/v1/stars/public/",
        "/api/v1/mobile/reports",
        "/api/v1/grid/public/",
        "/api/v1/life/public/",
        "/api/v1/contests/public/",
        "/api/v1/deliberation/public/",
        "/api/v1/dutyreports/public/",
        "/api/v1/integrity/public/",
    )
    assert all(p == TOKEN or p.startswith(public) for p in open_paths), open_paths
    assert {p for p in open_paths if p.startswith("/api/v1/stars/")} == {
        "/api/v1/stars/public/orgs/{org_id}/board",
        "/api/v1/stars/public/plans/{slug}",
        "/api/v1/stars/public/rounds/{round_id}/ballots",
    }
    assert {p for p in open_paths if p.startswith("/api/v1/mobile/")} == {"/api/v1/mobile/reports"}


@pytest.mark.parametrize(("method", "path"), _every_operation())
def test_anonymous_requests_get_401(cast: Cast, method: str, path: str) -> None:
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(path, {}, content_type=JSON)

    assert response.status_code == 401, response.content


def test_anonymous_may_read_the_schema(db: None) -> None:
    assert Client().get("/api/v1/openapi.json").status_code == 200


def test_me_names_the_roles_and_the_member_record(cast: Cast) -> None:
    erin = client_for(cast.erin).get(ME).json()
    bob = client_for(cast.bob).get(ME).json()

    assert erin["member_id"] == cast.erin_member.pk
    assert erin["roles"] == [
        {
            "role": "member",
            "org": {
                "id": cast.branch_a1.pk,
                "code": "A1B",
                "name": cast.branch_a1.name,
                "kind": "branch",
            },
        }
    ]
    assert bob["member_id"] is None
    assert [(r["role"], r["org"]["code"]) for r in bob["roles"]] == [("township", "A")]
