"""Members' paper evaluation forms typed in by the branch committee (the elderly, members
without a phone), through the page and the API, both calling `ballots.paper_ballots_submit`:
the committee picks the open round, then types one form after another — whose form, the scores
per indicator; a bad score or a duplicate form is refused in Chinese with nothing written.

Cast: cathy sits on 甲一村's branch committee; erin (李二妮), 王甲 and 张三 are its members;
dave is another township's."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import Member
from zhengxing.stars.ballots import ballot_submit
from zhengxing.stars.models import Ballot, EvaluationRound
from zhengxing.stars.rounds import round_create
from zhengxing.testing import Cast, add_member, client_for

FORM = [
    {"code": "I1", "name": "政治表现", "max": "40"},
    {"code": "I2", "name": "作用发挥", "max": "60"},
]
JSON = "application/json"


def open_round(cast: Cast, kind: str = "peer") -> EvaluationRound:
    now = timezone.now()
    return round_create(
        actor=Actor(user=cast.carol, label="carol", now=now), org=cast.branch_a1, year=now.year,
        period="Y", kind=kind, name=f"纸质{kind}", indicators=FORM,
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1),
    )  # fmt: skip


@pytest.fixture
def zhang(cast: Cast) -> Member:
    return add_member(cast.county, "A1B", name="张三")


def scores(member: Member, i1: str, i2: str) -> dict[str, str]:
    return {f"s-{member.pk}-I1": i1, f"s-{member.pk}-I2": i2}


def test_the_committee_picks_the_round_and_types_one_form_after_another(
    cast: Cast, zhang: Member
) -> None:
    peer = open_round(cast)
    cathy = client_for(cast.cathy)
    rounds = cathy.get(reverse("stars:rounds"), {"org": cast.branch_a1.pk}).content.decode()
    picker = reverse("stars:paper_forms")
    assert picker in rounds
    listed = cathy.get(picker, {"org": cast.branch_a1.pk})
    assert listed.status_code == 200 and f"round={peer.pk}" in listed.content.decode()
    url = f"{picker}?org={cast.branch_a1.pk}&round={peer.pk}"
    page = cathy.get(url)
    assert page.status_code == 200 and 'name="rater"' in page.content.decode()
    first = cathy.post(url, {"rater": zhang.pk, **scores(cast.member_a1, "36", "50")})
    assert first.status_code == 302 and first["Location"].endswith(url.split("?")[1])
    second = cathy.post(url, {"rater": cast.member_a1.pk, **scores(zhang, "30", "40.5"),
                              **scores(cast.erin_member, "35", "55")})  # fmt: skip
    assert second.status_code == 302
    typed = Ballot.objects.filter(round=peer, paper=True).values_list(
        "rater_member__name", "ratee_member__name", "total"
    )
    assert set(typed) == {
        ("张三", "王甲", 86),
        ("王甲", "张三", 70.5),
        ("王甲", "李二妮", 90),
    }


def test_a_bad_score_refuses_the_whole_form_and_keeps_what_was_typed(
    cast: Cast, zhang: Member
) -> None:
    peer = open_round(cast)
    url = f"{reverse('stars:paper_forms')}?org={cast.branch_a1.pk}&round={peer.pk}"
    refused = client_for(cast.cathy).post(
        url, {"rater": zhang.pk, **scores(cast.member_a1, "36", "50"),
              **scores(cast.erin_member, "45", "50")},
    )  # fmt: skip
    html = refused.content.decode()
    assert refused.status_code == 400
    # the refusal beside 李二妮's row, not 王甲's
    erin_row = re.search(r'<li class="ballot-row has-error".*?</li>', html, re.S)
    assert erin_row is not None and "李二妮" in erin_row.group()
    assert "“政治表现”的分数应在0至40分之间" in erin_row.group()
    assert html.count("ballot-row has-error") == 1
    assert 'value="36"' in html  # the typed form comes back
    assert not Ballot.objects.exists()  # not even 王甲's good row
    herself = client_for(cast.cathy).post(url, {"rater": zhang.pk, **scores(zhang, "30", "30")})
    assert herself.status_code == 400 and "互评不能给自己打分" in herself.content.decode()
    assert not Ballot.objects.exists()


def test_a_duplicate_form_is_refused_unless_the_committee_amends_it(
    cast: Cast, zhang: Member
) -> None:
    peer = open_round(cast)
    cathy = client_for(cast.cathy)
    url = f"{reverse('stars:paper_forms')}?org={cast.branch_a1.pk}&round={peer.pk}"
    assert (
        cathy.post(url, {"rater": zhang.pk, **scores(cast.member_a1, "36", "50")}).status_code
        == 302
    )
    again = cathy.post(url, {"rater": zhang.pk, **scores(cast.member_a1, "20", "20")})
    assert again.status_code == 400 and "张三”的纸质评议表已经录入过" in again.content.decode()
    assert Ballot.objects.get().total == 86
    amended = cathy.post(
        url, {"rater": zhang.pk, "amend": "on", **scores(cast.member_a1, "20", "20")}
    )
    assert amended.status_code == 302
    assert (Ballot.objects.get().total, Ballot.objects.count()) == (40, 1)


def test_out_of_scope_actors_are_refused(cast: Cast) -> None:
    peer = open_round(cast)
    picker = reverse("stars:paper_forms")
    # another township sees neither the branch nor the round
    assert client_for(cast.dave).get(picker, {"org": cast.branch_a1.pk}).status_code == 404
    # a member holds no organisation's rounds; the village's grid worker sees the branch but
    # runs none of its rounds: none listed, naming one finds nothing, the API refuses
    assert client_for(cast.erin).get(picker, {"round": peer.pk}).status_code == 404
    gina = client_for(cast.gina)
    listed = gina.get(picker, {"org": cast.branch_a1.pk})
    assert listed.status_code == 200 and f"round={peer.pk}" not in listed.content.decode()
    assert gina.get(picker, {"org": cast.branch_a1.pk, "round": peer.pk}).status_code == 404
    scored = {"I1": "30", "I2": "30"}
    body = {"rater_id": cast.member_a1.pk,
            "ballots": [{"ratee_id": cast.erin_member.pk, "scores": scored}]}  # fmt: skip
    api = f"/api/v1/stars/rounds/{peer.pk}/forms"
    refused = gina.post(api, body, content_type=JSON)
    assert refused.status_code == 403 and refused.json()["detail"] == "无权操作该对象"
    assert client_for(cast.erin).post(api, body, content_type=JSON).status_code == 404
    assert client_for(cast.dave).post(api, body, content_type=JSON).status_code == 404
    assert not Ballot.objects.exists()


def test_the_api_types_a_form_with_the_same_rules(cast: Cast, zhang: Member) -> None:
    peer = open_round(cast)
    cathy = client_for(cast.cathy)
    api = f"/api/v1/stars/rounds/{peer.pk}/forms"

    def form(rater: Member, i1: str, **extra: object) -> dict[str, object]:
        scored = {"I1": i1, "I2": "50"}
        return {"rater_id": rater.pk, **extra,
                "ballots": [{"ratee_id": cast.member_a1.pk, "scores": scored}]}  # fmt: skip

    bad = cathy.post(api, form(zhang, "40.25"), content_type=JSON)
    assert bad.status_code == 400 and "最多一位小数" in bad.json()["detail"]
    assert cathy.post(api, form(zhang, "36"), content_type=JSON).json() == {"ballots": 1}
    duplicate = cathy.post(api, form(zhang, "30"), content_type=JSON)
    assert duplicate.status_code == 400 and "已经录入过" in duplicate.json()["detail"]
    twice = {"rater_id": zhang.pk, "amend": True, "ballots": [
        {"ratee_id": cast.erin_member.pk, "scores": {"I1": "1", "I2": "1"}},
        {"ratee_id": cast.erin_member.pk, "scores": {"I1": "2", "I2": "2"}}]}  # fmt: skip
    refused = cathy.post(api, json.dumps(twice), content_type=JSON)
    assert refused.status_code == 400 and "只能打一次分" in refused.json()["detail"]
    # erin scored online herself: she has no paper form to type
    ballot_submit(actor=Actor(user=cast.erin, label="erin"), round_=peer, ratee=cast.member_a1,
                  scores={"I1": "39", "I2": "59"})  # fmt: skip
    online = cathy.post(api, form(cast.erin_member, "10"), content_type=JSON)
    assert online.status_code == 400 and "已本人在线评议" in online.json()["detail"]
    assert Ballot.objects.get(rater_member=cast.erin_member).total == 98


def test_a_self_evaluation_form_carries_the_members_written_account(
    cast: Cast, zhang: Member
) -> None:
    own = open_round(cast, "self")
    url = f"{reverse('stars:paper_forms')}?org={cast.branch_a1.pk}&round={own.pk}"
    cathy = client_for(cast.cathy)
    short = cathy.post(url, {"rater": zhang.pk, "s-self-I1": "35", "s-self-I2": "50", "text": "好"})
    assert short.status_code == 400 and "既总结成绩也谈不足" in short.content.decode()
    account = "按承诺清理村道积雪两次，帮扶一户；学习有一次缺席，下半年补上。"
    done = cathy.post(
        url, {"rater": zhang.pk, "s-self-I1": "35", "s-self-I2": "50", "text": account}
    )
    assert done.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.rater_member, ballot.ratee_member, ballot.text) == (zhang, zhang, account)
