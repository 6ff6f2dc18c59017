"""Door-to-door campaigns through the API: the same services and scopes as the pages.

兴安盟: "结合当前疫情工作，我们开展了 敲门行动，每家每户有没有外来人口，我都要及时了解，及时汇报"。
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from zhengxing.grid.models import Campaign, Visit
from zhengxing.testing import Cast, client_for

from .conftest import Place


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def start(cast: Cast, place: Place) -> dict[str, Any]:
    today = timezone.localdate()
    body = {
        "org_id": cast.village_a1.pk,
        "purpose": "敲门行动：返乡人员登记",
        "starts_on": (today - dt.timedelta(days=1)).isoformat(),
        "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        "grid_ids": [place.g1.pk, place.g2.pk],
    }
    made = post(client_for(cast.bob), "/api/v1/grid/campaigns", body)
    assert made.status_code == 201, made.content
    return dict(made.json())


def test_a_campaign_its_visits_and_its_coverage_through_the_api(cast: Cast, place: Place) -> None:
    c = start(cast, place)
    gina = client_for(cast.gina)
    assert [x["id"] for x in gina.get("/api/v1/grid/campaigns").json()] == [c["id"]]
    url = f"/api/v1/grid/campaigns/{c['id']}"
    round_ = gina.get(f"{url}/grids/{place.g1.pk}/households").json()
    assert round_ == [
        {
            "id": place.home.pk,
            "grid_id": place.g1.pk,
            "address": "甲一村一组 8 号",
            "reached": False,
        }
    ]
    grandpa = place.home.residents.get()
    visit = post(
        gina,
        f"{url}/visits",
        {
            "household_id": place.home.pk,
            "outcome": "met",
            "leaving": [grandpa.pk],
            "arriving": [{"name": "李小明", "relation": "child"}],
        },
    )
    assert visit.status_code == 201, visit.content
    assert visit.json()["left"] == ["李大爷"] and visit.json()["living"] == 1
    cov = client_for(cast.bob).get(f"{url}/coverage").json()
    assert (cov["households"], cov["reached"], cov["percent"]) == (1, 1, 100)
    assert [(g["code"], g["reached"], g["households"]) for g in cov["grids"]] == [
        ("G1", 1, 1),
        ("G2", 0, 0),
    ]


def test_bad_input_is_a_400_in_chinese_and_out_of_scope_a_404(cast: Cast, place: Place) -> None:
    c = start(cast, place)
    gina = client_for(cast.gina)
    bad = post(
        gina,
        f"/api/v1/grid/campaigns/{c['id']}/visits",
        {
            "household_id": place.home.pk,
            "outcome": "absent",
            "arriving": [{"name": "王五", "relation": "other"}],
        },
    )
    assert bad.status_code == 400 and bad.json()["detail"] == "无人在家时不能登记人员变动"
    assert not Visit.objects.exists()
    dave = client_for(cast.dave)
    assert dave.get(f"/api/v1/grid/campaigns/{c['id']}/coverage").status_code == 404
    other = post(
        dave,
        "/api/v1/grid/campaigns",
        {
            "org_id": cast.town_b.pk,
            "purpose": "x",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-02",
            "grid_ids": [place.g1.pk],
        },
    )
    assert other.status_code == 404
    assert Campaign.objects.count() == 1
