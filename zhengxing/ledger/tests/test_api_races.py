"""Races through the API, as a phone and two reviewers make them: a double tap on submit is one
claim, two reviewers approving one claim at once make one entry. Each request runs in its own
thread with its own database connection, released together by a barrier (see test_races.py for
why in-memory SQLite cannot run these)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue
from zhengxing.ledger.services import claim_submit
from zhengxing.testing import Cast, client_for, race

from .conftest import NOW, as_, item, key

pytestmark = [
    pytest.mark.usefixtures("api_clock"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]
JSON = "application/json"


@pytest.fixture(autouse=True)
def _concurrent_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(name):
        pytest.skip("in-memory SQLite cannot hold two transactions at once; run on PostgreSQL")


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_tap_through_the_api_is_one_claim(
    cast: Cast, rules: RuleCatalogue, attempt: int
) -> None:
    phone = [client_for(cast.erin), client_for(cast.erin)]
    body = {
        "item_id": item(rules, "SMX-G02").pk,
        "occurred_on": "2026-06-10",
        "place": "村委会门前",
        "description": "清扫积雪",
    }

    answers = race(
        *(
            lambda c=c: c.post("/api/v1/points/claims", body, content_type=JSON,
                               HTTP_IDEMPOTENCY_KEY="tap")
            for c in phone
        )
    )  # fmt: skip

    assert {a.status_code for a in answers} <= {200, 201}, answers
    assert len({a.json()["id"] for a in answers}) == 1
    assert Claim.objects.count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_reviewers_approving_through_the_api_make_one_entry(
    cast: Cast, rules: RuleCatalogue, attempt: int
) -> None:
    claim = claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=item(rules, "SMX-G02"),
        occurred_on=NOW.date(),
        place="村委会",
        description="清扫积雪",
        idempotency_key=key(),
    )
    reviewers = [client_for(cast.carol), client_for(cast.cathy)]
    url = f"/api/v1/points/claims/{claim.pk}/review"

    answers = race(
        *(
            lambda c=c: c.post(url, {"decision": "approve"}, content_type=JSON)
            for c in reviewers
        )
    )  # fmt: skip

    assert sorted(a.status_code for a in answers) == [200, 400], answers
    refused = next(a for a in answers if a.status_code == 400)
    assert refused.json()["detail"] == "该申报已审核（已批准），不能重复审核"
    assert LedgerEntry.objects.filter(claim=claim).count() == 1
