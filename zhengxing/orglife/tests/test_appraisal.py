"""Democratic appraisal of members (民主评议党员): grades 优秀/合格/基本合格/不合格 from the
ballots, the county's cap on 优秀's share, the posted result, and 不合格 opening the county's
follow-up."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.tests.conftest import as_
from zhengxing.orglife.appraisal_rules import ballot_problem, excellent_allowed, grade_of, outcome
from zhengxing.orglife.models import AppraisalBallot, AppraisalResult
from zhengxing.orglife.services import (
    appraisal_open,
    appraisal_policy_set,
    appraisal_post,
    appraisal_vote,
)
from zhengxing.orglife.services.appraisal import appraised_members
from zhengxing.orgs.selectors import forget_scope
from zhengxing.testing import Cast, add_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("votes", "grade"),
    [
        ({}, "qualified"),
        ({"excellent": 3, "qualified": 2}, "excellent"),
        ({"excellent": 2, "qualified": 2}, "qualified"),
        ({"basic": 2, "unqualified": 1, "qualified": 2}, "basic"),
        ({"unqualified": 3, "qualified": 2}, "unqualified"),
    ],
)
def test_a_grade_from_the_ballots(votes: dict[str, int], grade: str) -> None:
    assert grade_of(Counter(votes)) == grade


def test_the_cap_keeps_the_most_excellent_votes_and_ties_go_by_name() -> None:
    members = {1: "甲", 2: "乙", 3: "丙", 4: "丁", 5: "戊"}
    tallies = {pk: Counter({"excellent": 3, "qualified": 1}) for pk in (1, 2, 3)}
    tallies[2] = Counter({"excellent": 4})
    # 20% of 5 members: one 优秀, the one with every vote 优秀
    assert outcome(tallies, members=members, cap_percent=20) == {
        1: "qualified", 2: "excellent", 3: "qualified", 4: "qualified", 5: "qualified"
    }  # fmt: skip
    assert excellent_allowed(5, 40) == 2 and excellent_allowed(4, 20) == 0


def test_a_round_voted_and_posted_under_the_countys_cap_with_the_follow_up(cast: Cast) -> None:
    appraisal_policy_set(
        actor=as_(cast.alice), county=cast.county, excellent_cap=50, follow_up="限期改正半年"
    )
    with pytest.raises(PermissionDenied):
        appraisal_policy_set(
            actor=as_(cast.bob), county=cast.county, excellent_cap=90, follow_up="x"
        )
    round_ = appraisal_open(actor=as_(cast.carol), branch=cast.branch_a1, year=2026)
    assert round_.excellent_cap == 50
    # 王甲 gets a vote through a login of his own
    cast.member_a1.user = cast.gina
    cast.member_a1.save(update_fields=["user"])
    forget_scope(cast.gina)
    erin, wang = cast.erin_member, cast.member_a1
    with pytest.raises(ServiceError, match="请为每位党员评定等次（还缺：王甲）"):
        appraisal_vote(actor=as_(cast.erin), appraisal=round_, voter=erin, grades={})
    appraisal_vote(
        actor=as_(cast.erin), appraisal=round_, voter=erin, grades={wang.pk: "unqualified"}
    )
    appraisal_vote(
        actor=as_(cast.gina), appraisal=round_, voter=wang, grades={erin.pk: "excellent"}
    )
    with pytest.raises(PermissionDenied):  # voting for another
        appraisal_vote(
            actor=as_(cast.erin), appraisal=round_, voter=wang, grades={erin.pk: "basic"}
        )
    appraisal_post(actor=as_(cast.carol), appraisal=round_)
    results = {r.member.name: (r.grade, r.follow_up) for r in AppraisalResult.objects.all()}
    assert results == {"李二妮": ("excellent", ""), "王甲": ("unqualified", "限期改正半年")}
    with pytest.raises(ServiceError, match="民主评议结果已公布，不能再投票") as closed:
        appraisal_vote(
            actor=as_(cast.erin), appraisal=round_, voter=erin, grades={wang.pk: "qualified"}
        )
    assert closed.value.code == "round_closed"
    with pytest.raises(ServiceError, match="2026年的民主评议已经开始"):
        appraisal_open(actor=as_(cast.cathy), branch=cast.branch_a1, year=2026)


@pytest.mark.parametrize(
    ("excellent", "members", "cap", "problem"),
    [
        (0, 5, 20, None),
        (1, 5, 20, None),
        (2, 5, 20, "评为优秀的不能超过1人（本支部5名党员的20%），这张选票评了2人"),
        (6, 31, 20, None),
        (7, 31, 20, "评为优秀的不能超过6人（本支部31名党员的20%），这张选票评了7人"),
        (1, 4, 20, "本支部4名党员，按20%的比例不能评优秀，这张选票评了1人"),
        (0, 4, 0, None),
    ],
)
def test_a_ballot_naming_more_excellent_than_the_cap_is_refused_whole(
    excellent: int, members: int, cap: int, problem: str | None
) -> None:
    """ "对…评选过程不公正…的情况给予通报" (003): a ballot cannot make everyone 优秀; the other
    grades are free."""
    grades = {pk: "excellent" if pk < excellent else "basic" for pk in range(members - 1)}
    assert ballot_problem(grades, members=members, cap_percent=cap) == problem


def test_without_a_county_policy_a_fifth_of_the_members_may_be_excellent(
    cast: Cast,
) -> None:
    round_ = appraisal_open(actor=as_(cast.carol), branch=cast.branch_a1, year=2026)
    assert round_.excellent_cap == 20
    for n in range(3):
        add_member(cast.county, "A1B", name=f"党员{n}")
    others = [pk for pk in appraised_members(cast.branch_a1) if pk != cast.erin_member.pk]
    # 5 members, 20%: one 优秀 on a ballot; four are refused, nothing written
    with pytest.raises(ServiceError) as over:
        appraisal_vote(
            actor=as_(cast.erin), appraisal=round_, voter=cast.erin_member,
            grades=dict.fromkeys(others, "excellent"),
        )  # fmt: skip
    assert str(over.value) == "评为优秀的不能超过1人（本支部5名党员的20%），这张选票评了4人"
    assert over.value.code == "invalid" and not AppraisalBallot.objects.exists()
    grades = {pk: "excellent" if pk == others[0] else "qualified" for pk in others}
    appraisal_vote(actor=as_(cast.erin), appraisal=round_, voter=cast.erin_member, grades=grades)
    appraisal_post(actor=as_(cast.carol), appraisal=round_)
    grades_posted = Counter(AppraisalResult.objects.values_list("grade", flat=True))
    assert grades_posted == Counter({"excellent": 1, "qualified": 4})
