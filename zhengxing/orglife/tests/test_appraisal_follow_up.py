"""A 不合格's follow-up as a procedure (democratic appraisal, 民主评议党员): the steps the county
defines, by default the Party's own rule (党章第九条: "要求他限期改正；经教育仍无转变的，应当劝他
退党。……如被劝告退党的党员坚持不退，应当提交支部党员大会讨论，决定把他除名"), each recorded by the
branch with the date, who and the outcome; those past their deadline listed for the township.
003: 总评 is "党员奖惩的重要依据"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.tests.conftest import NOW, as_
from zhengxing.orglife.models import AppraisalPolicy, AppraisalResult, FollowUpStep
from zhengxing.orglife.selectors import follow_ups_overdue
from zhengxing.orglife.services import (
    appraisal_open,
    appraisal_policy_set,
    appraisal_post,
    appraisal_vote,
    follow_up_record,
)
from zhengxing.orgs.selectors import forget_scope
from zhengxing.testing import Cast

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # 30 June 2026


def unqualified(cast: Cast) -> AppraisalResult:
    """The branch's round posted with 王甲 不合格 (李二妮's only ballot says so)."""
    round_ = appraisal_open(actor=as_(cast.carol), branch=cast.branch_a1, year=2026)
    cast.member_a1.user = cast.gina
    cast.member_a1.save(update_fields=["user"])
    forget_scope(cast.gina)
    erin, wang = cast.erin_member, cast.member_a1
    appraisal_vote(
        actor=as_(cast.erin), appraisal=round_, voter=erin, grades={wang.pk: "unqualified"}
    )
    appraisal_post(actor=as_(cast.carol), appraisal=round_)
    return AppraisalResult.objects.get(member=wang)


def later(cast: Cast, days: int) -> Actor:
    return as_(cast.carol, NOW + dt.timedelta(days=days))


def test_a_unqualified_member_gets_the_partys_steps_in_order(cast: Cast) -> None:
    """Without a county policy: 限期改正 (90 days), then 劝其退党, then 除名."""
    result = unqualified(cast)
    (first,) = result.steps.all()
    assert (first.order, first.name, first.opened_on, first.due_on) == (
        1, "限期改正", TODAY, TODAY + dt.timedelta(days=90)
    )  # fmt: skip
    # 经教育仍无转变: the branch records it and the next step opens from that day
    on = TODAY + dt.timedelta(days=80)
    follow_up_record(
        actor=later(cast, 85), step=first, outcome="escalate", note="谈话三次，仍未改正", on=on
    )
    first.refresh_from_db()
    assert (first.recorded_on, first.recorded_by, first.outcome) == (on, cast.carol, "escalate")
    second = result.steps.get(order=2)
    assert (second.name, second.opened_on, second.due_on) == (
        "劝其退党", on, on + dt.timedelta(days=30)
    )  # fmt: skip
    result.refresh_from_db()
    assert result.follow_up_done_at is None
    third_day = TODAY + dt.timedelta(days=100)
    follow_up_record(
        actor=later(cast, 100), step=second, outcome="escalate", note="坚持不退", on=third_day
    )
    third = result.steps.get(order=3)
    assert third.name == "除名"
    with pytest.raises(ServiceError, match="“除名”已是县里规定的最后一步"):
        follow_up_record(actor=later(cast, 101), step=third, outcome="escalate", note="x")
    follow_up_record(
        actor=later(cast, 101), step=third, outcome="concluded", note="支部党员大会决定除名"
    )
    result.refresh_from_db()
    assert result.follow_up_done_at is not None
    assert AuditEvent.objects.filter(action="orglife.appraisal.follow_up").count() == 3


def test_a_member_who_corrects_ends_the_follow_up(cast: Cast) -> None:
    result = unqualified(cast)
    follow_up_record(actor=later(cast, 30), step=result.steps.get(), outcome="corrected")
    result.refresh_from_db()
    assert result.follow_up_done_at is not None and result.steps.count() == 1


def test_a_step_is_recorded_once_by_the_branch_on_a_date_that_makes_sense(cast: Cast) -> None:
    step = unqualified(cast).steps.get()
    with pytest.raises(PermissionDenied):  # a member may not record it
        follow_up_record(actor=as_(cast.erin), step=step, outcome="corrected")
    with pytest.raises(ServiceError, match="办理日期须在2026-06-30到今天之间"):
        follow_up_record(
            actor=as_(cast.carol), step=step, outcome="corrected", on=TODAY + dt.timedelta(1)
        )
    with pytest.raises(ServiceError, match="请选择处理结果"):
        follow_up_record(actor=as_(cast.carol), step=step, outcome="maybe")
    with pytest.raises(ServiceError, match="情况说明"):  # not corrected: say why
        follow_up_record(actor=as_(cast.carol), step=step, outcome="escalate")
    follow_up_record(actor=as_(cast.carol), step=step, outcome="corrected")
    with pytest.raises(ServiceError, match="“限期改正”已经登记过") as twice:
        follow_up_record(actor=as_(cast.cathy), step=step, outcome="corrected")
    assert twice.value.code == "conflict"


def test_the_county_defines_the_steps_and_a_round_keeps_those_it_opened_with(cast: Cast) -> None:
    with pytest.raises(ServiceError, match="第1步的期限须为1到365天"):
        appraisal_policy_set(
            actor=as_(cast.alice), county=cast.county, excellent_cap=20, follow_up="限期改正",
            steps=[("限期改正", 0)],
        )  # fmt: skip
    with pytest.raises(ServiceError, match="不合格的后续处理须有1到6步"):
        appraisal_policy_set(
            actor=as_(cast.alice), county=cast.county, excellent_cap=20, follow_up="x", steps=[]
        )
    assert not AppraisalPolicy.objects.exists()
    appraisal_policy_set(
        actor=as_(cast.alice), county=cast.county, excellent_cap=20, follow_up="限期半年改正",
        steps=[("限期改正", 180), ("劝其退党", 60)],
    )  # fmt: skip
    event = AuditEvent.objects.get(action="orglife.appraisal.policy")
    assert "限期改正（180天）、劝其退党（60天）" in event.summary
    step = unqualified(cast).steps.get()
    assert step.due_on == TODAY + dt.timedelta(days=180)
    # the county changes its mind: the open round keeps its steps
    appraisal_policy_set(
        actor=as_(cast.alice), county=cast.county, excellent_cap=20, follow_up="x",
        steps=[("谈话", 10)],
    )  # fmt: skip
    follow_up_record(actor=later(cast, 5), step=step, outcome="escalate", note="未改正")
    assert FollowUpStep.objects.get(order=2).name == "劝其退党"


def test_the_township_sees_the_steps_past_their_deadline(cast: Cast) -> None:
    step = unqualified(cast).steps.get()
    due = step.due_on
    assert not follow_ups_overdue(user=cast.bob, org=cast.town_a, today=due).exists()
    (late,) = follow_ups_overdue(user=cast.bob, org=cast.town_a, today=due + dt.timedelta(1))
    assert (late.pk, late.result.member.name) == (step.pk, "王甲")
    assert follow_ups_overdue(user=cast.alice, org=cast.root, today=due + dt.timedelta(1))
    with pytest.raises(Http404):  # another township's
        follow_ups_overdue(user=cast.dave, org=cast.town_a, today=due)
    follow_up_record(actor=later(cast, 95), step=step, outcome="corrected")
    assert not follow_ups_overdue(user=cast.bob, org=cast.town_a, today=due + dt.timedelta(9))


def test_the_demo_posts_one_branchs_appraisal_and_leaves_the_logins_branch_open(
    cast: Cast,
) -> None:
    """The demo: the branch after the member login's (乙一村's here) posted, every ballot
    counted, 优秀 within the default 20%, one 基本合格 and one 不合格 whose 限期改正 is open and
    not yet due; the member login's branch (甲一村's) open for the ballot to be seen and cast,
    every member but the logins and the elderly having voted, each ballot within the cap."""
    from collections import Counter

    from zhengxing.orglife.appraisal_rules import ballot_problem
    from zhengxing.orglife.demo_appraisal import demo_appraisal
    from zhengxing.orglife.models import AppraisalBallot, AppraisalRound
    from zhengxing.testing import add_member

    for n in range(9):
        add_member(cast.county, "B1B", name=f"乙党员{n}")
    voted = {add_member(cast.county, "A1B", name=f"甲党员{n}").pk for n in range(3)}
    add_member(cast.county, "A1B", name="老党员", category="elderly")
    assert demo_appraisal(cast.county, seed=3) == 10
    posted = AppraisalRound.objects.get(posted_at__isnull=False)
    assert posted.branch == cast.branch_b1
    grades = Counter(AppraisalResult.objects.values_list("grade", flat=True))
    assert grades["basic"] == 1 and grades["unqualified"] == 1
    assert 1 <= grades["excellent"] <= 2  # 20% of 10
    (step,) = FollowUpStep.objects.all()
    assert (step.name, step.recorded_on, step.due_on) == ("限期改正", None, dt.date(2027, 3, 3))
    open_ = AppraisalRound.objects.get(posted_at__isnull=True)
    assert open_.branch == cast.branch_a1
    ballots = AppraisalBallot.objects.filter(round=open_)
    assert set(ballots.values_list("voter_id", flat=True)) == voted | {cast.member_a1.pk}
    for voter in voted:
        cast_grades = dict(ballots.filter(voter_id=voter).values_list("ratee_id", "grade"))
        assert len(cast_grades) == 5
        assert ballot_problem(cast_grades, members=6, cap_percent=20) is None
