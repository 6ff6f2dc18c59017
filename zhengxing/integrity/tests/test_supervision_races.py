"""Two withdrawals of one supervision finding at the same moment (two township staff pressing
the button): one gives the points back, the other is refused, and the branch's ledger has one
reversal — the finding's row lock and the one-reversal-per-deduction constraint decide. True
concurrent transactions, so on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengxing.core.errors import ServiceError
from zhengxing.integrity.models import SupervisionFinding
from zhengxing.integrity.supervision import supervision_record, supervision_withdraw
from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.testing import Cast, race

from .test_supervision import FACTS, act, catalogue, score

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
__all__ = ["catalogue"]  # the fixture, used by name


@pytest.mark.parametrize("attempt", range(3))
def test_two_withdrawals_at_once_give_the_points_back_once(
    cast: Cast, catalogue: TargetCatalogue, attempt: int
) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS, points=4
    )
    outcomes = race(
        lambda: supervision_withdraw(actor=act(cast.bob), finding=finding, reason="复核后不属实"),
        lambda: supervision_withdraw(actor=act(cast.alice), finding=finding, reason="申诉成立"),
    )
    assert sum(isinstance(o, SupervisionFinding) for o in outcomes) == 1, outcomes
    (refused,) = [o for o in outcomes if isinstance(o, ServiceError)]
    assert refused.code == "conflict"
    assert TargetEntry.objects.filter(kind="reversal").count() == 1
    assert SupervisionFinding.objects.get().status == "withdrawn"
    assert score(cast) == (Decimal("18.0"), Decimal("0.0"))
