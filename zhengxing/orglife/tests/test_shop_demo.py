"""The demo's points supermarkets, built on the cast's signed year: shelves stocked, members'
redemptions within their balances and the stock, every branch's shop chain intact."""

from __future__ import annotations

import pytest

from zhengxing.orglife.demo_shop import demo_shop
from zhengxing.orglife.models import ShopEntry, ShopItem
from zhengxing.orglife.selectors import shop_chain_problem
from zhengxing.orglife.selectors.shop import balance_of
from zhengxing.testing import Cast

pytestmark = pytest.mark.django_db


def test_the_demo_stocks_every_branch_and_spends_within_the_balances(signed_q2: Cast) -> None:
    result = demo_shop(signed_q2.county, seed=7)
    assert result.items == ShopItem.objects.count() > 0
    assert result.redemptions > 0, "the seed gives the cast no redemption: pick another"
    assert result.redemptions == ShopEntry.objects.filter(kind="redeem").count()
    assert {i.branch_id for i in ShopItem.objects.all()} == {
        signed_q2.branch_a1.pk, signed_q2.branch_b1.pk
    }  # fmt: skip
    for member in (signed_q2.erin_member, signed_q2.member_a1, signed_q2.member_b1):
        assert balance_of(member).spendable >= 0
    assert not ShopItem.objects.filter(stock__lt=0).exists()
    for branch in (signed_q2.branch_a1, signed_q2.branch_b1):
        assert shop_chain_problem(branch=branch) is None
