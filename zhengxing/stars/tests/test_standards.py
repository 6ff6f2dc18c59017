"""A member's and a village organisation's named stars, each lit or not and why, from the
committee's (or township's) assessment, the counted points of the items that feed it and the
averages of the questions of closed rounds; in a few queries whatever the number of stars.

The cast (conftest `scored`): 王甲 (an ordinary member of A1B) earned 调解邻里纠纷 SMX-G04 and 清扫
积雪 SMX-G02 in Q1 and 帮扶困难群众 SMX-G05 in Q2, both quarters signed; no deductions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.stars.ballots import ballot_submit
from zhengxing.stars.compute import recompute
from zhengxing.stars.models import MemberPost, Rating
from zhengxing.stars.plans import choice_save, plan_save
from zhengxing.stars.posts import post_set
from zhengxing.stars.rounds import round_create
from zhengxing.stars.services import criteria_assess, scheme_from_preset
from zhengxing.stars.standards import MET, PENDING, UNMET, member_standards, org_standards
from zhengxing.testing import SYSTEM, Cast, signed_in

from .conftest import act, at

FORM = [
    {"code": "I1", "name": "政治表现", "max": "20"},
    {"code": "I2", "name": "作用发挥", "max": "50"},
    {"code": "I3", "name": "群众口碑", "max": "30"},
]


def _by_code(standards):  # type: ignore[no-untyped-def]
    return {s.code: s for s in standards.stars}


def test_a_members_named_stars_are_lit_or_not_and_say_why(scored: Cast) -> None:
    cast = scored
    # the committee's own round (not secret: one ballot is the committee's word)
    committee = round_create(
        actor=act(cast.carol, 6, 20), org=cast.branch_a1, year=2026, period="H1",
        kind="committee", name="支委会评议", indicators=FORM, opens_at=at(7, 6),
        closes_at=at(7, 9),
    )  # fmt: skip
    ballot_submit(actor=act(cast.carol, 7, 7), round_=committee, ratee=cast.member_a1,
                  scores={"I1": "18.5", "I2": "20", "I3": "25"})  # fmt: skip
    # a peer round of one ballot: its averages stay hidden, so they feed nothing
    peer = round_create(
        actor=act(cast.carol, 6, 20), org=cast.branch_a1, year=2026, period="H1", kind="peer",
        name="互评", indicators=FORM, opens_at=at(6, 25), closes_at=at(7, 5),
    )  # fmt: skip
    ballot_submit(actor=act(cast.erin, 7, 1), round_=peer, ratee=cast.member_a1,
                  scores={"I1": "1", "I2": "1", "I3": "1"})  # fmt: skip
    choice_save(actor=act(cast.cathy, 2, 22), member=cast.member_a1, year=2026,
                stars=["self-4"])  # fmt: skip
    criteria_assess(actor=act(cast.cathy, 7, 8), subject=cast.member_a1, year=2026,
                    met={"common-2": True}, note="坚持夜校学习")  # fmt: skip
    post_set(actor=act(cast.carol, 1, 10), member=cast.member_a1, year=2026,
             title="环境卫生监督岗", duties="负责三组卫生责任区")  # fmt: skip

    got = member_standards(member=cast.member_a1, year=2026, now=at(7, 10))
    stars = _by_code(got)
    # 5 common + the 3 duty stars of an ordinary member + the 1 self-chosen star picked
    assert list(stars) == ["common-1", "common-2", "common-3", "common-4", "common-5",
                           "duty-1", "duty-2", "duty-5", "self-4"]  # fmt: skip
    assert got.expectation == "普通党员：设岗定责"
    assert got.post is not None and got.post.title == "环境卫生监督岗"
    assert got.notes == ["自选星应选2颗，已选1颗"]
    expected = {
        "common-1": (MET, "支委会评议‘政治表现’平均 18.5/20（1票）"),
        "common-2": (MET, "支委会评定：达标（坚持夜校学习）"),
        "common-3": (MET, "已签字的2个季度无违规扣分"),
        "common-4": (
            UNMET,
            "已签字的2个季度未获‘参加志愿服务（每次）’积分；"
            "支委会评议‘作用发挥’平均 20/50（1票），未达满分的60%",
        ),
        "common-5": (MET, "支委会评议‘群众口碑’平均 25/30（1票）"),
        "duty-1": (
            UNMET,
            "已签字的2个季度未获‘亮承诺：带头发展产业’积分；"
            "支委会评议‘作用发挥’平均 20/50（1票），未达满分的60%",
        ),
        "duty-2": (MET, "已获‘调解邻里纠纷（每次）’积分 5 分（1 条）"),
        "duty-5": (MET, "已获‘清扫积雪（每次）’积分 1 分（1 条）"),
        "self-4": (MET, "已获‘帮扶困难群众（每次）’积分 5 分（1 条）"),
    }
    assert {c: (s.state, s.reason) for c, s in stars.items()} == expected
    assert got.lit == 7 and stars["common-2"].assessed and not stars["common-1"].assessed
    # before the rounds close and before any quarter is signed: pending, not unlit
    early = _by_code(member_standards(member=cast.member_b1, year=2026, now=at(7, 10)))
    assert {s.state for s in early.values()} == {PENDING}


def test_a_members_named_stars_cost_the_same_few_queries(
    scored: Cast,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    member = scored.member_a1
    member.branch  # noqa: B018 - the page's member comes with its branch
    # scheme, post, choice, awards, signed quarters, points by item, item names, ballots,
    # their rounds' forms
    with django_assert_max_num_queries(9):
        member_standards(member=member, year=2026, now=at(7, 10))


def test_a_village_organisations_named_stars_follow_its_plan(scored: Cast) -> None:
    cast = scored
    scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2026,
                       preset="bayannur-532-org")  # fmt: skip
    before = org_standards(org=cast.branch_a1, year=2026, now=at(7, 10))
    assert [s.code for s in before.stars] == ["common-1", "common-2", "common-3", "common-4",
                                              "common-5"]  # fmt: skip
    assert before.notes == ["尚未制定报星计划：职责星和自选星待选定"]
    plan_save(actor=act(cast.carol, 2, 10), org=cast.branch_a1, year=2026,
              duty_stars=["duty-2", "duty-3", "duty-4"], self_stars=["self-2", "self-3"],
              measures="", consultation="")  # fmt: skip
    got = _by_code(org_standards(org=cast.branch_a1, year=2026, now=at(7, 10)))
    assert list(got)[5:] == ["duty-2", "duty-3", "duty-4", "self-2", "self-3"]
    # an item feeds an organisation's star by its members' counted points (清扫积雪 ×2)
    assert (got["duty-2"].state, got["duty-2"].reason) == (
        MET, "已获‘清扫积雪（每次）’积分 2 分（2 条）"
    )  # fmt: skip
    assert got["self-3"].state == PENDING and got["self-3"].reason == "待乡镇党委评定"


def test_the_count_follows_a_named_star_only_where_the_scheme_counts_them(scored: Cast) -> None:
    """bayannur-532: the 60/20/20 score sets the count, a named star assessed changes nothing;
    sanmenxia-5star: the count is the named stars met."""
    cast = scored
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=at(7, 10))
    wang = Rating.objects.get(member=cast.member_a1, period="Y")
    every = {code: True for code in ("common-1", "common-2", "common-3", "common-4", "common-5")}
    criteria_assess(actor=act(cast.cathy, 7, 11), subject=cast.member_a1, year=2026, met=every)
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=at(7, 12))
    again = Rating.objects.get(member=cast.member_a1, period="Y")
    assert (again.stars, again.score) == (wang.stars, wang.score)

    scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2026,
                       preset="sanmenxia-5star")  # fmt: skip
    criteria_assess(actor=act(cast.bob, 7, 11), subject=cast.branch_a1, year=2026,
                    met={"bastion": True, "vanguard": True})  # fmt: skip
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=at(7, 12))
    assert Rating.objects.get(org=cast.branch_a1, period="Y").stars == 2
    criteria_assess(actor=act(cast.bob, 7, 13), subject=cast.branch_a1, year=2026,
                    met={"harmony": True})  # fmt: skip
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=at(7, 14))
    assert Rating.objects.get(org=cast.branch_a1, period="Y").stars == 3
    # and its named stars wait for the township, whatever the data say
    shown = org_standards(org=cast.branch_a1, year=2026, now=at(7, 14))
    assert shown.counting and shown.lit == 3
    assert {s.state for s in shown.stars if not s.assessed} == {PENDING}
    # the API explains the organisation's rating as its star page does
    url = f"/api/v1/stars/orgs/{cast.branch_a1.pk}/ratings"
    got = signed_in(cast.bob).get(url)
    assert got.status_code == 200, got.content
    year = next(r for r in got.json() if r["year"] == 2026 and r["period"] == "Y")
    assert (year["stars"], year["scheme"]) == (3, "三门峡“五星争创”党支部")
    assert signed_in(cast.dave).get(url).status_code == 404
    assert Client().get(url).status_code == 401


# --- posts and duties (设岗定责) ---------------------------------------------------------------


def test_the_branch_sets_a_members_post_and_duties_audited(cast: Cast) -> None:
    """000: "普通党员设岗定责": the branch's secretary or committee, nobody else."""
    post = post_set(actor=act(cast.carol, 1, 10), member=cast.member_a1, year=2026,
                    title=" 环境卫生监督岗 ", duties="负责三组卫生责任区")  # fmt: skip
    assert (post.title, post.set_by) == ("环境卫生监督岗", cast.carol)
    post_set(actor=act(cast.cathy, 3, 1), member=cast.member_a1, year=2026,
             title="政策宣传岗", duties="")  # fmt: skip
    post_set(
        actor=act(cast.cathy, 3, 2), member=cast.member_a1, year=2026, title="政策宣传岗", duties=""
    )  # the same again: no change, no audit row
    assert MemberPost.objects.get().title == "政策宣传岗"
    events = list(AuditEvent.objects.filter(action="stars.post.set").order_by("pk"))
    assert [(e.after or {})["title"] for e in events] == ["环境卫生监督岗", "政策宣传岗"]
    assert events[-1].before == {"title": "环境卫生监督岗", "duties": "负责三组卫生责任区"}
    for who in (cast.bob, cast.alice, cast.erin, cast.gina, cast.dave):  # township, county…
        with pytest.raises(PermissionDenied):
            post_set(actor=act(who, 3, 3), member=cast.member_a1, year=2026, title="岗", duties="")
    with pytest.raises(PermissionDenied):  # another branch's member
        post_set(actor=act(cast.carol, 3, 3), member=cast.member_b1, year=2026, title="岗",
                 duties="")  # fmt: skip
    with pytest.raises(ServiceError, match="请填写岗位名称"):
        post_set(actor=act(cast.carol, 3, 3), member=cast.member_a1, year=2026, title=" ",
                 duties="")  # fmt: skip
    with pytest.raises(ServiceError, match="岗位职责不能超过1000个字"):
        post_set(actor=act(cast.carol, 3, 3), member=cast.member_a1, year=2026, title="岗",
                 duties="字" * 1001)  # fmt: skip


