"""The target points through /api/v1/targets: the same services as the pages, the same
refusals (Chinese message, stable code), the same scope (outside it: 404)."""

from __future__ import annotations

from typing import Any

import pytest

from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.testing import Cast, client_for

from .conftest import TASKS, vera

JSON = "application/json"


@pytest.fixture(autouse=True)
def on_30_june(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from django.utils import timezone

    moment = dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_county_drafts_and_publishes_its_targets(people: Cast) -> None:
    client = client_for(people.alice)
    tasks: list[dict[str, Any]] = [
        {
            "code": task.code,
            "name": task.name,
            "targets": [
                {
                    "code": t.code,
                    "name": t.name,
                    "points": str(t.points),
                    "measure": t.measure,
                    "goal": None if t.goal is None else str(t.goal),
                    "kinds": list(t.kinds),
                    "evidence_required": t.evidence_required,
                }
                for t in task.targets
            ],
        }
        for task in TASKS
    ]
    bad = {"year": 2026, "name": "目标", "tasks": [{**tasks[0], "targets": [
        {**tasks[0]["targets"][0], "points": "120"}]}]}  # fmt: skip
    refused = client.post("/api/v1/targets/catalogues", bad, content_type=JSON)
    assert refused.status_code == 400 and "分值须在0.5到100分之间" in refused.json()["detail"]
    assert not TargetCatalogue.objects.exists()
    made = client.post(
        "/api/v1/targets/catalogues", {"year": 2026, "name": "目标", "tasks": tasks},
        content_type=JSON,
    )  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    assert [t["code"] for t in body["targets"]] == ["K1.1", "K1.2", "K2.1"]
    published = client.post(f"/api/v1/targets/catalogues/{body['id']}/publish")
    assert published.status_code == 200 and published.json()["is_current"]
    assert (
        client_for(people.carol).get(f"/api/v1/targets/catalogues/{body['id']}").status_code == 404
    )


def test_progress_is_scored_from_the_queue_and_shows_in_the_score(
    targets: TargetCatalogue, people: Cast
) -> None:
    unit = people.village_a1.pk
    staff = client_for(vera())
    missing = staff.post(
        f"/api/v1/targets/units/{unit}/progress",
        {"code": "K1.1", "text": "已召开", "idempotency_key": "k1"}, content_type=JSON,
    )  # fmt: skip
    assert missing.status_code == 400 and "须附证明材料" in missing.json()["detail"]
    made = staff.post(
        f"/api/v1/targets/units/{unit}/progress",
        {"code": "K2.1", "text": "班子调整到位", "idempotency_key": "k2"}, content_type=JSON,
    )  # fmt: skip
    assert made.status_code == 201, made.content
    again = staff.post(
        f"/api/v1/targets/units/{unit}/progress",
        {"code": "K2.1", "text": "班子调整到位", "idempotency_key": "k2"}, content_type=JSON,
    )  # fmt: skip
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    assessor = client_for(people.bob)
    queue = assessor.get("/api/v1/targets/queue?year=2026").json()
    assert [e["id"] for e in queue] == [made.json()["id"]]
    outsider = client_for(people.dave).post(
        f"/api/v1/targets/submissions/{made.json()['id']}/assess", {"points": "15"},
        content_type=JSON,
    )  # fmt: skip
    assert outsider.status_code == 404
    scored = assessor.post(
        f"/api/v1/targets/submissions/{made.json()['id']}/assess", {"points": "15"},
        content_type=JSON,
    )  # fmt: skip
    assert scored.status_code == 201, scored.content
    score = staff.get(f"/api/v1/targets/units/{unit}/score?year=2026").json()
    assert score["total"] == "15.0" and score["tasks"]["K2"] == "15.0"
    ledger = staff.get(f"/api/v1/targets/units/{unit}/ledger?year=2026").json()
    assert [e["kind"] for e in ledger] == ["daily", "progress"]
    assert TargetEntry.objects.count() == 2


def test_an_onsite_assessment_and_a_deduction_by_api(
    targets: TargetCatalogue, people: Cast
) -> None:
    client, alice = client_for(people.bob), client_for(people.alice)
    unit = people.village_a1.pk
    mine = client.post(
        f"/api/v1/targets/units/{unit}/visits",
        {"visited_on": "2026-06-20", "assessor_ids": [people.alice.pk, vera().pk],
         "idempotency_key": "v0"}, content_type=JSON,
    )  # fmt: skip
    assert (
        mine.status_code == 400 and "vera：考评人不能给自己所在的单位评分" in mine.json()["detail"]
    )
    opened = client.post(
        f"/api/v1/targets/units/{unit}/visits",
        {"visited_on": "2026-06-20", "assessor_ids": [people.alice.pk], "idempotency_key": "v1"},
        content_type=JSON,
    )  # fmt: skip
    assert opened.status_code == 201, opened.content
    visit = opened.json()
    assert visit["status"] == "open" and "K2.1" in visit["checklist"]
    assert [a["user_id"] for a in visit["assessors"]] == [people.bob.pk, people.alice.pk]
    url = f"/api/v1/targets/visits/{visit['id']}"
    scored = client.post(f"{url}/scores", {"scores": {"K2.1": "16"}}, content_type=JSON)
    assert scored.status_code == 201 and scored.json()["assessors"][0]["scores"] == {"K2.1": "16.0"}
    twice = client.post(f"{url}/scores", {"scores": {"K2.1": "17"}}, content_type=JSON)
    assert twice.status_code == 400 and twice.json()["code"] == "duplicate"
    given = alice.post(f"{url}/scores", {"scores": {"K2.1": "17"}}, content_type=JSON)
    assert given.status_code == 201
    # alice sees her own scores and how many bob gave, not his scores, until the close
    seen = alice.get(url).json()["assessors"]
    assert [(a["scored"], a["scores"]) for a in seen] == [(1, None), (1, {"K2.1": "17.0"})]
    not_hers = alice.post(f"{url}/close")  # only the leader closes
    assert not_hers.status_code == 400 and not_hers.json()["code"] == "out_of_scope"
    assert not TargetEntry.objects.exists()
    closed = client.post(f"{url}/close")
    assert closed.status_code == 200 and closed.json()["scores"] == {"K2.1": "16.5"}
    assert [v["id"] for v in alice.get("/api/v1/targets/visits?year=2026").json()] == [visit["id"]]
    assert client_for(people.dave).get(url).status_code == 404
    own = client.post(
        f"/api/v1/targets/units/{people.town_a.pk}/deductions",
        {"points": "3", "source": "late", "reason": "迟报"}, content_type=JSON,
    )  # fmt: skip
    assert own.status_code == 400 and "不能给自己所在的单位评分" in own.json()["detail"]
    made = client.post(
        f"/api/v1/targets/units/{unit}/deductions",
        {"points": "3", "source": "faked", "reason": "评议弄虚作假"}, content_type=JSON,
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["points"] == "-3.0"
    ranked = client_for(people.alice).get("/api/v1/targets/scores?year=2026").json()
    assert ranked[0]["name"] == "甲一村" and ranked[0]["total"] == "13.5"
