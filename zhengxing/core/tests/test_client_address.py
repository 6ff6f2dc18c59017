"""The client's address (`client_ip`), the one the lockout, the audit log and the throttles use.

The README's deployment: the reverse proxy on the same host (127.0.0.1) passes requests on to
gunicorn and appends the address it saw to X-Forwarded-For. Only a trusted proxy's word is
taken; whatever a client writes into the header itself never becomes its address.
"""

from __future__ import annotations

import ipaddress
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from zhengxing.audit.models import AuditEvent
from zhengxing.core.addresses import client_ip
from zhengxing.settings import envnetworks
from zhengxing.testing import PASSWORD, Cast

PROXY = "127.0.0.1"


@pytest.fixture
def behind_proxy(settings: SettingsWrapper) -> None:
    settings.ZHENGXING_TRUSTED_PROXIES = envnetworks("X_UNSET_FOR_TEST", "127.0.0.1,10.8.0.0/16")


def address(peer: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        # no proxy in front: the peer, whatever the header says
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),
        # the proxy vouches for the address it saw
        (PROXY, "203.0.113.7", "203.0.113.7"),
        # a client's own header is left of what the proxy appended: never taken
        (PROXY, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (PROXY, "10.8.0.1, 1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # two trusted proxies in a row (the second in 10.8/16): the first untrusted hop
        (PROXY, "1.2.3.4, 203.0.113.7, 10.8.3.3", "203.0.113.7"),
        # the proxy forwarded nothing: the proxy itself
        (PROXY, None, PROXY),
        (PROXY, "", PROXY),
        # garbage in the header: nothing left of it is believed; the proxy stands for it
        (PROXY, "203.0.113.7, not-an-address", PROXY),
        # ports and brackets as some proxies write them; IPv6; IPv4 inside IPv6
        (PROXY, "203.0.113.7:51234", "203.0.113.7"),
        (PROXY, "[2001:db8::1]:443", "2001:db8::1"),
        (PROXY, "2001:db8::1", "2001:db8::1"),
        ("::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # every hop a trusted proxy: the leftmost
        (PROXY, "10.8.0.2", "10.8.0.2"),
    ],
)
def test_the_client_is_the_first_hop_no_trusted_proxy_wrote(
    behind_proxy: None, peer: str, forwarded: str | None, client: str
) -> None:
    assert address(peer, forwarded) == client


def test_with_no_trusted_proxy_the_header_is_ignored(settings: SettingsWrapper) -> None:
    settings.ZHENGXING_TRUSTED_PROXIES = []
    assert address(PROXY, "203.0.113.7") == PROXY


def test_the_setting_lists_addresses_and_ranges_and_refuses_anything_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZHENGXING_TRUSTED_PROXIES", " 127.0.0.1 , 10.0.0.0/8,::1")
    assert envnetworks("ZHENGXING_TRUSTED_PROXIES", "") == [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    ]
    assert envnetworks("ZHENGXING_UNSET_FOR_TEST", "") == []
    monkeypatch.setenv("ZHENGXING_TRUSTED_PROXIES", "127.0.0.1,proxy.example")
    with pytest.raises(ImproperlyConfigured, match=r"proxy\.example"):
        envnetworks("ZHENGXING_TRUSTED_PROXIES", "")


def test_the_audit_log_records_the_client_behind_the_proxy(behind_proxy: None, cast: Cast) -> None:
    client = Client(REMOTE_ADDR=PROXY)
    login = "/accounts/login/"
    client.post(
        login,
        {"username": "carol", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9",
    )
    client.post(
        login, {"username": "carol", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    forged = Client(REMOTE_ADDR=PROXY, enforce_csrf_checks=True)
    forged.post("/accounts/logout/", HTTP_X_FORWARDED_FOR="203.0.113.9")  # CSRF refuses it
    token = Client(REMOTE_ADDR=PROXY).post(
        "/api/v1/auth/token",
        json.dumps({"username": "cathy", "password": "wrong"}),
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert token.status_code == 401

    ips = dict(AuditEvent.objects.order_by("pk").values_list("action", "ip"))
    assert ips["auth.login_failed"] == "198.51.100.4"  # the last one, through the API
    assert AuditEvent.objects.filter(action="auth.login_failed", ip="203.0.113.9").exists()
    assert ips["auth.login"] == "203.0.113.9"
    assert ips["access.refused"] == "203.0.113.9"
    assert not AuditEvent.objects.filter(ip=PROXY).exists()


def test_the_deployment_check_asks_for_the_trusted_proxy(settings: SettingsWrapper) -> None:
    from zhengxing.audit.apps import trusted_proxies_check

    settings.HTTPS = True
    settings.ZHENGXING_TRUSTED_PROXIES = []
    assert [m.id for m in trusted_proxies_check()] == ["zhengxing.W001"]
    settings.ZHENGXING_TRUSTED_PROXIES = envnetworks("ZHENGXING_UNSET_FOR_TEST", PROXY)
    assert trusted_proxies_check() == []
    settings.HTTPS, settings.ZHENGXING_TRUSTED_PROXIES = False, []  # make run: plain http
    assert trusted_proxies_check() == []