def test_the_posts_page_lists_the_members_and_saves_a_row(cast: Cast) -> None:
    url = reverse("stars:posts", args=[cast.branch_a1.pk])
    carol = signed_in(cast.carol)
    page = carol.get(url, {"year": 2026})
    assert page.status_code == 200
    text = page.content.decode()
    assert "王甲" in text and "普通党员：设岗定责" in text and 'hx-post="' in text
    row = reverse("stars:post_set", args=[cast.branch_a1.pk, cast.member_a1.pk]) + "?year=2026"
    prefix = f"m{cast.member_a1.pk}"
    saved = carol.post(row, {f"{prefix}-title": "环境卫生监督岗", f"{prefix}-duties": "三组"},
                       headers={"HX-Request": "true"})  # fmt: skip
    assert saved.status_code == 200 and f'id="post-{cast.member_a1.pk}"' in saved.content.decode()
    assert MemberPost.objects.get(member=cast.member_a1).duties == "三组"
    refused = carol.post(row, {f"{prefix}-title": "岗", f"{prefix}-duties": "字" * 1001},
                         headers={"HX-Request": "true"})  # fmt: skip
    assert "1000" in refused.content.decode()  # the form says why, in the swapped row
    plain = carol.post(row, {f"{prefix}-title": "政策宣传岗", f"{prefix}-duties": ""})
    assert plain.status_code == 302
    # the township sees the posts, without the forms; it sets none
    bob = signed_in(cast.bob)
    seen = bob.get(url, {"year": 2026}).content.decode()
    assert "政策宣传岗" in seen and "hx-post" not in seen
    assert bob.post(row, {f"{prefix}-title": "岗"}).status_code == 403
    assert signed_in(cast.dave).get(url).status_code == 404  # another township's
    assert carol.get(reverse("stars:posts", args=[cast.village_a1.pk])).status_code == 404


