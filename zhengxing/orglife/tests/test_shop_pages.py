"""The points supermarket's pages: the member redeems on a phone behind a second look, the
committee stocks the shelf and records at the counter, the township reads the monthly report
and its Excel; each role reaches them from the home page."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.ledger.tests.conftest import as_
from zhengxing.orglife.models import ShopEntry, ShopItem
from zhengxing.orglife.services import shop_item_create, shop_redeem
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def soap(signed_q2: Cast, on_30_june: None) -> ShopItem:
    return shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="香皂", price="5", stock=3
    )


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_the_home_page_links_each_role_to_the_shop(signed_q2: Cast) -> None:
    member_home = client_for(signed_q2.erin).get("/").content.decode()
    assert reverse("orglife:shop") in member_home
    for user in (signed_q2.carol, signed_q2.bob):
        home = client_for(user).get("/").content.decode()
        assert reverse("orglife:shop_branches") in home


def test_the_member_sees_balance_shelf_and_redeems_after_confirming(
    signed_q2: Cast, soap: ShopItem
) -> None:
    client = client_for(signed_q2.erin)
    page = client.get(reverse("orglife:shop"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "香皂" in body and ">21<" in body and 'id="confirm-redeem-' in body
    unconfirmed = client.post(
        reverse("orglife:shop"), {"item": soap.pk, "quantity": 2}, follow=True
    )
    assert "请先确认：此操作不能撤销" in messages_of(unconfirmed)
    assert not ShopEntry.objects.filter(kind="redeem").exists()
    done = client.post(
        reverse("orglife:shop"), {"item": soap.pk, "quantity": 2, "confirm": "yes"}, follow=True
    )
    (entry,) = ShopEntry.objects.filter(kind="redeem")
    assert entry.member_id == signed_q2.erin_member.pk and entry.points == Decimal(10)
    assert "香皂 × 2" in done.content.decode()  # the receipt
    assert ">11<" in done.content.decode()  # what is left to spend


def test_the_member_is_told_in_chinese_when_the_balance_is_short(signed_q2: Cast) -> None:
    tv = shop_item_create(
        actor=as_(signed_q2.carol), branch=signed_q2.branch_a1, name="电饭煲", price=30, stock=1
    )
    done = client_for(signed_q2.erin).post(
        reverse("orglife:shop"), {"item": tv.pk, "quantity": 1, "confirm": "yes"}, follow=True
    )
    assert messages_of(done) == ["可用积分不足：兑换需要30.0分，你的可用积分为21.0分"]
    assert not ShopEntry.objects.filter(kind="redeem").exists()


def test_a_member_cannot_redeem_from_another_branchs_shop(signed_q2: Cast) -> None:
    other = shop_item_create(
        actor=as_(signed_q2.alice), branch=signed_q2.branch_b1, name="毛巾", price=1, stock=1
    )
    response = client_for(signed_q2.erin).post(
        reverse("orglife:shop"), {"item": other.pk, "quantity": 1, "confirm": "yes"}
    )
    assert response.status_code == 404


def test_a_login_that_is_no_member_gets_no_shop(signed_q2: Cast) -> None:
    assert client_for(signed_q2.bob).get(reverse("orglife:shop")).status_code == 404


def test_the_committee_stocks_restocks_and_records_at_the_counter(
    signed_q2: Cast, soap: ShopItem
) -> None:
    client = client_for(signed_q2.cathy)
    url = reverse("orglife:shop_manage", args=[signed_q2.branch_a1.pk])
    assert client.get(reverse("orglife:shop_branches")).status_code == 200
    assert "香皂" in client.get(url).content.decode()
    client.post(url, {"action": "create", "name": "毛巾", "price": "2.5", "stock": 4})
    towel = ShopItem.objects.get(name="毛巾")
    assert (towel.price, towel.stock) == (Decimal("2.5"), 4)
    client.post(url, {"action": "restock", "item": towel.pk, "quantity": 6, "note": "捐赠"})
    client.post(url, {"action": "shelve", "item": soap.pk})
    done = client.post(
        url,
        {"action": "redeem", "member": signed_q2.member_a1.pk, "item": towel.pk, "quantity": 2},
        follow=True,
    )
    assert any(m.startswith("王甲：") for m in messages_of(done))
    towel.refresh_from_db()
    soap.refresh_from_db()
    assert (towel.stock, soap.active) == (8, False)


def test_the_shelf_of_another_township_is_not_found(signed_q2: Cast) -> None:
    url = reverse("orglife:shop_manage", args=[signed_q2.branch_a1.pk])
    assert client_for(signed_q2.dave).get(url).status_code == 404
    assert client_for(signed_q2.erin).get(url).status_code == 404


def test_the_township_reads_the_monthly_report_and_its_excel(
    signed_q2: Cast, soap: ShopItem
) -> None:
    shop_redeem(actor=as_(signed_q2.erin), item=soap, member=signed_q2.erin_member, quantity=2)
    client = client_for(signed_q2.bob)
    url = reverse("orglife:shop_report", args=[signed_q2.branch_a1.pk])
    page = client.get(url, {"month": "2026-06"})
    body = page.content.decode()
    assert page.status_code == 200 and "李二妮" in body and "香皂" in body
    assert "?month=2026-05" in body and "?month=2026-07" in body
    xlsx = client.get(
        reverse("orglife:shop_report_xlsx", args=[signed_q2.branch_a1.pk]), {"month": "2026-06"}
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["物品", "党员", "流水"]
    items = [row for row in wb["物品"].iter_rows(min_row=3, values_only=True)]
    assert items[0][:3] == ("香皂", 5, 2) and items[-1][0] == "合计"
    members = [row for row in wb["党员"].iter_rows(min_row=3, values_only=True)]
    assert members == [("李二妮", 1, 2, 10)]
    assert client_for(signed_q2.dave).get(url).status_code == 404
