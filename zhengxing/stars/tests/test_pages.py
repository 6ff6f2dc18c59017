"""The star pages: a member's stars explained (components, weights, sources, the band, what
the next star needs), a board with the distribution, finalising (with a fresh password), and
the follow-up tasks; out of scope is a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhengxing.stars.models import Consequence, Rating
from zhengxing.testing import Cast, client_for

from .conftest import run


@pytest.fixture
def rated(scored: Cast) -> Cast:
    run(scored)
    return scored


def test_a_member_sees_why_she_has_her_stars(rated: Cast) -> None:
    page = client_for(rated.carol).get(reverse("stars:member_stars", args=[rated.member_a1.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    rating = Rating.objects.get(member=rated.member_a1)
    assert f"{rating.stars} ★" in html and str(rating.score) in html
    for text in ("年度积分", "党员评议", "群众评议", "60", "张群众评议票", "条积分记录"):
        assert text in html, text
    # in words a member reads: the period "年度", not "Y"; where each part comes from "依据",
    # not the login history's "IP 地址" (the same English word "From")
    assert f"{rating.year}年度" in html and 'data-label="依据"' in html
    assert f"{rating.year} Y" not in html and "IP 地址" not in html


def test_a_member_without_peer_ballots_sees_what_is_missing_not_a_low_star(rated: Cast) -> None:
    """Issue 15: a missing evaluation never counts as 0; the page says which one is missing."""
    page = client_for(rated.erin).get(reverse("stars:my_stars"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "评定不完整" in html and "缺少" in html and "党员评议" in html
    assert "0 ★" not in html
    assert "72.8" in html  # her public evaluation, an average


def test_the_branch_sets_its_members_stars_moving_one_with_a_reason(rated: Cast) -> None:
    carol = client_for(rated.carol)
    url = reverse("stars:board", args=[rated.branch_a1.pk])
    page = carol.get(url, {"year": "2026"})
    assert page.status_code == 200
    assert sum(n for _, n, _ in page.context["counts"]) == 2 and page.context["may_finalise"]
    wang = Rating.objects.get(member=rated.member_a1)
    assert f'name="stars_{wang.pk}"' in page.content.decode()
    assert not client_for(rated.bob).get(url, {"year": "2026"}).context["may_finalise"]
    done = carol.post(
        f"{url}finalise/?year=2026&period=Y",
        {f"stars_{wang.pk}": str(wang.stars + 1), f"reason_{wang.pk}": "带头调解土地纠纷"},
    )
    assert done.status_code == 302  # not confirmed: refused, nothing finalised
    assert not Rating.objects.filter(finalised_at__isnull=False).exists()
    assert 'name="confirm" value="yes" form="finalise"' in page.content.decode()
    done = carol.post(
        f"{url}finalise/?year=2026&period=Y",
        {
            f"stars_{wang.pk}": str(wang.stars + 1),
            f"reason_{wang.pk}": "带头调解土地纠纷",
            "confirm": "yes",
        },
    )
    assert done.status_code == 302
    wang.refresh_from_db()
    assert wang.finalised_at and (wang.proposed_stars, wang.set_reason) == (
        wang.stars - 1,
        "带头调解土地纠纷",
    )
    assert Rating.objects.get(member=rated.erin_member).finalised_at is None  # incomplete
    todos = carol.get(reverse("stars:todos"))
    assert todos.status_code == 200
    assert len(todos.context["page"].object_list) == Consequence.objects.count() > 0
    board = Client().get(
        reverse("public_stars:board", args=[rated.town_a.public_ref]), {"year": "2026"}
    )
    assert "带头调解土地纠纷" in board.content.decode() and "2026年度" in board.content.decode()


def test_out_of_scope_is_404(rated: Cast) -> None:
    dave = client_for(rated.dave)
    assert dave.get(reverse("stars:board", args=[rated.town_a.pk])).status_code == 404
    assert dave.get(reverse("stars:member_stars", args=[rated.member_a1.pk])).status_code == 404
    assert client_for(rated.gina).get(reverse("stars:my_stars")).status_code == 404


def test_the_api_explains_a_rating_and_keeps_to_the_scope(rated: Cast) -> None:
    mine = client_for(rated.erin).get("/api/v1/stars/me/ratings")
    assert mine.status_code == 200
    [rating] = mine.json()
    stored = Rating.objects.get(member=rated.erin_member)
    assert (rating["stars"], rating["score"]) == (stored.stars, None)
    assert rating["missing"] == ["党员评议"] and "补齐前不定星" in rating["missing_rule"]
    names = {c["name"]: c for c in rating["components"]}
    assert names["public_eval"]["count"] == 2 and names["points"]["weight"] == "60"
    assert names["member_eval"]["value"] is None
    board = client_for(rated.alice).get("/api/v1/stars/board", {"year": 2026})
    assert board.status_code == 200 and board.json()["count"] == 3
    assert sum(board.json()["distribution"].values()) == 3
    dave = client_for(rated.dave)
    assert dave.get(f"/api/v1/stars/members/{rated.member_a1.pk}/ratings").status_code == 404
    assert dave.get("/api/v1/stars/board", {"org": rated.town_a.pk}).status_code == 404
    assert client_for(rated.bob).get("/api/v1/stars/tasks").status_code == 200


def test_the_stars_part_of_the_schema_describes_every_response(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = {p: set(ops) for p, ops in schema["paths"].items() if p.startswith("/api/v1/stars")}
    assert paths == {
        "/api/v1/stars/members/{member_id}/ratings": {"get"},
        "/api/v1/stars/me/ratings": {"get"},
        "/api/v1/stars/board": {"get"},
        "/api/v1/stars/tasks": {"get"},
        "/api/v1/stars/reserve": {"get"},
        "/api/v1/stars/model-branches": {"get", "post"},
        "/api/v1/stars/model-branches/select": {"post"},
        "/api/v1/stars/tasks/{task_id}/done": {"post"},
        "/api/v1/stars/orgs/{org_id}/plan": {"get", "put"},
        "/api/v1/stars/orgs/{org_id}/plan/submit": {"post"},
        "/api/v1/stars/orgs/{org_id}/plan/review": {"post"},
        "/api/v1/stars/orgs/{org_id}/finalise": {"post"},
        "/api/v1/stars/me/choices": {"get", "put"},
        "/api/v1/stars/orgs/{org_id}/criteria": {"get", "put"},
        "/api/v1/stars/members/{member_id}/criteria": {"get", "put"},
        "/api/v1/stars/orgs/{org_id}/distribution": {"get"},
        "/api/v1/stars/public/orgs/{org_id}/board": {"get"},
        "/api/v1/stars/public/plans/{slug}": {"get"},
        "/api/v1/stars/schemes": {"get", "post"},
        "/api/v1/stars/rounds": {"get", "post"},
        "/api/v1/stars/rounds/{round_id}": {"get"},
        "/api/v1/stars/rounds/schedule": {"post"},
        "/api/v1/stars/rounds/{round_id}/ballots": {"post"},
        "/api/v1/stars/rounds/{round_id}/codes": {"post"},
        "/api/v1/stars/rounds/{round_id}/paper": {"post"},
        "/api/v1/stars/public/rounds/{round_id}/ballots": {"post"},
        "/api/v1/stars/members/{member_id}/standards": {"get"},
        "/api/v1/stars/me/standards": {"get"},
        "/api/v1/stars/orgs/{org_id}/standards": {"get"},
        "/api/v1/stars/orgs/{org_id}/ratings": {"get"},
        "/api/v1/stars/orgs/{org_id}/posts": {"get"},
        "/api/v1/stars/members/{member_id}/post": {"put"},
        "/api/v1/stars/rounds/{round_id}/forms": {"post"},
        "/api/v1/stars/orgs/{org_id}/rectify": {"get"},
        "/api/v1/stars/rectify/{task_id}": {"get"},
        "/api/v1/stars/rectify/{task_id}/problems": {"post"},
        "/api/v1/stars/rectify/problems/{problem_id}/progress": {"post"},
        "/api/v1/stars/rectify/problems/{problem_id}/close": {"post"},
    }
    for path, methods in paths.items():
        for method in methods:
            codes = set(schema["paths"][path][method]["responses"])
            public = path.startswith("/api/v1/stars/public")
            created = method == "post" and path in (
                "/api/v1/stars/schemes",
                "/api/v1/stars/rounds",
                "/api/v1/stars/rectify/{task_id}/problems",
                "/api/v1/stars/rectify/problems/{problem_id}/progress",
            )
            ok = {"201"} if created else {"200"}
            assert ok | {"422"} <= codes and ("401" in codes) != public, (path, method)
            if method != "get":
                assert {"400", "404"} <= codes and ("403" in codes) != public, (path, method)


def test_a_follow_up_task_is_marked_done_once_with_what_was_done(rated: Cast) -> None:
    import json

    url = reverse("stars:board", args=[rated.branch_a1.pk])
    client_for(rated.carol).post(f"{url}finalise/?year=2026&period=Y", {"confirm": "yes"})
    task = Consequence.objects.filter(owner_org=rated.branch_a1).order_by("pk").first()
    assert task is not None
    done_url = reverse("stars:todo_done", args=[task.pk])
    carol = client_for(rated.carol)
    assert carol.post(done_url, {"note": ""}).status_code == 302
    task.refresh_from_db()
    assert task.done_at is None  # refused: what was done must be said
    assert carol.post(done_url, {"note": "已约谈，制定整改计划"}).status_code == 302
    task.refresh_from_db()
    assert task.done_by == rated.carol and task.note == "已约谈，制定整改计划"
    again = carol.post(
        f"/api/v1/stars/tasks/{task.pk}/done",
        json.dumps({"note": "再次"}),
        content_type="application/json",
    )
    assert again.status_code == 400 and "已办结" in again.json()["detail"]
    assert client_for(rated.dave).post(done_url, {"note": "x"}).status_code == 404


def test_the_county_is_told_which_box_of_the_model_selection_is_wrong(cast: Cast) -> None:
    """A box left empty or typed in words on the 五星标兵 form: refused naming the box."""
    alice = client_for(cast.alice)
    url = reverse("stars:model_open") + "?year=2026"
    page = alice.post(url, {"quota": "", "award_yuan": "10000"}, follow=True)
    assert "名额：请输入整数。" in page.content.decode()
    page = alice.post(url, {"quota": "3", "award_yuan": "一万"}, follow=True)
    assert "奖励（元）：请输入整数。" in page.content.decode()
