"""The points supermarket (000 Bayannur: "创新性开展'支部开超市、党员攒积分'活动，与党员星级化管理
同步推进"): points earned are spent at the branch's shop, alongside the star rating, never
lowering it.

The cast's year (ledger/tests/conftest): with Q1 and Q2 signed, 李二妮 (erin) has counted bonus
points 1 (snow) + 20 (haircuts) = 21 to spend, and a deduction of 5 that does not touch them;
王甲 has 1 + 5 + 1 = 7."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import LedgerEntry
from zhengxing.ledger.selectors import member_year_totals
from zhengxing.ledger.tests.conftest import as_
from zhengxing.orglife.models import ShopEntry, ShopItem, ShopKind
from zhengxing.orglife.selectors import (
    shop_balance,
    shop_chain_problem,
    shop_items,
    shop_month_report,
)
from zhengxing.orglife.services import (
    shop_item_create,
    shop_item_restock,
    shop_item_shelve,
    shop_redeem,
)
from zhengxing.orglife.shop_rules import redemption_problem
from zhengxing.testing import Cast

pytestmark = pytest.mark.django_db


def D(value: str | int) -> Decimal:
    return Decimal(value)


@pytest.fixture
def soap(signed_q2: Cast) -> ShopItem:
    """The branch's shelf: soap at 5 points, 3 in stock."""
    return shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="香皂", price="5", stock=3
    )


def written() -> tuple[int, int, int]:
    return ShopEntry.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count()


def test_a_members_spendable_balance_is_their_counted_bonus_points(signed_q2: Cast) -> None:
    erin = shop_balance(user=signed_q2.erin, member=signed_q2.erin_member)
    wang = shop_balance(user=signed_q2.carol, member=signed_q2.member_a1)
    assert (erin.earned, erin.spent, erin.spendable) == (D(21), D(0), D(21))
    assert wang.spendable == D(7)


def test_points_of_an_unsigned_quarter_are_not_yet_spendable(ledger: Cast) -> None:
    # Q2 (haircuts +20) is not signed: only Q1's snow counts
    assert shop_balance(user=ledger.erin, member=ledger.erin_member).spendable == D(1)


def test_redeeming_spends_the_balance_and_the_stock_but_never_the_rating_points(
    signed_q2: Cast, soap: ShopItem
) -> None:
    before = member_year_totals(user=signed_q2.carol, member=signed_q2.erin_member, year=2026)
    entry = shop_redeem(
        actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member, quantity=2
    )
    assert (entry.kind, entry.quantity, entry.points) == (ShopKind.REDEEM, 2, D(10))
    soap.refresh_from_db()
    assert soap.stock == 1
    assert shop_balance(user=signed_q2.erin, member=signed_q2.erin_member).spendable == D(11)
    after = member_year_totals(user=signed_q2.carol, member=signed_q2.erin_member, year=2026)
    assert after == before
    assert AuditEvent.objects.filter(action="orglife.shop.redeem", object_id=str(entry.pk)).exists()


def test_the_committee_records_a_redemption_at_the_counter(signed_q2: Cast, soap: ShopItem) -> None:
    entry = shop_redeem(actor=as_(signed_q2.cathy), item=soap, member=signed_q2.member_a1)
    assert entry.member_id == signed_q2.member_a1.pk and entry.recorded_by_id == signed_q2.cathy.pk


def test_a_redemption_past_the_balance_is_refused_in_chinese_and_writes_nothing(
    signed_q2: Cast,
) -> None:
    tv = shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="电饭煲", price="30", stock=2
    )
    before = written()
    with pytest.raises(ServiceError, match=r"可用积分不足：兑换需要30\.0分，你的可用积分为21\.0分"):
        shop_redeem(actor=as_(signed_q2.erin), item=tv, member=signed_q2.erin_member)
    assert written() == before


def test_a_redemption_past_the_stock_is_refused(signed_q2: Cast, soap: ShopItem) -> None:
    before = written()
    with pytest.raises(ServiceError, match="“香皂”只剩3件，不能兑换4件") as refused:
        shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member, quantity=4)
    assert written() == before
    assert refused.value.code == "conflict"
    shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member, quantity=3)
    with pytest.raises(ServiceError, match="“香皂”已兑完"):
        shop_redeem(actor=as_(signed_q2.cathy), item=soap, member=signed_q2.member_a1)
    assert ShopItem.objects.get(pk=soap.pk).stock == 0


def test_off_the_shelf_another_branch_or_a_stranger_is_refused(
    signed_q2: Cast, soap: ShopItem
) -> None:
    with pytest.raises(PermissionDenied):  # erin redeeming for someone else
        shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.member_a1)
    with pytest.raises(ServiceError, match="“赵乙”不是“中共甲一村支部委员会”的党员"):
        shop_redeem(actor=as_(signed_q2.alice), item=soap, member=signed_q2.member_b1)
    shop_item_shelve(actor=as_(signed_q2.carol), item=soap, active=False)
    with pytest.raises(ServiceError, match="“香皂”已下架"):
        shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member)


