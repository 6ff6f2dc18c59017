"""Races through the API, as a phone and two reviewers make them: a double tap on submit is one
claim, two reviewers approving one claim at once make one entry. Each request runs in its own
thread with its own database connection, released together by a barrier (see test_races.py for
why in-memory SQLite cannot run these)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation
from django.test import Client

from zhengxing.audit.services import Actor
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue
from zhengxing.ledger.services import claim_submit
from zhengxing.testing import Cast

from .conftest import NOW, as_, item, key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
JSON = "application/json"


@pytest.fixture(autouse=True)
def _concurrent_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(name):
        pytest.skip("in-memory SQLite cannot hold two transactions at once; run on PostgreSQL")


@pytest.fixture(autouse=True)
def api_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests act at NOW, as the services' tests do (the real clock is not in 2026 Q2)."""
    real = Actor.from_request
    monkeypatch.setattr(
        Actor,
        "from_request",
        classmethod(lambda cls, request: dataclasses.replace(real(request), now=NOW)),
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, one thread each; their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as failed:
            results[i] = failed
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_tap_through_the_api_is_one_claim(
    cast: Cast, rules: RuleCatalogue, attempt: int
) -> None:
    phone = [signed_in(cast.erin), signed_in(cast.erin)]
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
    reviewers = [signed_in(cast.carol), signed_in(cast.cathy)]
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
