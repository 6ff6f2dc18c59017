"""Two branches of one county signing at the same moment: each quarter takes its own place in
the county's tree, one after the other (the county's `Log` row locked; at the county's first
sign-off, created by one of them while the other waits), and the tree holds. On PostgreSQL these
are true concurrent transactions."""

from __future__ import annotations

import dataclasses

import pytest

from zhengxing.integrity.checks import tree_problems
from zhengxing.integrity.models import Leaf, Log, TreeHead
from zhengxing.ledger.models import QuarterClose
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import quarter_sign_off
from zhengxing.ledger.tests.conftest import COUNTY, Q1, Q2, after, as_
from zhengxing.testing import Cast, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def both_sign(cast: Cast, quarter: Quarter) -> list[object]:
    county = dataclasses.replace(COUNTY, now=after(quarter))
    return race(
        lambda: quarter_sign_off(
            actor=as_(cast.carol, after(quarter)), branch=cast.branch_a1, quarter=quarter
        ),
        lambda: quarter_sign_off(actor=county, branch=cast.branch_b1, quarter=quarter),
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_branches_signing_at_once_take_two_places(cast: Cast, attempt: int) -> None:
    for quarter, places in ((Q1, [0, 1]), (Q2, [0, 1, 2, 3])):  # the county's first, then not
        outcomes = both_sign(cast, quarter)
        assert all(isinstance(o, QuarterClose) for o in outcomes), outcomes
        assert list(Leaf.objects.order_by("index").values_list("index", flat=True)) == places
        sizes = TreeHead.objects.order_by("size").values_list("size", flat=True)
        assert list(sizes) == [p + 1 for p in places]
    assert Log.objects.get().size == 4
    assert tree_problems(None) == (1, [])
