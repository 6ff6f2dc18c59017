"""The review through /api/v1/dutyreports: the same rules as the pages (hidden scores, twice
refused, own unit refused, frozen reports), scoped, and the public's results."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from zhengxing.dutyreports import services
from zhengxing.dutyreports.models import Report, Score
from zhengxing.testing import Cast, client_for

from .conftest import Review, as_, marks

JSON = "application/json"


def post(user: User, path: str, body: dict[str, Any] | None = None) -> Any:
    return client_for(user).post(f"/api/v1/dutyreports{path}", body or {}, content_type=JSON)


def get(user: User, path: str) -> Any:
    return client_for(user).get(f"/api/v1/dutyreports{path}")


def test_a_round_set_up_opened_scored_and_closed_through_the_api(
    cast: Cast, review: Review
) -> None:
    rnd = services.round_create(actor=as_(cast.alice), org=cast.root, year=2026)
    r = post(cast.alice, f"/rounds/{rnd.pk}/units", {"org_id": cast.town_a.pk})
    assert r.status_code == 200, r.content
    unit_id = r.json()["units"][0]["id"]
    assert (
        post(cast.alice, f"/rounds/{rnd.pk}/panel", {"user_id": cast.alice.pk}).status_code == 200
    )
    # the township's secretary is bob's colleague: give town A a secretary to report
    from zhengxing.orgs.services import role_grant
    from zhengxing.testing import SYSTEM

    role_grant(actor=SYSTEM, user=review.pat, org=cast.town_a, role="secretary")
    r = post(review.pat, f"/units/{unit_id}/report", {"text": "甲镇党委书记述职"})
    assert r.status_code == 200, r.content
    report_id = r.json()["id"]
    assert post(cast.alice, f"/rounds/{rnd.pk}/open").json()["state"] == "meeting"

    r = post(cast.alice, f"/reports/{report_id}/scores", {"marks": marks(91), "comment": "好"})
    assert r.status_code == 201, r.content
    assert get(cast.alice, f"/reports/{report_id}").json()["grade"] == "good"
    assert post(cast.alice, f"/rounds/{rnd.pk}/close").json()["state"] == "closed"


def test_scores_are_hidden_in_the_api_until_all_have_scored(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    report = meeting[1]
    services.score_submit(actor=as_(cast.bob), report=report, marks=marks(90), comment="好")

    for who in (review.pat, review.vic, cast.alice):  # another panel member, the unit, the county
        body = get(who, f"/reports/{report.pk}").json()
        assert body["scores"] == [] and body["score"] is None, who
    assert [s["total"] for s in get(cast.bob, f"/reports/{report.pk}").json()["scores"]] == ["90.0"]
    units = get(cast.alice, f"/rounds/{review.round.pk}").json()["units"]
    assert [(u["scores_given"], u["score"]) for u in units if u["id"] == review.unit_a2.pk] == [
        (1, None)
    ]

    for who, total in ((review.pat, 80), (review.quinn, 70)):
        services.score_submit(actor=as_(who), report=report, marks=marks(total))

    body = get(review.vic, f"/reports/{report.pk}").json()
    assert (body["score"], body["grade"], len(body["scores"])) == ("80.00", "fairly_good", 3)


def test_twice_and_own_unit_are_400s_that_write_nothing(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    r1, r2 = meeting
    assert post(cast.bob, f"/reports/{r2.pk}/scores", {"marks": marks(90)}).status_code == 201
    again = post(cast.bob, f"/reports/{r2.pk}/scores", {"marks": marks(60)})
    assert again.status_code == 400
    assert again.json() == {
        "detail": "您已为这份述职报告评过分，评分提交后不能修改",
        "code": "conflict",
    }
    own = post(review.quinn, f"/reports/{r1.pk}/scores", {"marks": marks(99)})
    assert own.status_code == 400 and "请回避" in own.json()["detail"]
    assert Score.objects.count() == 1


def test_the_report_is_frozen_in_the_api_once_the_meeting_opens(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    r = post(cast.carol, f"/units/{review.unit_a1.pk}/report", {"text": "改一改"})
    assert r.status_code == 400 and r.json()["code"] == "conflict"


def test_outside_the_scope_is_a_404(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    assert get(cast.dave, f"/rounds/{review.round.pk}").status_code == 404
    assert get(cast.dave, f"/reports/{meeting[0].pk}").status_code == 404
    # the other unit's secretary does not read A1B's report
    assert get(review.vic, f"/reports/{meeting[0].pk}").status_code == 404
    assert post(cast.carol, f"/units/{review.unit_a2.pk}/report", {"text": "x"}).status_code == 404


def test_the_rubric_through_the_api(cast: Cast, review: Review) -> None:
    r = post(
        cast.alice,
        "/rubric",
        {"items": [{"name": "履职", "max_points": 60}, {"name": "成效", "max_points": 30}]},
    )
    assert r.status_code == 400 and "之和须为100" in r.json()["detail"]
    r = post(
        cast.alice,
        "/rubric",
        {"items": [{"name": "履职", "max_points": 60}, {"name": "成效", "max_points": 40}]},
    )
    assert r.status_code == 201 and r.json()["version"] == 2
    assert get(cast.bob, "/rubric").json()["version"] == 2
    assert (
        post(cast.bob, "/rubric", {"items": [{"name": "履职", "max_points": 100}]}).status_code
        == 403
    )


def test_the_public_results_show_only_closed_rounds(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    from django.test import Client

    from .test_scores import score_all

    score_all(cast, review, meeting)
    path = f"/api/v1/dutyreports/public/{cast.root.public_ref}"
    assert Client().get(path).json()["rounds"] == []

    services.round_close(actor=as_(cast.bob), round=review.round)

    (posted,) = Client().get(path).json()["rounds"]
    assert [(r["org"], r["score"], r["grade"]) for r in posted["reports"]] == [
        ("中共甲一村支部委员会", "93.00", "好"),
        ("中共甲二村支部委员会", "60.00", "一般"),
    ]
    assert posted["reports"][0]["comments"] == ["好", "好"]
    assert Client().get(f"/api/v1/dutyreports/public/{cast.town_a.public_ref}").status_code == 404
