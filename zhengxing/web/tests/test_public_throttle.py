"""The public's forms (no login): the report about a member, the objection to a notice and a
household's ballot are throttled per real address, on the pages as through the API, with one
count per address for all of them (settings.ZHENGXING_PUBLIC_PER_MINUTE, 20). A burst from one
address is refused with 429 and a page in Chinese, in the site's layout; a forged
X-Forwarded-For opens no new count; behind the trusted proxy each client counts for itself.

Recall the cast (zhengxing/testing.py): carol is secretary of branch A1B, 王甲 a member there.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from zhengxing.audit import throttles
from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import Claim, Objection
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.selectors import member_public_ref
from zhengxing.ledger.services import catalogue_from_preset, quarter_sign_off
from zhengxing.ledger.tests.conftest import after, as_
from zhengxing.settings import envnetworks
from zhengxing.stars.tests.test_round_pages import _create
from zhengxing.testing import SYSTEM, Cast, client_for

LIMIT = 20
PROXY = "127.0.0.1"


@pytest.fixture(autouse=True)
def mid_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The count's windows stand still: mid-minute, so a test never straddles two."""
    monkeypatch.setattr(throttles, "_now", lambda: 1_800_000_030.0)


@pytest.fixture
def behind_proxy(settings: Settings) -> None:
    settings.ZHENGXING_TRUSTED_PROXIES = envnetworks("ZHENGXING_UNSET_FOR_TEST", PROXY)


def report_page(cast: Cast) -> tuple[str, Callable[[int], dict[str, object]]]:
    url = reverse("public:report", args=[cast.branch_a1.public_ref])
    member = member_public_ref(branch=cast.branch_a1, member_id=cast.member_a1.pk)

    def data(n: int) -> dict[str, object]:
        return {
            "member": member,
            "occurred_on": "2026-06-20",
            "description": f"第{n}次反映",
            "reporter_contact": "13900000000",
            "idempotency_key": f"flood-{n}",
        }

    return url, data


def test_a_burst_of_reports_from_one_address_is_refused_in_chinese(cast: Cast) -> None:
    url, data = report_page(cast)
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [client.post(url, data(n)).status_code for n in range(LIMIT + 5)]

    assert answers == [302] * LIMIT + [429] * 5
    assert Claim.objects.count() == LIMIT
    refused = client.post(url, data(99))
    html = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "提交过于频繁" in html and "分钟后再试" in html
    assert 'class="brand"' in html  # the site's layout
    throttled = AuditEvent.objects.filter(action="access.throttled")
    assert throttled.count() == 6 and {e.ip for e in throttled} == {"203.0.113.7"}
    # another address is not held up; reading the form is not counted
    assert Client(REMOTE_ADDR="203.0.113.8").post(url, data(100)).status_code == 302
    assert client.get(url).status_code == 200


def test_objections_to_a_notice_are_throttled(cast: Cast) -> None:
    catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )
    posting = quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    ).posting
    url = reverse("public:notice", args=[posting.slug])
    client = Client(REMOTE_ADDR="203.0.113.7")
    data = {"line": "", "text": "公示有误", "contact": "13912345678"}
    answers = [
        client.post(url, {**data, "idempotency_key": f"o{n}"}).status_code for n in range(LIMIT + 1)
    ]
    assert 429 not in answers[:LIMIT] and answers[LIMIT] == 429
    assert Objection.objects.count() <= LIMIT


def test_guessing_ballot_codes_is_throttled(cast: Cast) -> None:
    round_ = _create(client_for(cast.carol), "public", "群众评议")
    url = reverse("public_stars:vote", args=[round_.pk])
    client = Client(REMOTE_ADDR="203.0.113.7")
    scores = {f"s-{cast.member_a1.pk}-I1": "30", f"s-{cast.member_a1.pk}-I2": "50"}
    answers = [
        client.post(url, {**scores, "code": f"ABCDEFG{n:03d}"}).status_code
        for n in range(LIMIT + 1)
    ]
    assert answers == [400] * LIMIT + [429]  # 400: 评议码无效


def test_a_forged_forwarded_header_opens_no_new_count(cast: Cast) -> None:
    """The API: 40 reports, each with a different made-up X-Forwarded-For, from one address."""
    body = {
        "branch": cast.branch_a1.public_ref,
        "member_name": "王甲",
        "occurred_on": "2026-06-20",
        "description": "在路边倾倒垃圾",
        "reporter_contact": "13900000000",
    }
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [
        client.post(
            "/api/v1/points/public-reports",
            json.dumps({**body, "idempotency_key": f"r{n}"}),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.1",
        ).status_code
        for n in range(40)
    ]
    assert answers == [201] * LIMIT + [429] * 20
    assert (
        "提交过于频繁"
        in client.post(
            "/api/v1/points/public-reports", json.dumps(body), content_type="application/json"
        ).json()["detail"]
    )


def test_behind_the_proxy_each_client_counts_for_itself_on_pages_and_api_together(
    cast: Cast, behind_proxy: None
) -> None:
    url, data = report_page(cast)
    proxy = Client(REMOTE_ADDR=PROXY)
    for n in range(LIMIT // 2):
        assert proxy.post(url, data(n), HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302
    api = {
        "branch": cast.branch_a1.public_ref,
        "member_name": "王甲",
        "occurred_on": "2026-06-20",
        "description": "在路边倾倒垃圾",
        "reporter_contact": "13900000000",
    }
    for n in range(LIMIT // 2):
        sent = proxy.post(
            "/api/v1/points/public-reports",
            json.dumps({**api, "idempotency_key": f"api-{n}"}),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        assert sent.status_code == 201
    assert proxy.post(url, data(98), HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # the same proxy, another client behind it
    assert proxy.post(url, data(99), HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
