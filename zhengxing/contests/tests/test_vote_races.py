"""Votes that race, with real concurrency on PostgreSQL (each thread its own connection, a
barrier releasing them together): one code tapped on two phones for one entry at once counts
once, by the UNIQUE constraint on (code, entry, day), whatever the checks before it saw; eight
codes on one phone at once, a phone allowed three a day, count three, by the device's day row
raised only while below its limit; and every attempt of an address counted, none lost.

同步发动广大党员、群众开展“线上投票” (article 001)"""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from zhengxing.contests import services
from zhengxing.contests.models import Vote, VoteQuota
from zhengxing.contests.quotas import attempts_count
from zhengxing.core.errors import ServiceError
from zhengxing.testing import race

from .conftest import NOW, Arena, as_

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _concurrent_database() -> None:
    """As the ledger's races: only the in-memory SQLite cannot hold two transactions."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(name):
        pytest.skip("in-memory SQLite cannot hold two transactions at once; run on PostgreSQL")


@pytest.mark.parametrize("attempt", range(3))
def test_one_code_on_several_phones_at_once_counts_once(arena: Arena, attempt: int) -> None:
    def cast_vote(n: int) -> object:
        actor = dataclasses.replace(as_(None, NOW), ip=f"192.0.2.{n + 1}", anonymous=True)
        return services.vote_cast(
            actor=actor, contest=arena.contest, entry_ref=arena.a1.public_ref, code=arena.codes[0]
        )

    outcomes = race(*[(lambda n=n: cast_vote(n)) for n in range(6)])
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 5 and all(o.code == "duplicate" for o in refused), outcomes
    assert Vote.objects.filter(entry=arena.a1).count() == 1


def test_many_codes_at_once_all_count(arena: Arena) -> None:
    def cast_vote(n: int) -> object:
        actor = dataclasses.replace(as_(None, NOW), ip=f"192.0.2.{n + 1}", anonymous=True)
        return services.vote_cast(
            actor=actor, contest=arena.contest, entry_ref=arena.b1.public_ref, code=arena.codes[n]
        )

    outcomes = race(*[(lambda n=n: cast_vote(n)) for n in range(8)])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Vote.objects.filter(entry=arena.b1).count() == 8


def test_one_phone_voting_many_codes_at_once_keeps_its_daily_limit(arena: Arena) -> None:
    arena.contest.device_daily_limit = 3
    arena.contest.save()

    def cast_vote(n: int) -> object:
        actor = dataclasses.replace(as_(None, NOW), ip=f"192.0.2.{n + 1}", anonymous=True)
        return services.vote_cast(
            actor=actor,
            contest=arena.contest,
            entry_ref=arena.a1.public_ref,
            code=arena.codes[n],
            device="one-phone",
        )

    outcomes = race(*[(lambda n=n: cast_vote(n)) for n in range(8)])
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 5 and all(o.code == "throttled" for o in refused), outcomes
    assert Vote.objects.filter(device="one-phone").count() == 3
    assert VoteQuota.objects.get(kind="device", key="one-phone").n == 3


def test_attempts_from_one_address_at_once_are_all_counted(arena: Arena) -> None:
    def attempt(n: int) -> dict[str, int]:
        return attempts_count(
            county_id=arena.contest.county_id,
            contest_id=arena.contest.pk,
            address="192.0.2.9",
            code_key=f"code-{n}",
            minute=7,
        )

    outcomes = race(*[(lambda n=n: attempt(n)) for n in range(8)])
    assert sorted(o["address"] for o in outcomes) == list(range(1, 9)), outcomes
    assert VoteQuota.objects.get(kind="address", key="192.0.2.9").n == 8
