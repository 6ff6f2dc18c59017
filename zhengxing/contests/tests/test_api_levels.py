"""The API of the daily assessment's figures, the winners going up a level and an entry mended
during the showcase: the same services as the pages.

让社区党组织书记们在街道比、旗区推，在全盟赛中 (article 002)"""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.contests.models import Contest, Entry
from zhengxing.testing import Cast, client_for

from .conftest import AFTER_JUDGING, MAY, SHANGHAI, Arena
from .test_api import BODY

pytestmark = pytest.mark.django_db


def test_the_organiser_chooses_figures_and_the_level_above(
    cast: Cast, api_clock: list[dt.datetime]
) -> None:
    api_clock[0] = MAY
    alice, bob = client_for(cast.alice), client_for(cast.bob)
    names = {f["name"] for f in bob.get("/api/v1/contests/figures").json()}
    assert {"points", "stars", "meetings_held", "meetings_attended", "needs_in_time"} <= names
    banner = alice.post(
        "/api/v1/contests",
        {
            **BODY,
            "organiser_id": cast.root.pk,
            "level": "banner",
            "weight_overall": 30,
            "showcase_from": "2026-08-01",
            "voting_from": "2026-09-01",
            "voting_until": "2026-09-10",
            "judging_until": "2026-09-30",
        },
        content_type="application/json",
    )
    assert banner.status_code == 201, banner.content
    street = {
        **BODY,
        "organiser_id": cast.town_a.pk,
        "weight_overall": 30,
        "next_level_id": banner.json()["id"],
        "advance": 1,
        "sources": [{"name": "points", "weight": 50}, {"name": "needs_in_time", "weight": 40}],
    }
    refused = bob.post("/api/v1/contests", street, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "日常考核各项指标的权重之和须为100（现为90）"
    street["sources"][1]["weight"] = 50  # type: ignore[index]
    made = bob.post("/api/v1/contests", street, content_type="application/json")
    assert made.status_code == 201, made.content
    out = made.json()
    assert (out["next_level_id"], out["advance"]) == (banner.json()["id"], 1)
    assert out["sources"] == [
        {"name": "points", "weight": 50},
        {"name": "needs_in_time", "weight": 50},
    ]


def test_winners_advance_and_results_explain_growth_over_the_api(
    cast: Cast, arena: Arena, api_clock: list[dt.datetime]
) -> None:
    higher = Contest.objects.create(
        county=cast.county,
        organiser=cast.root,
        title="2026年全盟比武",
        series="全盟比武",
        year=2026,
        level="league",
        entrant_kind="branch",
        showcase_from=dt.date(2026, 8, 1),
        voting_from=dt.date(2026, 9, 1),
        voting_until=dt.date(2026, 9, 10),
        judging_until=dt.date(2026, 9, 30),
        weight_public=30,
        weight_performance=30,
        weight_overall=40,
        rubric=[{"name": "成效", "max": 100}],
        public_ref="league-ref",
    )
    Contest.objects.filter(pk=arena.contest.pk).update(next_level=higher, advance=1)
    organiser = client_for(cast.alice)
    early = organiser.post(f"/api/v1/contests/{arena.contest.pk}/advance")
    assert early.status_code == 400 and early.json()["code"] == "conflict"
    api_clock[0] = AFTER_JUDGING
    published = organiser.post(f"/api/v1/contests/{arena.contest.pk}/publish").json()
    assert published[0]["growth"] == {"points": {"this": "0.00", "last": "0.00", "score": "100.00"}}
    went = Entry.objects.get(contest=higher)
    assert went.came_from_id == published[0]["entry_id"]
    again = organiser.post(f"/api/v1/contests/{arena.contest.pk}/advance")
    assert again.status_code == 201 and again.json() == []
    listed = organiser.get(f"/api/v1/contests/{higher.pk}/entries").json()
    assert [e["came_from_id"] for e in listed] == [went.came_from_id]


def test_an_entry_mended_over_the_api(
    cast: Cast, arena: Arena, api_clock: list[dt.datetime]
) -> None:
    api_clock[0] = dt.datetime(2026, 6, 10, 9, tzinfo=SHANGHAI)
    url = f"/api/v1/contests/entries/{arena.a1.pk}"
    body = {"title": "产业兴村", "text": "葡萄亩产翻番", "video_url": "https://video.example.cn/v2"}
    mended = client_for(cast.carol).patch(url, body, content_type="application/json")
    assert mended.status_code == 200, mended.content
    assert mended.json()["text"] == "葡萄亩产翻番"
    api_clock[0] = dt.datetime(2026, 6, 21, 9, tzinfo=SHANGHAI)
    late = client_for(cast.carol).patch(
        url, {**body, "text": "又改"}, content_type="application/json"
    )
    assert late.status_code == 400 and late.json()["code"] == "conflict"
    assert Entry.objects.get(pk=arena.a1.pk).text == "葡萄亩产翻番"
