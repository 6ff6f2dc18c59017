"""Democratic appraisal through /api/v1/life ("总评…年底民主评议党员大会", 003 Gaotai): the branch
opens the year's round, each member grades every other, the branch posts the result; the same
services as the pages, errors as {"detail", "code"}. Everyone acts on 30 June 2026."""

from __future__ import annotations

import pytest

from zhengxing.orglife.models import AppraisalBallot, AppraisalResult, AppraisalRound
from zhengxing.orgs.selectors import forget_scope
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


def post(client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type=JSON)


def test_open_vote_and_post_through_the_api(cast: Cast, api_clock: list) -> None:
    carol, erin = client_for(cast.carol), client_for(cast.erin)
    url = f"/api/v1/life/branches/{cast.branch_a1.pk}/appraisal"
    assert post(erin, url, {"year": 2026}).status_code == 404  # a member does not open it
    opened = post(carol, url, {"year": 2026})
    assert opened.status_code == 201, opened.content
    assert (opened.json()["excellent_cap"], opened.json()["voters"]) == (20, 0)
    cast.member_a1.user = cast.gina  # 王甲 votes through a login of his own
    cast.member_a1.save(update_fields=["user"])
    forget_scope(cast.gina)
    wang, me = cast.member_a1.pk, cast.erin_member.pk
    voted = post(erin, f"{url}/vote", {"year": 2026, "grades": {str(wang): "qualified"}})
    assert voted.status_code == 200 and voted.json() == {"cast": 1}
    gina = client_for(cast.gina)
    # 20 % of 2 members: no 优秀 on a ballot; refused in Chinese, nothing written
    over = post(gina, f"{url}/vote", {"year": 2026, "grades": {str(me): "excellent"}})
    assert over.status_code == 400 and over.json() == {
        "detail": "本支部2名党员，按20%的比例不能评优秀，这张选票评了1人", "code": "invalid"
    }  # fmt: skip
    assert erin.get(url, {"year": 2026}).json()["voters"] == 1
    wangs = post(gina, f"{url}/vote", {"year": 2026, "grades": {str(me): "qualified"}})
    assert wangs.status_code == 200, wangs.content
    assert erin.get(url, {"year": 2026}).json()["voters"] == 2
    assert erin.get(url, {"year": 2026}).json()["results"] == []  # secret until posted
    assert post(erin, f"{url}/post", {"year": 2026}).status_code == 403
    posted = post(carol, f"{url}/post", {"year": 2026})
    assert posted.status_code == 200, posted.content
    grades = {r["member"]: (r["grade"], r["excellent_votes"]) for r in posted.json()["results"]}
    assert grades == {"李二妮": ("qualified", 0), "王甲": ("qualified", 0)}
    late = post(erin, f"{url}/vote", {"year": 2026, "grades": {str(wang): "basic"}})
    assert late.json() == {"detail": "民主评议结果已公布，不能再投票", "code": "round_closed"}


def test_bad_ballots_are_refused_in_chinese_and_other_townships_see_nothing(
    cast: Cast, api_clock: list
) -> None:
    carol, erin, dave = client_for(cast.carol), client_for(cast.erin), client_for(cast.dave)
    url = f"/api/v1/life/branches/{cast.branch_a1.pk}/appraisal"
    assert erin.get(url, {"year": 2026}).status_code == 404  # no round yet
    post(carol, url, {"year": 2026})
    again = post(carol, url, {"year": 2026})
    assert again.json() == {"detail": "2026年的民主评议已经开始", "code": "duplicate"}
    empty = post(erin, f"{url}/vote", {"year": 2026, "grades": {}})
    assert empty.status_code == 400
    assert empty.json()["detail"] == "请为每位党员评定等次（还缺：王甲）"
    nobody = post(carol, f"{url}/post", {"year": 2026})
    assert nobody.json()["detail"] == "还没有人投票，不能公布结果"
    assert dave.get(url, {"year": 2026}).status_code == 404
    assert post(dave, f"{url}/post", {"year": 2026}).status_code == 404
    assert post(dave, url, {"year": 2027}).status_code == 404
    assert AppraisalRound.objects.count() == 1
    assert not AppraisalBallot.objects.exists() and not AppraisalResult.objects.exists()


