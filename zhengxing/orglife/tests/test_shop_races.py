"""Races at the points supermarket's counter, with real concurrency: two members tapping
"redeem" for the last item at once, and one member redeeming twice at once past their balance.
Each thread has its own connection; the branch's shop chain head, locked first, decides."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.tests.conftest import as_
from zhengxing.orglife.models import ShopEntry, ShopItem
from zhengxing.orglife.selectors import shop_balance, shop_chain_problem
from zhengxing.orglife.services import shop_item_create, shop_redeem
from zhengxing.testing import Cast, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _concurrent_database() -> None:
    """As the ledger's races: in-memory SQLite cannot hold two transactions at once."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(name):
        pytest.skip("in-memory SQLite cannot hold two transactions at once; run on PostgreSQL")


@pytest.mark.parametrize("attempt", range(3))
def test_two_members_racing_for_the_last_item_one_gets_it(signed_q2: Cast, attempt: int) -> None:
    last = shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="最后一袋米", price=5, stock=1
    )
    outcomes = race(
        lambda: shop_redeem(actor=as_(signed_q2.erin), item=last, member=signed_q2.erin_member),
        lambda: shop_redeem(actor=as_(signed_q2.cathy), item=last, member=signed_q2.member_a1),
    )
    got = [o for o in outcomes if isinstance(o, ShopEntry)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(got) == 1 and len(refused) == 1, outcomes
    assert str(refused[0]) == "“最后一袋米”已兑完，不能兑换1件" and refused[0].code == "conflict"
    assert ShopItem.objects.get(pk=last.pk).stock == 0
    assert ShopEntry.objects.filter(item=last, kind="redeem").count() == 1
    assert shop_chain_problem(branch=signed_q2.branch_a1) is None


@pytest.mark.parametrize("attempt", range(3))
def test_one_member_redeeming_twice_at_once_cannot_go_past_the_balance(
    signed_q2: Cast, attempt: int
) -> None:
    # erin has 21 points to spend: one of two 15-point redemptions fits
    kettle = shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="电水壶", price=15, stock=5
    )
    outcomes = race(
        lambda: shop_redeem(actor=as_(signed_q2.erin), item=kettle, member=signed_q2.erin_member),
        lambda: shop_redeem(actor=as_(signed_q2.erin), item=kettle, member=signed_q2.erin_member),
    )
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1, outcomes
    assert str(refused[0]) == "可用积分不足：兑换需要15.0分，你的可用积分为6.0分"
    assert shop_balance(user=signed_q2.erin, member=signed_q2.erin_member).spendable == Decimal(6)
    assert ShopItem.objects.get(pk=kettle.pk).stock == 4
