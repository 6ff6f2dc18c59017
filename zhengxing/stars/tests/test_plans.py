"""Star plans (报星), self-chosen stars and named-star assessments: who may write each, what is
refused (in Chinese, nothing written), the plan's way through the township, and the criteria
scheme computed from the assessments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.stars.compute import recompute
from zhengxing.stars.models import (
    Consequence,
    CriteriaAward,
    PlanStatus,
    Rating,
    StarChoice,
    StarPlan,
)
from zhengxing.stars.plans import choice_save, plan_review, plan_save, plan_submit
from zhengxing.stars.presets import PRESETS
from zhengxing.stars.services import criteria_assess, ratings_finalise, scheme_from_preset
from zhengxing.testing import SYSTEM, Cast

from .conftest import act, at


def _draft(cast: Cast, **overrides: object) -> StarPlan:
    values: dict[str, object] = {
        "duty_stars": ["duty-1", "duty-3", "duty-4"],
        "self_stars": ["self-2", "self-3"],
        "measures": "发展肉羊养殖合作社",
        "consultation": "2月10日党员大会征求意见，全体同意",
    }
    values.update(overrides)
    return plan_save(
        actor=act(cast.carol, 2, 12),
        org=cast.branch_a1,
        year=2026,
        **values,  # type: ignore[arg-type]
    )


def test_a_plan_is_drafted_submitted_returned_and_approved(schemes: Cast) -> None:
    cast = schemes
    plan = _draft(cast)
    assert (plan.status, plan.duty_stars, plan.self_stars) == (
        PlanStatus.DRAFT,
        ["duty-1", "duty-3", "duty-4"],
        ["self-2", "self-3"],
    )
    plan = plan_submit(actor=act(cast.cathy, 2, 13), plan=plan)
    with pytest.raises(ServiceError, match="已提交乡镇党委，不能再修改"):
        _draft(cast)
    with pytest.raises(ServiceError, match="退回报星计划请说明理由"):
        plan_review(actor=act(cast.bob, 2, 14), plan=plan, approve=False)
    plan = plan_review(actor=act(cast.bob, 2, 14), plan=plan, approve=False, reason="措施不具体")
    assert (plan.status, plan.review_reason) == (PlanStatus.RETURNED, "措施不具体")
    plan = _draft(cast, measures="建成200只规模的肉羊合作社，带动10户")
    plan = plan_submit(actor=act(cast.carol, 2, 16), plan=plan)
    plan = plan_review(actor=act(cast.bob, 2, 17), plan=plan, approve=True)
    assert plan.status == PlanStatus.APPROVED and plan.reviewed_by == cast.bob
    with pytest.raises(ServiceError, match="只能审核已提交的"):
        plan_review(actor=act(cast.bob, 2, 18), plan=plan, approve=True)
    actions = list(
        AuditEvent.objects.filter(object_type="star_plan")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "stars.plan.save",
        "stars.plan.submit",
        "stars.plan.return",
        "stars.plan.save",
        "stars.plan.submit",
        "stars.plan.approve",
    ]


def test_plans_refuse_bad_stars_and_the_wrong_people(schemes: Cast) -> None:
    cast = schemes
    with pytest.raises(ServiceError, match="没有的星目：duty-9"):
        _draft(cast, duty_stars=["duty-9"])
    with pytest.raises(ServiceError, match="自选星中有本方案没有的星目：self-9"):
        _draft(cast, self_stars=["self-1", "self-2", "self-1 ", "self-9"])
    # 000's "532": 3 duty stars and 2 self-chosen, picked from longer menus
    with pytest.raises(ServiceError, match="自选星最多选2颗，现选了3颗"):
        _draft(cast, self_stars=["self-1", "self-2", "self-3"])
    with pytest.raises(ServiceError, match="职责星最多选3颗"):
        _draft(cast, duty_stars=["duty-1", "duty-2", "duty-3", "duty-4"])
    with pytest.raises(ServiceError, match="请至少选择一颗"):
        _draft(cast, duty_stars=[], self_stars=[])
    with pytest.raises(PermissionDenied):  # another township's secretary… or a member
        plan_save(
            actor=act(cast.erin, 2, 12), org=cast.branch_a1, year=2026, duty_stars=["duty-1"],
            self_stars=[], measures="", consultation="",
        )  # fmt: skip
    assert not StarPlan.objects.exists()
    plan = _draft(cast, consultation="")
    with pytest.raises(ServiceError, match="请先填写征求党员意见"):
        plan_submit(actor=act(cast.carol, 2, 13), plan=plan)
    plan = _draft(cast, duty_stars=["duty-1", "duty-2"])
    with pytest.raises(ServiceError, match="报星计划应选定3颗职责星，现为2颗"):
        plan_submit(actor=act(cast.carol, 2, 13), plan=plan)
    plan = _draft(cast)
    plan = plan_submit(actor=act(cast.carol, 2, 13), plan=plan)
    for reviewer in (cast.carol, cast.dave):  # the branch itself; the other township
        with pytest.raises(PermissionDenied):
            plan_review(actor=act(reviewer, 2, 14), plan=plan, approve=True)
    with pytest.raises(ServiceError, match="还没有列出职责星和自选星"):
        plan_save(
            actor=act(cast.carol, 2, 12), org=cast.branch_a1, year=2027, duty_stars=["duty-1"],
            self_stars=[], measures="", consultation="",
        )  # fmt: skip


def test_a_member_chooses_self_stars_and_may_change_them(schemes: Cast) -> None:
    cast = schemes
    choice = choice_save(
        actor=act(cast.erin, 2, 20), member=cast.erin_member, year=2026, stars=["self-2"]
    )
    assert choice.stars == ["self-2"]
    choice = choice_save(
        actor=act(cast.erin, 2, 21),
        member=cast.erin_member,
        year=2026,
        stars=["self-2", "self-1"],
    )
    assert StarChoice.objects.get().stars == ["self-1", "self-2"]  # the scheme's order
    with pytest.raises(ServiceError, match="没有的星目：duty-1"):
        choice_save(
            actor=act(cast.erin, 2, 22), member=cast.erin_member, year=2026, stars=["duty-1"]
        )
    # 000: members choose "从诚实守信、科学种养、服务群众、干净人家等方面" — 服务群众 among them
    with pytest.raises(ServiceError, match="自选星最多选2颗"):
        choice_save(actor=act(cast.erin, 2, 22), member=cast.erin_member, year=2026,
                    stars=["self-1", "self-3", "self-4"])  # fmt: skip
    names = dict(PRESETS["bayannur-532"].criteria)
    assert names["self-4"] == "服务群众星" and "服务群众星" not in {
        n for c, n in names.items() if c.startswith("duty-")
    }
    with pytest.raises(PermissionDenied):  # erin for someone else
        choice_save(actor=act(cast.erin, 2, 22), member=cast.member_a1, year=2026, stars=[])
    # the committee may record a member's choice for them
    choice_save(actor=act(cast.cathy, 2, 22), member=cast.member_a1, year=2026, stars=["self-1"])
    assert StarChoice.objects.count() == 2


def test_named_stars_assessed_make_a_criteria_rating_with_its_tier(cast: Cast) -> None:
    scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia-5star"
    )
    met = {"bastion": True, "vanguard": True, "harmony": True, "mechanism": True}
    assert (
        criteria_assess(
            actor=act(cast.bob, 12, 20), subject=cast.branch_a1, year=2026, met=met
        ).changed
        == 4
    )
    # the same form again changes nothing; a star turned off is a change
    assert (
        criteria_assess(
            actor=act(cast.bob, 12, 20), subject=cast.branch_a1, year=2026, met=met
        ).changed
        == 0
    )
    criteria_assess(
        actor=act(cast.bob, 12, 21),
        subject=cast.branch_a1,
        year=2026,
        met={"satisfaction": True, "harmony": False},
    )
    with pytest.raises(ServiceError, match="本方案没有这些星目：gold"):
        criteria_assess(actor=act(cast.bob, 12, 21), subject=cast.branch_a1, year=2026,
                        met={"gold": True, "bastion": False})  # fmt: skip
    assert CriteriaAward.objects.filter(org=cast.branch_a1, met=True).count() == 4
    for who in (cast.carol, cast.dave):  # a branch assesses no organisation; nor another town
        with pytest.raises(PermissionDenied):
            criteria_assess(
                actor=act(who, 12, 22), subject=cast.branch_a1, year=2026, met={"harmony": True}
            )
    recompute(county_id=cast.county.pk, year=2026, period=None, now=at(12, 30))
    a1 = Rating.objects.get(org=cast.branch_a1)
    assert (a1.stars, a1.criteria_met, a1.tier) == (4, 4, "below")
    b1 = Rating.objects.get(org=cast.branch_b1)
    assert (b1.stars, b1.tier) == (0, "below")
    done = ratings_finalise(actor=act(cast.alice, 12, 31), org=cast.root, year=2026, period="Y")
    # 004 names no consequence of a branch's count ("二星及以下：整顿" was in no article)
    assert done.ratings == 2 and not Consequence.objects.exists()


def test_the_county_selects_model_five_star_branches_within_its_quota(cast: Cast) -> None:
    """004: "三门峡市委每年选树100个“五星标兵”村党支部,每村奖励1万元,通过三年努力,使80%的村党支部
    达到“五星级”标准": a selection with a quota and an award, from five-star branches only, and
    the share of five-star branches year by year on the county's board."""
    from django.test import Client

    from zhengxing.stars.models import ModelBranch
    from zhengxing.stars.services import model_branch_select, model_selection_open

    scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2026,
                       preset="sanmenxia-5star")  # fmt: skip
    every = {code: True for code, _ in PRESETS["sanmenxia-5star"].criteria}
    criteria_assess(actor=act(cast.bob, 12, 20), subject=cast.branch_a1, year=2026, met=every)
    recompute(county_id=cast.county.pk, year=2026, period=None, now=at(12, 30))
    ratings_finalise(actor=act(cast.alice, 12, 31), org=cast.root, year=2026, period="Y")
    with pytest.raises(ServiceError, match="2026年的五星标兵遴选尚未开始"):
        model_branch_select(actor=act(cast.alice, 12, 31), county=cast.county, year=2026,
                            org=cast.branch_a1, reason="五星全部达标")  # fmt: skip
    with pytest.raises(PermissionDenied):  # the county selects, not a township
        model_selection_open(actor=act(cast.bob, 12, 31), county=cast.county, year=2026,
                             quota=1, award_yuan=10000)  # fmt: skip
    model_selection_open(actor=act(cast.alice, 12, 31), county=cast.county,
                                     year=2026, quota=1, award_yuan=10000)  # fmt: skip
    with pytest.raises(ServiceError, match="未评定为五星级"):
        model_branch_select(actor=act(cast.alice, 12, 31), county=cast.county, year=2026,
                            org=cast.branch_b1, reason="积极争创")  # fmt: skip
    model_branch_select(actor=act(cast.alice, 12, 31), county=cast.county, year=2026,
                        org=cast.branch_a1, reason="五星全部达标，带动产业增收")  # fmt: skip
    with pytest.raises(ServiceError, match="名额已满（1个）"):
        model_branch_select(actor=act(cast.alice, 12, 31), county=cast.county, year=2026,
                            org=cast.branch_a1, reason="再次入选")  # fmt: skip
    assert ModelBranch.objects.count() == 1
    alice = Client()
    alice.force_login(cast.alice)
    page = alice.get(f"/stars/orgs/{cast.root.pk}/", {"year": 2026})
    html = page.content.decode()
    assert page.status_code == 200 and "五星全部达标" in html
    [share] = [s for s in page.context["shares"] if s.year == 2026]
    assert (share.top, share.rated, share.share) == (1, 2, Decimal("0.5"))
    api = alice.get("/api/v1/stars/model-branches", {"year": 2026}).json()
    assert (api["quota"], api["award_yuan"], [c["org"]["id"] for c in api["chosen"]]) == (
        1,
        10000,
        [cast.branch_a1.pk],
    )
