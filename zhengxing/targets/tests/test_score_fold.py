"""The county's scores in one grouped pass (`scores.score_rows`: the latest daily assessment as
the largest seq × 10,000 + tenths, the on-site average, the deductions' sum) against a plain
fold over the ledger's entries in seq order, for random ledgers: "采取日常考评和现场考评相结合的
方式，对目标完成情况进行评审" (004 Sanmenxia) — a later daily assessment replaces the earlier,
the on-site assessors' scores are averaged, deductions add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhengxing.orgs.models import Org
from zhengxing.targets.models import OnsiteVisit, Target, TargetCatalogue, TargetEntry
from zhengxing.targets.rules import EntryKind, target_score
from zhengxing.targets.scores import county_target_scores, score_rows
from zhengxing.testing import Cast

from .conftest import NOW

CODES = ("K1.1", "K2.1")
entry = st.one_of(
    st.tuples(st.just("daily"), st.integers(0, 1), st.sampled_from(CODES), st.integers(0, 200)),
    st.tuples(st.just("onsite"), st.integers(0, 1), st.sampled_from(CODES), st.integers(0, 200)),
    st.tuples(
        st.just("deduction"), st.integers(0, 1), st.sampled_from((*CODES, "")),
        st.integers(-100, -1),
    ),
)  # fmt: skip


def _write(people: Cast, catalogue: TargetCatalogue, ledger: list[tuple], first: int) -> None:
    units = (people.village_a1, people.town_a)
    targets = {t.code: t for t in Target.objects.filter(catalogue=catalogue)}
    visits = {
        u.pk: OnsiteVisit.objects.create(
            county=people.county, unit=u, catalogue=catalogue, year=2026,
            visited_on=dt.date(2026, 6, 1), led_by=people.alice, recorded_at=NOW,
            idempotency_key=f"v{u.pk}",
        )
        for u in units
    }  # fmt: skip
    seqs = {u.pk: first for u in units}
    rows = []

    def line(unit: Org, kind: str, code: str, **more: object) -> TargetEntry:
        seqs[unit.pk] += 1
        row = TargetEntry(
            county=people.county, unit=unit, target=targets.get(code), code=code, year=2026,
            kind=kind, recorded_at=NOW, seq=seqs[unit.pk], prev_hash="-", hash="-", **more,
        )  # fmt: skip
        rows.append(row)
        return row

    for kind, u, code, tenths in ledger:
        unit, points = units[u], Decimal(tenths) / 10
        if kind == "daily":
            submission = line(unit, EntryKind.PROGRESS, code, text="进展")
            submission.save()
            rows.pop()
            line(unit, kind, code, points=points, submission=submission)
        elif kind == "onsite":
            line(unit, kind, code, points=points, visit=visits[unit.pk])
        else:
            line(unit, kind, code, points=points, source="late", text="迟报")
    TargetEntry.objects.bulk_create(rows)


def _fold(people: Cast, ledger: list[tuple]) -> dict[tuple[int, str], dict]:
    """Per (unit, code), the entries in the order they were written."""
    units = (people.village_a1, people.town_a)
    out: dict[tuple[int, str], dict] = {}
    for kind, u, code, tenths in ledger:
        row = out.setdefault((units[u].pk, code), {"daily": None, "onsite": [], "deduction": 0})
        points = Decimal(tenths) / 10
        if kind == "daily":
            row["daily"] = points  # a later one replaces it
        elif kind == "onsite":
            row["onsite"].append(points)
        else:
            row["deduction"] += points
    return out


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ledger=st.lists(entry, max_size=40),
    first=st.sampled_from((0, 7, 10**6, 10**12)),  # the chains' seqs may be long
)
def test_the_grouped_scores_equal_a_fold_over_the_entries(
    targets: TargetCatalogue, people: Cast, ledger: list[tuple], first: int
) -> None:
    with transaction.atomic():
        _write(people, targets, ledger, first)
        expected = _fold(people, ledger)
        got = {(r["unit_id"], r["code"]): r for r in score_rows(people.county.pk, 2026)}
        assert set(got) == set(expected)
        for key, want in expected.items():
            row = got[key]
            assert row["daily"] == want["daily"], key
            average = sum(want["onsite"]) / len(want["onsite"]) if want["onsite"] else None
            if average is None:
                assert row["onsite"] is None
            else:
                assert abs(Decimal(str(row["onsite"])) - average) < Decimal("0.000001"), key
            assert Decimal(str(row["deduction"] or 0)) == want["deduction"], key
        # and the units' totals: each target's score from the fold, plus its own deductions
        scores = {u.unit_id: u for u in county_target_scores(county_id=people.county.pk, year=2026)}
        for unit in (people.village_a1, people.town_a):
            total = Decimal(0)
            for code, points in (("K1.1", 10), ("K2.1", 20)):
                fold = expected.get((unit.pk, code))
                if fold is None:
                    continue
                onsite = sum(fold["onsite"]) / len(fold["onsite"]) if fold["onsite"] else None
                total += target_score(
                    points=Decimal(points), onsite_weight=40, daily=fold["daily"], onsite=onsite,
                    deduction=fold["deduction"], measure="done" if code == "K1.1" else "judged",
                )  # fmt: skip
            total += expected.get((unit.pk, ""), {"deduction": 0})["deduction"]
            assert scores[unit.pk].total == total.quantize(Decimal("0.1")), unit.name
        transaction.set_rollback(True)
