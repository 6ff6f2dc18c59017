"""`zhengxing verify-ledger` walks the points supermarket's chain beside the points' ("支部开超市、
党员攒积分", 000 Bayannur: the shop's ledger hash-chained like the points) and names a tampered
row the same way, exiting 1."""

from __future__ import annotations

import pytest

from zhengxing.ledger.tests.conftest import as_
from zhengxing.orglife.models import ShopEntry, ShopItem
from zhengxing.orglife.selectors.shop import shop_chains_problems
from zhengxing.orglife.services import shop_item_create, shop_item_restock, shop_redeem
from zhengxing.testing import Cast
from zhengxing.testing import run_sql as sql
from zhengxing.testing import verify_ledger as verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(signed_q2: Cast) -> ShopItem:
    """A1B's shop: soap stocked twice and one bar redeemed by 李二妮 (three entries)."""
    soap = shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="香皂", price="5", stock=3
    )
    shop_item_restock(actor=as_(signed_q2.cathy), item=soap, quantity=10, note="镇里捐赠")
    shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member)
    return soap


def test_an_untouched_shop_verifies(shop: ShopItem) -> None:
    code, out, err = verify()
    assert (code, err) == (0, "")
    assert "积分超市台账校验通过：1条链完整" in out


def test_a_redemption_edited_behind_the_applications_back_is_named(
    signed_q2: Cast, shop: ShopItem
) -> None:
    redeemed = ShopEntry.objects.get(branch=signed_q2.branch_a1, seq=3)
    sql(f"UPDATE {ShopEntry._meta.db_table} SET points = 1 WHERE id = %s", [redeemed.pk])
    code, _, err = verify()
    assert code == 1
    assert (
        f"积分超市：中共甲一村支部委员会（id {signed_q2.branch_a1.pk}）[edited] "
        f"第3号记录（id {redeemed.pk}）的内容与其哈希不符"
    ) in err
    assert "积分超市1条链中有1条被改动" in err
    # --county: the county's chains only (the tampered one is in T1)
    assert verify("--county", "T1")[0] == 1


def test_a_deleted_last_row_is_caught_by_the_head(signed_q2: Cast, shop: ShopItem) -> None:
    last = ShopEntry.objects.get(branch=signed_q2.branch_a1, seq=3)
    sql(f"DELETE FROM {ShopEntry._meta.db_table} WHERE id = %s", [last.pk])
    code, _, err = verify()
    assert code == 1 and "积分超市：中共甲一村支部委员会" in err
    chains, [problem] = shop_chains_problems(None)
    assert chains == 1 and problem.branch_id == signed_q2.branch_a1.pk