POLICY = {
    "excellent_cap": 30,
    "follow_up": "限期改正，仍无转变的劝其退党",
    "steps": [{"name": "限期改正", "days": 60}, {"name": "劝其退党", "days": 30}],
}


def test_the_countys_policy_through_the_api_only_its_department_sets_it(
    cast: Cast, api_clock: list
) -> None:
    """The county sets the cap on 优秀 and the steps of a 不合格's follow-up; everyone in the
    county reads them; the defaults are the Party's (党章第九条) until it does."""
    from zhengxing.audit.models import AuditEvent

    alice, bob = client_for(cast.alice), client_for(cast.bob)
    shown = client_for(cast.erin).get("/api/v1/life/appraisal-policy").json()
    assert [s["name"] for s in shown["steps"]] == ["限期改正", "劝其退党", "除名"]
    url = "/api/v1/life/appraisal-policy"
    assert bob.put(url, POLICY, content_type=JSON).status_code == 403  # a township may not
    bad = alice.put(url, {**POLICY, "steps": [{"name": " ", "days": 60}]}, content_type=JSON)
    assert bad.status_code == 400 and "第1步的名称须为1到30个字" in bad.json()["detail"]
    done = alice.put(url, POLICY, content_type=JSON)
    assert done.status_code == 200, done.content
    assert done.json() == POLICY == bob.get(url).json()
    assert AuditEvent.objects.filter(action="orglife.appraisal.policy").count() == 1


def test_a_follow_up_recorded_and_the_overdue_ones_through_the_api(
    cast: Cast, api_clock: list
) -> None:
    from zhengxing.orglife.models import FollowUpStep

    carol, erin = client_for(cast.carol), client_for(cast.erin)
    url = f"/api/v1/life/branches/{cast.branch_a1.pk}/appraisal"
    post(carol, url, {"year": 2026})
    wang = cast.member_a1.pk
    post(erin, f"{url}/vote", {"year": 2026, "grades": {str(wang): "unqualified"}})
    post(carol, f"{url}/post", {"year": 2026})
    (step,) = carol.get(f"{url}/follow-ups", {"year": 2026}).json()
    assert (step["member"], step["name"], step["recorded_on"]) == ("王甲", "限期改正", None)
    assert erin.get(f"{url}/follow-ups", {"year": 2026}).status_code == 404
    # overdue for the township once its deadline has passed
    FollowUpStep.objects.filter(pk=step["id"]).update(due_on="2026-06-01")
    overdue = client_for(cast.bob).get(f"/api/v1/life/orgs/{cast.town_a.pk}/follow-ups/overdue")
    assert [s["id"] for s in overdue.json()] == [step["id"]]
    other = client_for(cast.dave).get(f"/api/v1/life/orgs/{cast.town_a.pk}/follow-ups/overdue")
    assert other.status_code == 404
    record = f"/api/v1/life/follow-ups/{step['id']}/record"
    assert post(erin, record, {"outcome": "corrected"}).status_code == 404
    refused = post(carol, record, {"outcome": "escalate"})
    assert refused.status_code == 400 and "情况说明" in refused.json()["detail"]
    done = post(carol, record, {"outcome": "escalate", "note": "谈话两次仍未改正"})
    assert done.status_code == 200, done.content
    assert (done.json()["outcome"], done.json()["recorded_on"]) == ("escalate", "2026-06-30")
    steps = carol.get(f"{url}/follow-ups", {"year": 2026}).json()
    assert [(s["name"], s["due_on"]) for s in steps] == [
        ("限期改正", "2026-06-01"), ("劝其退党", "2026-07-30")
    ]  # fmt: skip
