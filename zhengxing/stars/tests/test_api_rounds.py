"""Evaluation rounds through the API: a branch opens a round, a member casts ballots (all or
none), sees her own and the averages after close; a public round's codes are issued once, a
household votes with one without a login, a reused code is a 400, the committee enters paper
ballots; out of scope a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from zhengxing.stars.models import Ballot, EvaluationRound
from zhengxing.testing import Cast, client_for

from .test_api_plans import post


def _round(client: Client, cast: Cast, kind: str) -> dict[str, Any]:
    now = timezone.now()
    made = post(
        client,
        "/api/v1/stars/rounds",
        {
            "org_id": cast.branch_a1.pk,
            "year": now.year,
            "period": "Y",
            "kind": kind,
            "name": f"{kind} round",
            "indicators": [{"code": "T", "name": "综合", "max": "100"}],
            "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
            "closes_at": (now + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert made.status_code == 201, made.content
    return made.json()


def test_a_peer_round_through_the_api(cast: Cast) -> None:
    carol, erin = client_for(cast.carol), client_for(cast.erin)
    made = _round(carol, cast, "peer")
    url = f"/api/v1/stars/rounds/{made['id']}"
    assert made["open"] and made["subject"] == "member"
    wang = cast.member_a1.pk
    bad = post(erin, f"{url}/ballots", {"ballots": [{"ratee_id": wang, "scores": {"T": "101"}}]})
    assert bad.status_code == 400 and "0至100" in bad.json()["detail"]
    mixed = post(
        erin,
        f"{url}/ballots",
        {"ballots": [{"ratee_id": wang, "scores": {"T": "90"}},
                     {"ratee_id": cast.member_b1.pk, "scores": {"T": "90"}}]},
    )  # fmt: skip
    assert mixed.status_code == 400 and not Ballot.objects.exists()  # all or none
    ok = post(erin, f"{url}/ballots", {"ballots": [{"ratee_id": wang, "scores": {"T": "88.5"}}]})
    assert ok.json() == {"ballots": 1}
    mine = erin.get(url).json()
    assert mine["my_ballots"] == {str(wang): {"T": "88.5"}} and mine["results"] is None
    EvaluationRound.objects.filter(pk=made["id"]).update(closes_at=timezone.now())
    closed = carol.get(url).json()
    # one ballot would show erin's own score: "票数不足", below ZHENGXING_MIN_BALLOTS (3)
    assert closed["results"] == [{"ratee_id": wang, "average": None, "ballots": 1}]
    assert closed["my_ballots"] == {}  # carol cast none; erin's stays hers
    assert client_for(cast.dave).get(url).status_code == 404
    listed = carol.get("/api/v1/stars/rounds", {"year": timezone.now().year}).json()
    assert [r["id"] for r in listed] == [made["id"]]


def test_a_public_round_with_codes_through_the_api(cast: Cast) -> None:
    carol = client_for(cast.carol)
    made = _round(carol, cast, "public")
    url = f"/api/v1/stars/rounds/{made['id']}"
    issued = post(carol, f"{url}/codes", {"count": 2}).json()
    assert len(issued["codes"]) == 2 and issued["vote_url"].endswith(f"/rounds/{made['id']}/vote/")
    assert post(client_for(cast.erin), f"{url}/codes", {"count": 2}).status_code == 403
    body = {
        "code": issued["codes"][0],
        "ballots": [{"ratee_id": cast.member_a1.pk, "scores": {"T": "80"}}],
    }
    public = f"/api/v1/stars/public/rounds/{made['id']}/ballots"
    assert post(Client(), public, body).json() == {"ballots": 1}
    again = post(Client(), public, body)
    assert again.status_code == 400 and "已经使用过" in again.json()["detail"]
    paper = post(carol, f"{url}/paper", {**body, "code": issued["codes"][1]})
    assert paper.json() == {"ballots": 1}
    assert Ballot.objects.filter(paper=True).count() == 1
