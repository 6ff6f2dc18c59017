"""The board of chances to serve through /api/v1/life (004 Sanmenxia: "发布群众需求信息、组建
党员服务小分队、设立公益岗位、组织义务劳动"): the same services as the pages, errors as
{"detail", "code"}. Everyone acts on 30 June 2026."""

from __future__ import annotations

import pytest

from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.orglife.models import Chance, ChanceSignup
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db
JSON = "application/json"
LABOUR = {"kind": "labour", "title": "清理村口垃圾", "happens_on": "2026-06-30", "place": "村口",
          "slots": 1, "item_code": "SMX-G06"}  # fmt: skip


def post(client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type=JSON)


def test_post_sign_up_and_record_with_the_points_through_the_api(
    cast: Cast, rules: RuleCatalogue, api_clock: list
) -> None:
    cathy, erin = client_for(cast.cathy), client_for(cast.erin)
    board = f"/api/v1/life/branches/{cast.branch_a1.pk}/chances"
    made = post(cathy, board, LABOUR)
    assert made.status_code == 201, made.content
    assert (made.json()["item_code"], made.json()["recorded"]) == ("SMX-G06", False)
    url = f"/api/v1/life/chances/{made.json()['id']}"
    (listed,) = erin.get(board).json()  # a member sees her branch's board
    assert (listed["title"], listed["signed"]) == ("清理村口垃圾", 0)
    signed = post(erin, f"{url}/sign-up", {})
    assert signed.status_code == 201 and signed.json()["member"] == "李二妮"
    again = post(erin, f"{url}/sign-up", {})
    assert again.status_code == 400 and again.json() == {"detail": "你已报名", "code": "duplicate"}
    # a member may not record who came: the organiser does
    assert post(erin, f"{url}/record", {"member_ids": [cast.erin_member.pk]}).status_code == 403
    done = post(cathy, f"{url}/record", {"member_ids": [cast.erin_member.pk, cast.member_a1.pk]})
    assert done.status_code == 200, done.content
    assert done.json()["recorded"] is True
    assert {(s["member"], s["came"]) for s in done.json()["signups"]} == {
        ("李二妮", True), ("王甲", True)
    }  # fmt: skip
    assert LedgerEntry.objects.filter(item__code="SMX-G06").count() == 2
    assert erin.get(url).json()["signups"] == done.json()["signups"]


def test_bad_chances_are_refused_in_chinese_and_other_townships_see_nothing(
    cast: Cast, rules: RuleCatalogue, api_clock: list
) -> None:
    cathy, dave, erin = client_for(cast.cathy), client_for(cast.dave), client_for(cast.erin)
    board = f"/api/v1/life/branches/{cast.branch_a1.pk}/chances"
    past = post(cathy, board, {**LABOUR, "happens_on": "2026-06-01"})
    assert past.status_code == 400 and past.json()["detail"] == "日期不能早于今天"
    penalty = post(cathy, board, {**LABOUR, "item_code": "SMX-K01"})
    assert "不是本支部2026年积分规则中的加分项目" in penalty.json()["detail"]
    unknown = post(cathy, board, {**LABOUR, "item_code": "NOPE"})
    assert unknown.json()["detail"] == "“NOPE”不是本支部2026年积分规则中的项目"
    assert post(dave, board, LABOUR).status_code == 404
    assert post(erin, board, LABOUR).status_code == 404  # a member does not post
    assert dave.get(board).status_code == 404
    assert not Chance.objects.exists()
    made = post(cathy, board, {**LABOUR, "item_code": None}).json()
    url = f"/api/v1/life/chances/{made['id']}"
    assert dave.get(url).status_code == 404
    assert post(dave, f"{url}/sign-up", {}).status_code == 404
    nobody = post(cathy, f"{url}/record", {"member_ids": []})
    assert nobody.status_code == 400 and nobody.json()["detail"] == "请选择到场的党员"
    stranger = post(cathy, f"{url}/record", {"member_ids": [cast.member_b1.pk]})
    assert stranger.status_code == 400
    assert stranger.json()["detail"] == "有的党员不在你的管理范围内"
    assert not ChanceSignup.objects.exists() and not LedgerEntry.objects.exists()
