"""The public over the API: anyone may report a member's conduct (群众反映) without logging in,
leaving a contact; the committee sees the contact and decides, the member reported never sees
the report, and the public learns nothing but a reference number.

Recall the cast (zhengxing/testing.py): cathy is a committee member of branch A1B; erin is a
member there (李二妮); 王甲 belongs to A1B. The API's clock stands at 30 June 2026 (Q2).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from zhengxing.audit import throttles
from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.testing import Cast, client_for

from .conftest import item, snapshot

pytestmark = pytest.mark.usefixtures("api_clock")

REPORTS = "/api/v1/points/public-reports"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_throttle(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The anonymous are throttled per address, in the cache (a database table): each test
    starts with none, and the count's minute stands still (mid-minute, never straddling two)."""
    cache.clear()
    monkeypatch.setattr(throttles, "_now", lambda: 1_800_000_030.0)


def report(cast: Cast, **overrides: Any) -> dict[str, Any]:
    """A villager reports that 王甲 dumped rubbish by the road."""
    return {
        "branch": cast.branch_a1.public_ref,
        "member_name": "王甲",
        "occurred_on": "2026-06-20",
        "place": "村东路口",
        "description": "在路边倾倒垃圾",
        "reporter_name": "张大爷",
        "reporter_contact": "13900000000",
        "idempotency_key": "report-1",
        **overrides,
    }


def test_the_public_reports_a_member_without_logging_in(cast: Cast) -> None:
    response = Client(enforce_csrf_checks=True).post(REPORTS, report(cast), content_type=JSON)

    assert response.status_code == 201, response.content
    claim = Claim.objects.get()
    assert response.json() == {
        "reference": claim.pk,
        "message": "已收到您的反映，支部委员会将核实处理",
    }
    assert (claim.member, claim.source, claim.status) == (cast.member_a1, "public", "pending")
    assert claim.reporter_contact == "13900000000"
    assert (claim.year, claim.quarter) == (2026, 2)


def test_a_report_sent_twice_is_one_report(cast: Cast) -> None:
    first = Client().post(REPORTS, report(cast), content_type=JSON)
    second = Client().post(REPORTS, report(cast), content_type=JSON)

    assert first.json()["reference"] == second.json()["reference"]
    assert Claim.objects.count() == 1


def test_a_report_without_a_contact_is_refused_and_nothing_is_written(cast: Cast) -> None:
    before = snapshot()
    body = report(cast)
    del body["reporter_contact"]

    missing = Client().post(REPORTS, body, content_type=JSON)
    empty = Client().post(REPORTS, report(cast, reporter_contact="  "), content_type=JSON)

    assert missing.status_code == 422
    assert empty.status_code == 400
    assert empty.json()["detail"] == "请填写联系方式（以便核实）"
    assert snapshot() == before


def test_a_report_naming_nobody_in_the_branch_is_refused(cast: Cast) -> None:
    response = Client().post(REPORTS, report(cast, member_name="赵乙"), content_type=JSON)

    assert response.status_code == 400
    assert response.json()["detail"] == "“中共甲一村支部委员会”没有名为“赵乙”的党员"
    assert not Claim.objects.exists()


def test_a_report_on_something_that_is_not_a_branch_is_404(cast: Cast) -> None:
    response = Client().post(
        REPORTS, report(cast, branch=cast.town_a.public_ref), content_type=JSON
    )

    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_too_many_reports_from_one_address_are_throttled(cast: Cast) -> None:
    client = Client()
    answers = [
        client.post(REPORTS, report(cast, idempotency_key=f"r{n}"), content_type=JSON).status_code
        for n in range(21)
    ]

    assert answers[:20] == [201] * 20
    assert answers[20] == 429


def test_the_committee_sees_the_contact_and_the_member_reported_sees_nothing(
    cast: Cast,
) -> None:
    Client().post(REPORTS, report(cast, member_name="李二妮"), content_type=JSON)
    claim = Claim.objects.get()

    committee = client_for(cast.cathy).get(f"/api/v1/points/claims/{claim.pk}")
    erin_detail = client_for(cast.erin).get(f"/api/v1/points/claims/{claim.pk}")
    erin_list = client_for(cast.erin).get("/api/v1/points/claims")

    assert committee.json()["reporter_contact"] == "13900000000"
    assert committee.json()["item"] is None
    assert erin_detail.status_code == 404
    assert erin_list.json()["count"] == 0


def test_the_committee_turns_a_public_report_into_a_deduction(
    cast: Cast, rules: RuleCatalogue
) -> None:
    Client().post(REPORTS, report(cast), content_type=JSON)
    claim = Claim.objects.get()
    body = {
        "member_id": cast.member_a1.pk,
        "item_id": item(rules, "SMX-K03").pk,  # 群众反映属实的不良言行, 2 to 20
        "reason": "经核实属实",
        "points": "3",
        "report_id": claim.pk,
        "idempotency_key": "decide-1",
    }

    response = client_for(cast.cathy).post("/api/v1/points/deductions", body, content_type=JSON)

    assert response.status_code == 201, response.content
    assert response.json()["points"] == "-3.0"
    assert response.json()["claim_id"] == claim.pk
    assert Claim.objects.get(pk=claim.pk).status == "approved"
