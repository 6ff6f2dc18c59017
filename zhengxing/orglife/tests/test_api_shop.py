"""The points supermarket through /api/v1/life/shop: the same services as the pages."""

from __future__ import annotations

import pytest

from zhengxing.orglife.models import ShopEntry, ShopItem
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/life/shop"


def post(client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json")


def test_stock_redeem_and_report_through_the_api(signed_q2: Cast, api_clock: list) -> None:
    carol, erin = client_for(signed_q2.carol), client_for(signed_q2.erin)
    branch = signed_q2.branch_a1.pk
    made = post(carol, f"{BASE}/branches/{branch}/items", {"name": "香皂", "price": 5, "stock": 2})
    assert made.status_code == 201, made.content
    item_id = made.json()["id"]
    assert made.json()["price"] == "5.0"
    assert erin.get(f"{BASE}/balance").json() == {
        "member_id": signed_q2.erin_member.pk, "earned": "21.0", "spent": "0.0", "spendable": "21.0"
    }  # fmt: skip
    shelf = erin.get(f"{BASE}/branches/{branch}/items")
    assert [i["name"] for i in shelf.json()] == ["香皂"]
    redeemed = post(erin, f"{BASE}/items/{item_id}/redeem", {"quantity": 2})
    assert redeemed.status_code == 201, redeemed.content
    assert (redeemed.json()["kind"], redeemed.json()["points"]) == ("redeem", "10.0")
    sold_out = post(erin, f"{BASE}/items/{item_id}/redeem", {})
    assert sold_out.status_code == 400
    assert sold_out.json() == {"detail": "“香皂”已兑完，不能兑换1件", "code": "conflict"}
    post(carol, f"{BASE}/items/{item_id}/restock", {"quantity": 5, "note": "捐赠"})
    at_counter = post(
        carol, f"{BASE}/items/{item_id}/redeem", {"member_id": signed_q2.member_a1.pk}
    )
    assert at_counter.json()["member_id"] == signed_q2.member_a1.pk
    report = client_for(signed_q2.bob).get(
        f"{BASE}/branches/{branch}/report", {"year": 2026, "month": 6}
    )
    body = report.json()
    assert (body["redeemed"], body["points"], body["chain_intact"]) == (3, "15.0", True)
    assert body["items"][0]["stock"] == 4


def test_out_of_scope_is_404_and_a_member_stocking_is_403(signed_q2: Cast, api_clock: list) -> None:
    branch = signed_q2.branch_a1.pk
    dave = client_for(signed_q2.dave)
    assert dave.get(f"{BASE}/branches/{branch}/items").status_code == 404
    refused = post(
        client_for(signed_q2.erin), f"{BASE}/branches/{branch}/items", {"name": "x", "price": 1}
    )
    assert refused.status_code == 404  # a member does not see the branch as an office does
    assert not ShopItem.objects.exists() and not ShopEntry.objects.exists()
    too_many = post(client_for(signed_q2.erin), f"{BASE}/items/1/redeem", {"quantity": 99})
    assert too_many.status_code == 422
