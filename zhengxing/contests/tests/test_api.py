"""The contests' API: the organiser's contest set up, codes issued, votes held and reviewed,
results published; the public's vote with a code (no login) and the results.

按照“民意测评+工作表现+综合评价”等方式统筹进行评比 (article 001)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhengxing.contests.models import Contest, Vote
from zhengxing.testing import Cast, client_for

from .conftest import AFTER_JUDGING, MAY, Arena

pytestmark = pytest.mark.django_db

BODY = {
    "title": "2026年社区书记比武争星",
    "series": "比武争星",
    "year": 2026,
    "level": "street",
    "entrant_kind": "branch",
    "showcase_from": "2026-06-01",
    "voting_from": "2026-06-20",
    "voting_until": "2026-07-10",
    "judging_until": "2026-07-31",
    "weight_public": 40,
    "weight_performance": 30,
    "weight_overall": 20,
    "rubric": [{"name": "现场讲述", "max": 100}],
}


def test_weights_not_summing_to_100_refused_over_the_api(
    cast: Cast, api_clock: list[dt.datetime]
) -> None:
    """民意测评+工作表现+综合评价: the organiser's weights must sum to 100."""
    api_clock[0] = MAY
    client = client_for(cast.alice)
    body = {**BODY, "organiser_id": cast.root.pk}
    refused = client.post("/api/v1/contests", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "民意测评、工作表现、综合评价三项权重之和须为100（现为90）",
        "code": "invalid",
    }
    assert not Contest.objects.exists()
    made = client.post(
        "/api/v1/contests", {**body, "weight_overall": 30}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["phase"] in (
        "draft",
        "voting",
        "judging",
        "results",
        "showcase",
    )
    codes = client.post(
        f"/api/v1/contests/{made.json()['id']}/codes",
        {"count": 3, "label": "楼院党小组"},
        content_type="application/json",
    )
    assert codes.status_code == 201 and len(codes.json()["codes"]) == 3


def test_the_public_votes_over_the_api_and_reads_the_results(
    cast: Cast, arena: Arena, api_clock: list[dt.datetime]
) -> None:
    public = Client(REMOTE_ADDR="203.0.113.9")
    url = f"/api/v1/contests/public/{arena.contest.public_ref}/votes"
    body = {"entry": arena.a1.public_ref, "code": arena.codes[0], "device": "phone-9"}
    first = public.post(url, body, content_type="application/json")
    assert first.status_code == 201, first.content
    again = public.post(url, body, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "duplicate"
    board = public.get(f"/api/v1/contests/public/{arena.contest.public_ref}").json()
    assert {e["votes"] for e in board["entries"]} == {None} and board["results"] is None
    assert Vote.objects.get().device == "phone-9"
    # the organiser flags (nothing to hold), then after judging publishes
    organiser = client_for(cast.alice)
    assert organiser.post(f"/api/v1/contests/{arena.contest.pk}/flag").json()["address"] == 0
    api_clock[0] = dt.datetime(2026, 8, 2, 10, tzinfo=AFTER_JUDGING.tzinfo)
    published = organiser.post(f"/api/v1/contests/{arena.contest.pk}/publish")
    assert published.status_code == 200, published.content
    assert [r["award"] for r in published.json()] == ["best", "best"]
    assert published.json()[0]["entry_id"] == arena.a1.pk and published.json()[0]["votes"] == 1


def test_a_judge_scores_over_the_api(
    cast: Cast, arena: Arena, api_clock: list[dt.datetime]
) -> None:
    from .conftest import JUDGING

    api_clock[0] = JUDGING
    client = client_for(arena.judges[0].user)
    marks = {"marks": {"思路举措": 30, "工作成效": 30, "现场讲述": 10}}
    done = client.post(
        f"/api/v1/contests/entries/{arena.a1.pk}/scores", marks, content_type="application/json"
    )
    assert done.status_code == 201 and done.json()["total"] == "70.0"
    refused = client_for(cast.carol).post(
        f"/api/v1/contests/entries/{arena.a1.pk}/scores", marks, content_type="application/json"
    )
    assert refused.status_code in (403, 404)
