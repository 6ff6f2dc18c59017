"""Races at the year's close (年终评定): an assessment racing the close either lands first and
is counted in the kept result, or comes after and is refused — never written and left out; two
closes at once keep one. On PostgreSQL these are true concurrent transactions (the units' chain
head locks decide)."""

from __future__ import annotations

import pytest

from zhengxing.core.errors import ServiceError
from zhengxing.targets.models import TargetChainHead, TargetEntry, TargetYearClose, TargetYearResult
from zhengxing.targets.selectors import target_chains_problems
from zhengxing.targets.services import target_deduction_record
from zhengxing.testing import Cast, race

from .conftest import D, as_
from .test_year_close import AFTER, CLOSED, close

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.mark.parametrize("attempt", range(4))
def test_a_deduction_racing_the_close_is_counted_or_refused(
    year_of_work: None, people: Cast, attempt: int
) -> None:
    closed, deduction = race(
        lambda: close(people),
        lambda: target_deduction_record(
            actor=as_(people.bob, AFTER), unit=people.village_a1, points=1, source="late",
            reason="迟报", year=2026,
        ),
    )  # fmt: skip
    assert isinstance(closed, TargetYearClose), closed
    kept = TargetYearResult.objects.get(unit=people.village_a1)
    head = TargetChainHead.objects.get(unit=people.village_a1)
    assert kept.head_seq == head.seq and kept.head_hash == head.hash
    if isinstance(deduction, TargetEntry):  # first: counted
        assert kept.total == D("27.9") and deduction.seq == head.seq
    else:  # after: refused, nothing written
        assert isinstance(deduction, ServiceError), deduction
        assert str(deduction) == f"{people.village_a1.name}2026年的目标考评{CLOSED}，不能再记录"
        assert kept.total == D("28.9")
        assert not TargetEntry.objects.filter(kind="deduction", text="迟报").exists()
    assert target_chains_problems(people.county.pk)[1] == []


def test_two_closes_at_once_keep_one(year_of_work: None, people: Cast) -> None:
    outcomes = race(lambda: close(people), lambda: close(people))
    assert sum(isinstance(o, TargetYearClose) for o in outcomes) == 1, outcomes
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1 and "不能重复评定" in str(refused[0])
    assert TargetYearResult.objects.filter(unit=people.village_a1).count() == 1
