"""What the higher committee's supervision charges to a unit's annual score through
`orgs.annual_score` (filled by this app's `ready()`): a deduction citing the finding, and its
reversal — an entry of the chain each, never an edit; one reversal per deduction.

003 Gaotai: "要酌情扣去該黨支部本年度黨建責任書相應分數". The cast: conftest.py (bob, township A,
assesses 甲一村; dave, township B, does not)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengxing.core.errors import ServiceError
from zhengxing.orgs.annual_score import annual_score_deduct, annual_score_restore
from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.targets.scores import county_target_scores
from zhengxing.testing import Cast

from .conftest import as_, snapshot


def deduction(cast: Cast) -> Decimal:
    (unit,) = [
        u
        for u in county_target_scores(county_id=cast.county.pk, year=2026)
        if u.unit_id == cast.village_a1.pk
    ]
    return unit.deduction


def charge(cast: Cast, **change: object) -> str:
    args: dict[str, object] = {
        "actor": as_(cast.bob),
        "unit": cast.village_a1,
        "year": 2026,
        "points": Decimal(3),
        "category": "unpublished",
        "reason": "第二季度积分未及时张榜公布",
        "reference": "督查结论DC2026-TEST",
    } | change
    return annual_score_deduct(**args)  # type: ignore[arg-type]


def test_a_charge_is_a_deduction_citing_the_finding(people: Cast, targets: TargetCatalogue) -> None:
    ref = charge(people)
    entry = TargetEntry.objects.get(pk=int(ref))
    assert (entry.kind, entry.points, entry.source) == ("deduction", Decimal("-3.0"), "unpublished")
    assert entry.evidence == "督查结论DC2026-TEST" and entry.code == ""
    assert deduction(people) == Decimal("-3.0")


def test_a_reversal_gives_it_back_once(people: Cast, targets: TargetCatalogue) -> None:
    ref = charge(people)
    back = annual_score_restore(
        actor=as_(people.bob), unit=people.village_a1, entry_ref=ref, reason="撤回"
    )
    reversal = TargetEntry.objects.get(pk=int(back))
    assert (reversal.kind, reversal.points, reversal.submission_id) == (
        "reversal",
        Decimal("3.0"),
        int(ref),
    )
    assert deduction(people) == Decimal("0.0")
    before = snapshot()
    with pytest.raises(ServiceError, match="已经撤销过了"):
        annual_score_restore(
            actor=as_(people.bob), unit=people.village_a1, entry_ref=ref, reason="再撤"
        )
    assert snapshot() == before


def test_only_a_deduction_of_that_unit_is_reversed(people: Cast, targets: TargetCatalogue) -> None:
    ref = charge(people)
    with pytest.raises(ServiceError, match="找不到要撤销的扣分"):
        annual_score_restore(actor=as_(people.alice), unit=people.town_a, entry_ref=ref, reason="x")


def test_a_unit_without_a_catalogue_for_the_year_is_refused(
    people: Cast, targets: TargetCatalogue
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match="2027年没有已发布的目标清单"):
        charge(people, year=2027)
    assert snapshot() == before


def test_an_assessor_not_above_the_unit_is_refused(people: Cast, targets: TargetCatalogue) -> None:
    before = snapshot()
    with pytest.raises(ServiceError, match="不在你的考评范围内"):
        charge(people, actor=as_(people.dave))
    assert snapshot() == before
