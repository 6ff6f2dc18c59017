"""Improbable volumes against the branch's history (integrity/claims/volumes.py; 003:
"弄虚作假"). Branch A1B with ten members, each doing a little every quarter of the first half
of 2026 (their history); the third quarter is the window."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from zhengxing.integrity.claims.volumes import find_volumes
from zhengxing.integrity.findings import Window
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.rules import ClaimSource, Quarter
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast

from .planting import more_members, plant, window

pytestmark = pytest.mark.django_db
Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


def ordinary_quarter(
    cast: Cast, rules: RuleCatalogue, members: list[Member], quarter: Quarter, seed: int
) -> None:
    """Each member: one to three volunteering sessions (2 points each) on days of the quarter,
    some registered by cathy, some by carol (the branch's two recorders)."""
    rng = random.Random(seed)
    for member in members:
        for _ in range(rng.randint(1, 3)):
            day = quarter.first_day + dt.timedelta(days=rng.randint(0, 80))
            plant(cast, rules, "SMX-G06", [member], day, by=rng.choice([cast.cathy, cast.carol]))


@pytest.fixture
def history(cast: Cast, rules: RuleCatalogue) -> list[Member]:
    members = more_members(cast, 10)
    ordinary_quarter(cast, rules, members, Q1, seed=1)
    ordinary_quarter(cast, rules, members, Q2, seed=2)
    return members


def q3(cast: Cast) -> Window:
    return window(cast, Q3.first_day, Q3.last_day)


def test_an_ordinary_quarter_raises_nothing(
    cast: Cast, rules: RuleCatalogue, history: list[Member]
) -> None:
    ordinary_quarter(cast, rules, history, Q3, seed=3)
    assert find_volumes(q3(cast)) == []


def test_a_member_with_many_times_the_branchs_most_is_flagged(
    cast: Cast, rules: RuleCatalogue, history: list[Member]
) -> None:
    ordinary_quarter(cast, rules, history, Q3, seed=3)
    wang = cast.member_a1
    for n in range(12):
        plant(cast, rules, "SMX-G06", [wang], Q3.first_day + dt.timedelta(days=n),
              source=ClaimSource.SELF)  # fmt: skip
    (finding,) = [f for f in find_volumes(q3(cast)) if f.subject.startswith("member:")]
    assert finding.kind == "claim_volume"
    assert finding.subject == f"member:{wang.pk}/2026Q3"
    assert finding.org_id == cast.branch_a1.pk
    evidence = finding.evidence
    assert evidence["member"] == {"id": wang.pk, "name": "王甲"}
    assert evidence["quarter"] == "2026Q3"
    assert evidence["claims"] >= 13
    assert evidence["history"]["claims_max"] <= 3
    assert evidence["history"]["quarters"] == 2
    assert evidence["z_claims"] > evidence["z_cutoff"]
    assert "王甲" in finding.summary


def test_a_recorder_entering_many_times_the_branchs_most_is_flagged(
    cast: Cast, rules: RuleCatalogue, history: list[Member]
) -> None:
    ordinary_quarter(cast, rules, history, Q3, seed=3)
    for n in range(8):  # cathy enters eight more volunteering sessions for everyone
        plant(cast, rules, "SMX-G06", history, Q3.first_day + dt.timedelta(days=n))
    recorders = [f for f in find_volumes(q3(cast)) if f.subject.startswith("recorder:")]
    assert [f.subject for f in recorders] == [f"recorder:{cast.cathy.pk}/2026Q3"]
    assert recorders[0].evidence["recorder"] == {"id": cast.cathy.pk, "name": "cathy"}
    assert recorders[0].evidence["claims"] >= 80


def test_a_branch_without_enough_history_is_not_judged(cast: Cast, rules: RuleCatalogue) -> None:
    members = more_members(cast, 4)
    ordinary_quarter(cast, rules, members, Q2, seed=2)  # one quarter of four members: too little
    for n in range(30):
        plant(cast, rules, "SMX-G06", [cast.member_a1], Q3.first_day + dt.timedelta(days=n))
    assert find_volumes(q3(cast)) == []
