"""The grid API: the same services and scopes as the pages. Bad input is a 400 with the service's
Chinese message, out of scope a 404, not allowed a 403; the resident's operations need no login
and name the household and the need by their random references."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from zhengxing.grid.models import Household, Need
from zhengxing.testing import Cast, client_for

from .conftest import Place


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_grids_and_households_through_the_api(cast: Cast, place: Place) -> None:
    gina = client_for(cast.gina)
    grids = gina.get("/api/v1/grid/grids").json()
    assert [g["code"] for g in grids] == ["G1", "G2"]
    detail = gina.get(f"/api/v1/grid/grids/{place.g1.pk}").json()
    assert detail["people"][0] == {
        "duty": "head",
        "name": "张网格长",
        "phone_masked": "139******01",
    }
    assert gina.get(f"/api/v1/grid/grids/{place.h1.pk}").status_code == 404
    again = post(gina, f"/api/v1/grid/grids/{place.g2.pk}/households", {"address": "甲一村一组8号"})
    assert again.status_code == 400 and "一户只能在一个网格" in again.json()["detail"]
    made = post(gina, f"/api/v1/grid/grids/{place.g2.pk}/households", {"address": "二组9号"})
    assert made.status_code == 201
    hid = made.json()["id"]
    resident = post(
        gina,
        f"/api/v1/grid/households/{hid}/residents",
        {"name": "孙奶奶", "relation": "head", "phone": "13700001234"},
    )
    assert resident.status_code == 201 and resident.json()["phone_masked"] == "137******34"
    assert Household.objects.count() == 2


def test_a_need_raised_by_the_card_answered_and_rated_through_the_api(
    cast: Cast, place: Place
) -> None:
    public = Client()
    raised = post(
        public,
        f"/api/v1/grid/public/households/{place.home.public_ref}/needs",
        {"category": "living", "text": "需要代缴水费"},
    )
    assert raised.status_code == 201
    ref = raised.json()["ref"]
    need = Need.objects.get(ref=ref)
    gina = client_for(cast.gina)
    early = post(
        public, f"/api/v1/grid/public/needs/{ref}/rating", {"solved": True, "satisfied": True}
    )
    assert early.status_code == 400 and early.json()["detail"] == "网格员办结后才能评价"
    done = post(gina, f"/api/v1/grid/needs/{need.pk}/move", {"to": "done", "answer": "已代缴"})
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert (
        post(
            client_for(cast.dave), f"/api/v1/grid/needs/{need.pk}/move", {"to": "closed"}
        ).status_code
        == 404
    )
    wrong = post(
        public, "/api/v1/grid/public/needs/guessed/rating", {"solved": True, "satisfied": True}
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "not_found"
    rated = post(
        public, f"/api/v1/grid/public/needs/{ref}/rating", {"solved": True, "satisfied": False}
    )
    assert rated.status_code == 200 and rated.json()["state"] == "closed"
    unsatisfied = client_for(cast.bob).get("/api/v1/grid/needs?list=unsatisfied").json()
    assert [n["id"] for n in unsatisfied] == [need.pk]


def test_a_worker_records_a_need_and_bad_input_is_refused_in_chinese(
    cast: Cast, place: Place
) -> None:
    gina = client_for(cast.gina)
    url = f"/api/v1/grid/households/{place.home.pk}/needs"
    bad = post(gina, url, {"category": "bribe", "text": "x", "source": "phone"})
    assert bad.status_code == 400 and bad.json()["detail"] == "请选择需求类别"
    ok = post(gina, url, {"category": "health", "text": "量血压", "source": "visit"})
    assert ok.status_code == 201 and ok.json()["level"] == 0
    assert [n["id"] for n in gina.get("/api/v1/grid/needs").json()] == [ok.json()["id"]]
