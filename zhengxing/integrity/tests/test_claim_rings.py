"""One recorder crediting the same set of members again and again (integrity/claims/rings.py;
003: "弄虚作假、评选过程不公正"). Branch A1B with thirty members; cathy registers activities for
several members at once (登记建账).
The rule's rates on synthetic recorders: test_claim_ring_rates.py."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from zhengxing.integrity.claims.rings import ALPHA, find_rings
from zhengxing.integrity.findings import Window
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.rules import ClaimSource
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast

from .planting import more_members, plant, window

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 5)


def year(cast: Cast) -> Window:
    return window(cast, dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def branch(cast: Cast, rules: RuleCatalogue) -> list[Member]:
    """Thirty members; cathy's ordinary year: the whole branch clearing snow three times, and
    forty volunteering days of three to six members each, chosen at random."""
    members = more_members(cast, 30)
    for n in range(3):
        plant(cast, rules, "SMX-G02", members, START + dt.timedelta(days=n))
    rng = random.Random(7)
    for n in range(40):
        group = rng.sample(members, rng.randint(3, 6))
        plant(cast, rules, "SMX-G06", group, START + dt.timedelta(days=10 + 4 * n))
    return members


def test_an_ordinary_year_raises_nothing(cast: Cast, branch: list[Member]) -> None:
    assert find_rings(year(cast)) == []


def test_three_members_credited_together_on_many_days_are_found(
    cast: Cast, rules: RuleCatalogue, branch: list[Member]
) -> None:
    ring = branch[3:6]
    ring_days = [dt.date(2026, 6, 1) + dt.timedelta(days=3 * n) for n in range(8)]
    for day in ring_days:
        plant(cast, rules, "SMX-G05", ring, day, description="帮扶困难群众")
    (finding,) = find_rings(year(cast))
    assert finding.kind == "claim_ring"
    assert finding.org_id == cast.branch_a1.pk
    ids = sorted(m.pk for m in ring)
    assert finding.subject == f"recorder:{cast.cathy.pk}/members:{','.join(map(str, ids))}"
    evidence = finding.evidence
    assert [m["id"] for m in evidence["members"]] == ids
    assert evidence["recorder"] == {"id": cast.cathy.pk, "name": "cathy"}
    assert {r["day"] for r in evidence["recordings"]} >= {d.isoformat() for d in ring_days}
    assert evidence["strongest"]["together"] >= 8
    assert evidence["strongest"]["chance"] < ALPHA
    assert all(m.name in finding.summary for m in ring)


def test_a_clique_of_five_is_one_finding(
    cast: Cast, rules: RuleCatalogue, branch: list[Member]
) -> None:
    clique = branch[2:7]
    for n in range(7):
        plant(cast, rules, "SMX-G05", clique, dt.date(2026, 6, 1) + dt.timedelta(days=5 * n))
    (finding,) = find_rings(year(cast))
    assert [m["id"] for m in finding.evidence["members"]] == sorted(m.pk for m in clique)


def test_the_same_group_on_too_few_days_or_by_different_hands_is_not_a_ring(
    cast: Cast, rules: RuleCatalogue, branch: list[Member]
) -> None:
    ring = branch[3:6]
    # four days by cathy, four by carol: neither recorder reaches five days
    for n in range(8):
        by = cast.cathy if n % 2 else cast.carol
        plant(cast, rules, "SMX-G05", ring, dt.date(2026, 6, 1) + dt.timedelta(days=3 * n), by=by)
    assert find_rings(year(cast)) == []


def test_points_from_organisation_lifes_own_records_are_not_a_recorders_choice(
    cast: Cast, rules: RuleCatalogue, branch: list[Member]
) -> None:
    for n in range(8):  # the same three come to eight meetings
        plant(cast, rules, "SMX-G06", branch[3:6], dt.date(2026, 6, 1) + dt.timedelta(days=3 * n),
              source=ClaimSource.LIFE, origin=("meeting", n + 1))  # fmt: skip
    assert find_rings(year(cast)) == []
