"""Synthetic ledgers (`zhengxing synth --entries`): chains that verify, counted points that match
them, only ended quarters signed, the same ledgers for the same seed, nothing written twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger import selectors
from zhengxing.ledger.models import LedgerEntry, QuarterClose, QuarterPoints
from zhengxing.ledger.synth import ledger_synth
from zhengxing.orgs.models import County
from zhengxing.orgs.synth import county_synth

SYSTEM = Actor.system("test")
TODAY = dt.date(2026, 7, 1)  # 2025 and 2026 Q1-Q2 have ended: signed; Q3 begins: open


def county(code: str, seed: int = 5, n: int = 200) -> County:
    result = county_synth(actor=SYSTEM, members=n, seed=seed, today=TODAY, county_code=code)
    return County.objects.get(pk=result.county_id)


def ledgers(c: County, seed: int = 5) -> None:
    ledger_synth(actor=SYSTEM, county=c, years=[2025, 2026], per_member=8, seed=seed, today=TODAY)


def test_synthetic_ledgers_verify_and_count_what_their_entries_add_up_to(db: None) -> None:
    c = county("LSYN")
    ledgers(c)
    chains, problems = selectors.ledger_chain_problems(county_id=c.pk)
    assert chains > 0 and problems == []
    assert selectors.quarter_points_problems(county_id=c.pk) == []
    signed = set(QuarterClose.objects.filter(county=c).values_list("year", "quarter"))
    assert signed == {(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2)}
    entries = LedgerEntry.objects.filter(county=c)
    assert not entries.filter(year=2026, quarter=4).exists()  # not begun
    assert entries.filter(year=2025).count() > 200 * 4  # a long tail, but a full year
    counted = entries.filter(year=2025).aggregate(s=Sum("points"))["s"]
    assert QuarterPoints.objects.filter(county=c, year=2025).aggregate(s=Sum("total"))["s"] == (
        counted
    )


def test_the_same_seed_gives_the_same_ledgers(db: None) -> None:
    first, second = county("LA", seed=9), county("LB", seed=9)
    ledgers(first, seed=9)
    ledgers(second, seed=9)

    def shape(c: County) -> list[tuple]:
        return list(
            LedgerEntry.objects.filter(county=c)
            .order_by("branch__code", "seq")
            .values_list("branch__code", "seq", "member__name", "item__code", "points")
        )

    assert shape(first) == shape(second)


def test_a_county_with_a_ledger_is_refused(db: None) -> None:
    c = county("LTWICE", n=60)
    ledgers(c)
    before = LedgerEntry.objects.count()
    with pytest.raises(ServiceError, match="已有积分台账"):
        ledgers(c)
    assert LedgerEntry.objects.count() == before
