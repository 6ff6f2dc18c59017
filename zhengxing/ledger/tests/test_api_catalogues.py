"""Rule catalogues over the API: started from a preset, revised into new versions, and seen by
everyone they govern.

Recall the cast (zhengxing/testing.py): alice runs the county; bob township A, dave township B;
carol is secretary of branch A1B; erin is a member of A1B. The county runs the Sanmenxia rules
for 2026 (`rules`).
"""

from __future__ import annotations

from typing import Any

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.testing import Cast, client_for

CATALOGUES = "/api/v1/points/catalogues"
JSON = "application/json"


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(c["id"] for c in response.json()["items"])


def test_the_presets_from_the_articles_are_listed(cast: Cast) -> None:
    response = client_for(cast.carol).get("/api/v1/points/presets")

    assert response.status_code == 200
    presets = {p["key"]: p for p in response.json()}
    assert set(presets) == {"sanmenxia", "gaotai-341", "chifeng", "hundred-point"}
    snow = next(i for i in presets["sanmenxia"]["items"] if i["code"] == "SMX-G02")
    assert (snow["name"], snow["points"], snow["part"]) == ("清扫积雪（每次）", "1.0", "bonus")


def test_a_township_starts_its_own_rules_from_a_preset(cast: Cast) -> None:
    body = {"owner_id": cast.town_a.pk, "year": 2026, "preset": "gaotai-341"}

    response = client_for(cast.bob).post(CATALOGUES, body, content_type=JSON)

    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["version"], made["is_current"], made["preset"]) == (1, True, "gaotai-341")
    assert made["owner"]["id"] == cast.town_a.pk
    assert AuditEvent.objects.filter(action="ledger.catalogue.create").count() == 1


def test_an_unknown_preset_is_refused_in_chinese(cast: Cast) -> None:
    body = {"owner_id": cast.town_a.pk, "year": 2026, "preset": "nowhere"}

    response = client_for(cast.bob).post(CATALOGUES, body, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["detail"] == "没有名为“nowhere”的积分规则模板"
    assert not RuleCatalogue.objects.exists()


def test_a_secretary_may_read_but_not_set_the_rules_above_her(
    cast: Cast, rules: RuleCatalogue
) -> None:
    carol = client_for(cast.carol)

    listed = carol.get(f"{CATALOGUES}?year=2026")
    revised = carol.post(
        f"{CATALOGUES}/{rules.pk}/revise",
        {"items": [{"code": "X", "name": "x", "part": "bonus", "points": "1"}]},
        content_type=JSON,
    )

    assert ids(listed) == [rules.pk]
    assert revised.status_code == 403
    assert RuleCatalogue.objects.count() == 1


def test_a_member_reads_the_rules_that_govern_her_with_items_and_base_points(
    cast: Cast, rules: RuleCatalogue
) -> None:
    response = client_for(cast.erin).get(f"{CATALOGUES}/{rules.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["code"] for i in body["items"]][:3] == ["SMX-J01", "SMX-G01", "SMX-G02"]
    bases = {b["category"]: b["points"] for b in body["category_bases"]}
    assert bases["ordinary"] == "60.0"
    assert bases["elderly"] == "50.0"


def test_township_b_does_not_see_township_a_rules(cast: Cast) -> None:
    client_for(cast.bob).post(
        CATALOGUES,
        {"owner_id": cast.town_a.pk, "year": 2026, "preset": "sanmenxia"},
        content_type=JSON,
    )
    town_a_rules = RuleCatalogue.objects.get(owner=cast.town_a)
    dave = client_for(cast.dave)

    assert dave.get(f"{CATALOGUES}/{town_a_rules.pk}").status_code == 404
    assert ids(dave.get(CATALOGUES)) == []
    assert ids(dave.get(f"{CATALOGUES}?owner={cast.town_a.pk}")) == []


def test_a_secretary_filters_the_rules_by_the_county_that_set_them(
    cast: Cast, rules: RuleCatalogue
) -> None:
    listed = client_for(cast.carol).get(f"{CATALOGUES}?owner={cast.root.pk}&current=true")

    assert ids(listed) == [rules.pk]


def test_a_revision_is_a_new_version_and_the_old_one_stays(
    cast: Cast, rules: RuleCatalogue
) -> None:
    detail = client_for(cast.alice).get(f"{CATALOGUES}/{rules.pk}").json()
    items = [
        {k: v for k, v in i.items() if k not in {"id", "default_points"}}
        | {"points": "2" if i["code"] == "SMX-G02" else i["default_points"]}
        for i in detail["items"]
    ]
    for i in items:
        if i["code"] == "SMX-G02":
            i["min_points"] = i["max_points"] = "2"

    response = client_for(cast.alice).post(
        f"{CATALOGUES}/{rules.pk}/revise", {"items": items}, content_type=JSON
    )

    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    rules.refresh_from_db()
    assert not rules.is_current
    snow = RuleCatalogue.objects.get(pk=response.json()["id"]).items.get(code="SMX-G02")
    assert snow.default_points == 2
    assert rules.items.get(code="SMX-G02").default_points == 1


def test_a_revision_with_a_bad_item_is_refused_in_chinese(cast: Cast, rules: RuleCatalogue) -> None:
    bad = {"code": "K", "name": "乱扔垃圾", "part": "deduction", "points": "2"}

    response = client_for(cast.alice).post(
        f"{CATALOGUES}/{rules.pk}/revise", {"items": [bad]}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "“K 乱扔垃圾”是扣分项目，只能由支委会登记"
    assert RuleCatalogue.objects.count() == 1
