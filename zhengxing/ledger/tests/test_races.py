"""Races that really happen: two reviewers approving one claim at the same moment, a double tap
on submit, two forms appending to one branch's chain at once. Each thread has its own database
connection; a barrier releases them together. On PostgreSQL these are true concurrent
transactions (row locks decide); on SQLite the write lock serialises them (IMMEDIATE mode)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue
from zhengxing.ledger.selectors import ledger_chain_problems
from zhengxing.ledger.services import (
    claim_record_many,
    claim_review,
    claim_review_many,
    claim_submit,
)
from zhengxing.testing import Cast, add_member, race

from .conftest import as_, item, key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _concurrent_database() -> None:
    """Skip only where concurrent transactions cannot exist: Django's in-memory SQLite test
    database, whose shared cache fails a second writer at once ("database table is locked")
    instead of making it wait. A file-backed SQLite and PostgreSQL run these."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(name):
        pytest.skip("in-memory SQLite cannot hold two transactions at once; run on PostgreSQL")


@pytest.mark.parametrize("attempt", range(5))
def test_two_reviewers_approving_one_claim_at_once_make_one_entry(
    cast: Cast, rules: RuleCatalogue, attempt: int
) -> None:
    claim = claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=item(rules, "SMX-G03"),
        occurred_on=dt.date(2026, 6, 1),
        place="村委会",
        description="义务理发",
        idempotency_key=key(),
    )
    outcomes = race(
        lambda: claim_review(actor=as_(cast.carol), claim=claim, decision="approve"),
        lambda: claim_review(actor=as_(cast.cathy), claim=claim, decision="approve"),
    )
    approved = [o for o in outcomes if isinstance(o, Claim)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(approved) == 1 and len(refused) == 1, outcomes
    assert str(refused[0]) == "该申报已审核（已批准），不能重复审核"
    assert LedgerEntry.objects.filter(claim=claim).count() == 1
    assert ledger_chain_problems() == (1, [])


@pytest.mark.parametrize("attempt", range(5))
def test_a_double_tap_on_submit_makes_one_claim(
    cast: Cast, rules: RuleCatalogue, attempt: int
) -> None:
    same = key()

    def tap() -> Claim:
        return claim_submit(
            actor=as_(cast.erin),
            branch=cast.branch_a1,
            member=cast.erin_member,
            item=item(rules, "SMX-G02"),
            occurred_on=dt.date(2026, 6, 1),
            place="村口",
            description="清雪",
            idempotency_key=same,
        )

    first, second = race(tap, tap)
    assert isinstance(first, Claim) and isinstance(second, Claim), (first, second)
    assert first.pk == second.pk
    assert Claim.objects.filter(idempotency_key=same).count() == 1


def test_concurrent_appends_to_one_branch_keep_one_unbroken_chain(
    cast: Cast, rules: RuleCatalogue
) -> None:
    """Eight committee forms approved at once by eight threads: 8 × 5 entries, seq 1..40."""
    members = [add_member(cast.county, "A1B") for _ in range(5)]
    batches = [
        claim_record_many(
            actor=as_(cast.cathy),
            branch=cast.branch_a1,
            item=item(rules, "SMX-G02"),
            members=members,
            occurred_on=dt.date(2026, 6, 1 + i),
            place="村道",
            description="清雪",
            idempotency_key=key(),
        )
        for i in range(8)
    ]
    outcomes = race(
        *[
            (
                lambda b=b: claim_review_many(
                    actor=as_(cast.carol), branch=cast.branch_a1, claims=b, decision="approve"
                )
            )
            for b in batches
        ]
    )
    assert all(isinstance(o, list) for o in outcomes), outcomes
    seqs = list(LedgerEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 41))
    assert ledger_chain_problems() == (1, [])
