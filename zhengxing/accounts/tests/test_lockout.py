"""Lock the account, not the building. Behind the README's proxy (127.0.0.1, trusted), every
request reaches the application from the proxy's address: the lockout must count the client's.

Failures lock a username from whatever address (5), and an address whatever names it tries
(settings.ZHENGXING_ADDRESS_FAILURES, 50). Five failures for made-up names stop nobody.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from zhengxing.settings import envnetworks
from zhengxing.testing import PASSWORD, Cast

PROXY = "127.0.0.1"
LOGIN = reverse("login")
TOKEN = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def behind_proxy(settings: Settings) -> None:
    settings.ZHENGXING_TRUSTED_PROXIES = envnetworks("ZHENGXING_UNSET_FOR_TEST", PROXY)


def web(username: str, password: str, client_address: str) -> int:
    """A login through the proxy, from `client_address`."""
    return (
        Client(REMOTE_ADDR=PROXY)
        .post(
            LOGIN,
            {"username": username, "password": password},
            HTTP_X_FORWARDED_FOR=client_address,
        )
        .status_code
    )


def api(username: str, password: str, client_address: str) -> int:
    return (
        Client(REMOTE_ADDR=PROXY)
        .post(
            TOKEN,
            json.dumps({"username": username, "password": password}),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=client_address,
        )
        .status_code
    )


@pytest.mark.parametrize("login", [web, api])
def test_failures_for_made_up_names_lock_no_real_user(cast: Cast, login) -> None:  # type: ignore[no-untyped-def]
    # a stranger tries five made-up names, then five more, all through the same proxy
    refused = 401 if login is api else 200  # the login page again, with its error
    for n in range(10):
        assert login(f"nobody{n}", "wrong", "198.51.100.66") == refused
    # everyone else behind the proxy still logs in; so does the stranger's neighbour
    assert login("carol", PASSWORD, "203.0.113.5") in (200, 302)
    assert login("cathy", PASSWORD, "198.51.100.66") in (200, 302)


@pytest.mark.parametrize("login", [web, api])
def test_five_failures_lock_the_account_from_any_address(cast: Cast, login) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        login("carol", f"wrong-{n}", f"198.51.100.{n + 1}")
    assert login("carol", PASSWORD, "203.0.113.5") == 429
    assert login("cathy", PASSWORD, "198.51.100.1") in (200, 302)  # others are not locked


@pytest.mark.parametrize("login", [web, api])
def test_an_address_trying_many_names_is_locked_at_the_higher_limit(
    cast: Cast,
    settings: Settings,
    login: Callable[..., Any],
) -> None:
    settings.ZHENGXING_ADDRESS_FAILURES = 12
    for n in range(11):
        login(f"nobody{n}", "wrong", "198.51.100.66")
    assert login("cathy", PASSWORD, "198.51.100.66") in (200, 302)  # 11: not yet
    login("nobody-last", "wrong", "198.51.100.66")
    assert login("carol", PASSWORD, "198.51.100.66") == 429  # 12: the address is locked
    assert login("carol", PASSWORD, "203.0.113.5") in (200, 302)  # carol elsewhere is not


def test_a_forged_forwarded_header_does_not_escape_the_lock(cast: Cast) -> None:
    for n in range(5):
        web("carol", f"wrong-{n}", f"1.1.1.{n}, 198.51.100.7")
    assert web("carol", PASSWORD, "9.9.9.9, 198.51.100.7") == 429


def test_a_login_to_ones_own_account_does_not_wipe_failures_against_anothers(cast: Cast) -> None:
    for n in range(4):
        web("carol", f"wrong-{n}", "198.51.100.7")
    assert web("cathy", PASSWORD, "198.51.100.7") == 302  # the guesser's own account
    web("carol", "wrong-4", "198.51.100.7")
    assert web("carol", PASSWORD, "203.0.113.5") == 429  # five against carol in all
