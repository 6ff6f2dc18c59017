"""The star API beyond ratings: a plan drafted, submitted and reviewed; a member's self-chosen
stars; named stars assessed; the distribution per child organisation; the public plan and
board without a login. Bad input is a 400 with the service's Chinese message, out of scope a
404, not allowed a 403."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from zhengxing.stars.models import CriteriaAward, Rating, StarPlan
from zhengxing.testing import Cast, client_for

from .conftest import run


def put(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_a_plan_through_the_api(schemes: Cast) -> None:
    cast = schemes
    carol, bob = client_for(cast.carol), client_for(cast.bob)
    url = f"/api/v1/stars/orgs/{cast.branch_a1.pk}/plan?year=2026"
    assert carol.get(url).status_code == 404  # no plan yet
    bad = put(carol, url, {"duty_stars": ["duty-7"]})
    assert bad.status_code == 400 and "duty-7" in bad.json()["detail"]
    assert not StarPlan.objects.exists()
    stars = {"duty_stars": ["duty-1", "duty-2", "duty-4"], "self_stars": ["self-1", "self-3"]}
    made = put(carol, url, {**stars, "consultation": "党员大会"})
    assert made.status_code == 200
    assert made.json()["duty_stars"][0] == {"code": "duty-1", "name": "产业兴旺星"}
    submit = f"/api/v1/stars/orgs/{cast.branch_a1.pk}/plan/submit?year=2026"
    review = f"/api/v1/stars/orgs/{cast.branch_a1.pk}/plan/review?year=2026"
    assert post(carol, submit).status_code == 200
    assert post(carol, review, {"approve": True}).status_code == 403
    assert post(client_for(cast.dave), review, {"approve": True}).status_code == 404
    returned = post(bob, review, {"approve": False})
    assert returned.status_code == 400 and "理由" in returned.json()["detail"]
    done = post(bob, review, {"approve": True}).json()
    assert done["status"] == "approved" and done["public_url"].startswith("http://testserver/p/")

    erin = client_for(cast.erin)
    assert erin.get("/api/v1/stars/me/choices?year=2026").json()["stars"] == []
    chosen = put(erin, "/api/v1/stars/me/choices?year=2026", {"stars": ["self-1"]})
    assert chosen.json()["stars"] == [{"code": "self-1", "name": "诚实守信星"}]

    slug = StarPlan.objects.get().slug
    public = Client().get(f"/api/v1/stars/public/plans/{slug}").json()
    assert public["members"] == [
        {"name": "李二妮", "stars": [{"code": "self-1", "name": "诚实守信星"}]}
    ]
    assert Client().get("/api/v1/stars/public/plans/nope").status_code == 404


def test_named_stars_and_the_distribution_through_the_api(scored: Cast) -> None:
    run(scored)
    alice, carol = client_for(scored.alice), client_for(scored.carol)
    url = f"/api/v1/stars/members/{scored.member_a1.pk}/criteria?year=2026"
    got = put(carol, url, {"met": {"common-1": True, "common-2": False}})
    assert got.status_code == 200 and got.json()["changed"] == 2
    assert carol.get(url).json()["met"] == {"common-1": True, "common-2": False}
    assert put(carol, url, {"met": {"gold": True}}).status_code == 400
    assert put(client_for(scored.erin), url, {"met": {"common-1": False}}).status_code == 404
    assert CriteriaAward.objects.count() == 2
    org_url = f"/api/v1/stars/orgs/{scored.branch_a1.pk}/criteria?year=2026"
    assert put(carol, org_url, {"met": {"duty-1": True}}).status_code == 403  # the township's
    no_scheme = put(alice, org_url, {"met": {"duty-1": True}})
    assert no_scheme.status_code == 400 and "没有列出达标星" in no_scheme.json()["detail"]
    dist = alice.get(f"/api/v1/stars/orgs/{scored.root.pk}/distribution?year=2026").json()
    assert [d["org"]["id"] for d in dist] == [scored.town_a.pk, scored.town_b.pk]
    assert sum(sum(d["distribution"].values()) for d in dist) == 3

    board = f"/api/v1/stars/public/orgs/{scored.root.pk}/board?year=2026"
    assert Client().get(board).json()["periods"] == []  # nothing finalised
    Rating.objects.update(finalised_at="2026-12-31T10:00:00+08:00")
    [year] = Client().get(board).json()["periods"]
    names = {m["name"] for m in year["members"]}
    assert names == {"王甲", "李二妮", "赵乙"}