def test_the_member_page_shows_the_named_stars_the_kinds_duties_and_the_post(
    scored: Cast,
) -> None:
    cast = scored
    post_set(actor=act(cast.carol, 1, 10), member=cast.member_a1, year=2026,
             title="环境卫生监督岗", duties="负责三组卫生责任区")  # fmt: skip
    page = signed_in(cast.carol).get(
        reverse("stars:member_stars", args=[cast.member_a1.pk]), {"year": 2026}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "普通党员：设岗定责" in text and "环境卫生监督岗" in text and "设岗定责星" in text
    assert "已签字的2个季度无违规扣分" in text
    assert reverse("stars:posts", args=[cast.branch_a1.pk]) in text
    mine = signed_in(cast.erin).get(reverse("stars:my_stars"), {"year": 2026}).content.decode()
    assert "遵规守纪星" in mine and reverse("stars:posts", args=[cast.branch_a1.pk]) not in mine
    board = signed_in(cast.carol).get(reverse("stars:board", args=[cast.branch_a1.pk]))
    named = reverse("stars:org_named", args=[cast.branch_a1.pk])
    assert named in board.content.decode()
    assert signed_in(cast.bob).get(named, {"year": 2026}).status_code == 200
    assert signed_in(cast.dave).get(named).status_code == 404


def test_the_api_gives_the_named_stars_and_the_posts(scored: Cast) -> None:
    cast = scored
    carol = signed_in(cast.carol)
    url = f"/api/v1/stars/members/{cast.member_a1.pk}/standards"
    got = carol.get(url, {"year": 2026})
    assert got.status_code == 200
    body = got.json()
    assert body["expectation"] == "普通党员：设岗定责" and not body["counting"]
    star = {s["code"]: s for s in body["stars"]}["common-3"]
    assert star == {
        "code": "common-3", "name": "遵规守纪星", "menu": "common", "state": "met", "lit": True,
        "reason": "已签字的2个季度无违规扣分", "assessed": False,
    }  # fmt: skip
    assert signed_in(cast.erin).get("/api/v1/stars/me/standards", {"year": 2026}).json()["stars"]
    assert signed_in(cast.dave).get(url, {"year": 2026}).status_code == 404
    put = f"/api/v1/stars/members/{cast.member_a1.pk}/post?year=2026"
    made = carol.put(put, {"title": "政策宣传岗", "duties": "每月宣讲"},
                     content_type="application/json")  # fmt: skip
    assert made.status_code == 200 and made.json()["title"] == "政策宣传岗"
    bad = carol.put(put, {"title": " "}, content_type="application/json")
    assert bad.status_code == 400 and "岗位名称" in bad.json()["detail"]
    bob = signed_in(cast.bob)
    assert bob.put(put, {"title": "岗"}, content_type="application/json").status_code == 403
    listed = bob.get(f"/api/v1/stars/orgs/{cast.branch_a1.pk}/posts", {"year": 2026}).json()
    assert {r["name"]: r["title"] for r in listed} == {"李二妮": "", "王甲": "政策宣传岗"}
    org = bob.get(f"/api/v1/stars/orgs/{cast.branch_a1.pk}/standards", {"year": 2026})
    assert org.status_code == 200 and org.json()["stars"] == []  # no organisation scheme yet
    assert Client().get(url, {"year": 2026}).status_code == 401