def test_only_the_branch_committee_and_above_stock_the_shelf(signed_q2: Cast) -> None:
    with pytest.raises(PermissionDenied):
        shop_item_create(
            actor=as_(signed_q2.erin), branch=signed_q2.branch_a1, name="毛巾", price=2
        )
    with pytest.raises(PermissionDenied):
        shop_item_create(
            actor=as_(signed_q2.dave), branch=signed_q2.branch_a1, name="毛巾", price=2
        )
    with pytest.raises(ServiceError, match="不是党支部"):
        shop_item_create(actor=as_(signed_q2.bob), branch=signed_q2.town_a, name="毛巾", price=2)


@pytest.mark.parametrize(
    ("price", "message"),
    [("0", "价格须在0.1到10000.0分之间"), ("abc", "价格须是积分数"), ("-3", "价格须在0.1")],
)
def test_a_bad_price_is_refused(signed_q2: Cast, price: str, message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        shop_item_create(
            actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="毛巾", price=price
        )


def test_one_name_once_per_branch(signed_q2: Cast, soap: ShopItem) -> None:
    with pytest.raises(ServiceError, match="本支部超市已有“香皂”") as refused:
        shop_item_create(
            actor=as_(signed_q2.cathy), branch=signed_q2.branch_a1, name="香皂", price=1
        )
    assert refused.value.code == "duplicate"


def test_the_shops_ledger_is_a_hash_chain_that_catches_an_edit(
    signed_q2: Cast, soap: ShopItem
) -> None:
    shop_item_restock(actor=as_(signed_q2.cathy), item=soap, quantity=10, note="镇里捐赠")
    shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member)
    entries = list(ShopEntry.objects.filter(branch=signed_q2.branch_a1).order_by("seq"))
    assert [(e.seq, e.kind, e.quantity) for e in entries] == [
        (1, "restock", 3), (2, "restock", 10), (3, "redeem", 1)
    ]  # fmt: skip
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert shop_chain_problem(branch=signed_q2.branch_a1) is None
    # a redemption's points lowered behind the application's back (the queryset refuses
    # updates; an intruder goes round it in SQL)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orglife_shopentry SET points = 1 WHERE seq = 3")
    problem = shop_chain_problem(branch=signed_q2.branch_a1)
    assert problem is not None and (problem.seq, problem.kind) == (3, "edited")


def test_the_shops_ledger_is_append_only(signed_q2: Cast, soap: ShopItem) -> None:
    with pytest.raises(TypeError):
        ShopEntry.objects.all().delete()
    with pytest.raises(TypeError):
        ShopEntry.objects.all().update(points=1)


def test_the_members_page_lists_only_what_is_on_the_shelf(signed_q2: Cast, soap: ShopItem) -> None:
    towel = shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="毛巾", price=2
    )
    shop_item_shelve(actor=as_(signed_q2.carol), item=towel, active=False)
    assert list(
        shop_items(user=signed_q2.erin, branch=signed_q2.branch_a1, on_shelf_only=True)
    ) == [soap]
    assert len(shop_items(user=signed_q2.carol, branch=signed_q2.branch_a1)) == 2


def test_the_monthly_report_counts_what_went_out_and_came_in(
    signed_q2: Cast, soap: ShopItem
) -> None:
    shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member, quantity=2)
    shop_redeem(actor=as_(signed_q2.cathy), item=soap, member=signed_q2.member_a1)
    report = shop_month_report(user=signed_q2.bob, branch=signed_q2.branch_a1, year=2026, month=6)
    (row,) = report.items
    assert (row["name"], row["out"], row["came"], row["spent"], row["stock"]) == (
        "香皂",
        3,
        3,
        D(15),
        0,
    )
    assert [(m["member__name"], m["quantity"], m["spent"]) for m in report.members] == [
        ("李二妮", 2, D(10)), ("王甲", 1, D(5))
    ]  # fmt: skip
    assert (report.redeemed, report.points, report.chain_problem) == (3, D(15), None)
    july = shop_month_report(user=signed_q2.bob, branch=signed_q2.branch_a1, year=2026, month=7)
    assert july.items[0]["out"] == 0 and july.members == [] and july.entries == []


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({}, None),
        ({"on_shelf": False}, "“茶”已下架，不能兑换"),
        ({"quantity": 0}, "兑换数量须在1到20之间"),
        ({"quantity": 21}, "兑换数量须在1到20之间"),
        ({"stock": 0}, "“茶”已兑完，不能兑换1件"),
        ({"spendable": D("4.5")}, "可用积分不足：兑换需要5.0分，你的可用积分为4.5分"),
        ({"spendable": D(5)}, None),
    ],
)
def test_redemption_rules(kwargs: dict, problem: str | None) -> None:
    args = {
        "name": "茶",
        "price": D(5),
        "quantity": 1,
        "stock": 2,
        "spendable": D(9),
        "on_shelf": True,
    }
    assert redemption_problem(**(args | kwargs)) == problem
