"""三亮 commitments (003 Gaotai): "党员根据自身实际，围绕理论学习、产业调整、纠纷调解、帮贫助困、
文明新风和环境保护等方面作出公开承诺，承诺内容要有针对性、可操作性。承诺内容经党支部审定…在党务
公开栏向党员群众公示…党支部定期通报党员履诺践诺的情况，并对其作出评价". Everyone acts on 30 June
2026 (ledger/tests/conftest.NOW)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Avg

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.tests.conftest import NOW, as_
from zhengxing.orglife.models import Commitment, CommitmentReview, CommitmentStatus
from zhengxing.orglife.selectors import public_commitments
from zhengxing.orglife.services import (
    commitment_decide,
    commitment_progress_report,
    commitment_propose,
    commitment_review,
)
from zhengxing.testing import Cast

pytestmark = pytest.mark.django_db

PROMISE = "今年为村里3户困难家庭各办一件实事"


@pytest.fixture
def proposed(cast: Cast) -> Commitment:
    return commitment_propose(
        actor=as_(cast.erin),
        member=cast.erin_member,
        field="poverty",
        promise=PROMISE,
        measure="年底由受助户签字确认",
    )


def review_scores(*, county_id: int, year: int, half: int | None = None) -> dict[int, float]:
    """Each member's average review score (0-100) over their approved commitments of the year
    (or of one half), read plainly: what the stars' component `commitment_review` weighs, which
    the recompute reads in SQL (REVIEW_SCORES_SQL; tested in test_commitment_component.py)."""
    reviews = CommitmentReview.objects.filter(
        county_id=county_id, commitment__year=year, commitment__status=CommitmentStatus.APPROVED
    )
    if half is not None:
        reviews = reviews.filter(half=half)
    rows = reviews.values("commitment__member_id").annotate(avg=Avg("score")).order_by()
    return {row["commitment__member_id"]: float(row["avg"]) for row in rows}


def test_a_member_proposes_and_the_branch_approves_it_onto_the_public_board(
    cast: Cast, proposed: Commitment
) -> None:
    assert (proposed.year, proposed.status, proposed.branch_id) == (
        2026, CommitmentStatus.PROPOSED, cast.branch_a1.pk
    )  # fmt: skip
    assert not public_commitments(branch=cast.branch_a1, year=2026).exists()
    commitment_decide(actor=as_(cast.cathy), commitment=proposed, approve=True)
    (posted,) = public_commitments(branch=cast.branch_a1, year=2026)
    assert (posted.member.name, posted.promise) == ("李二妮", PROMISE)
    assert AuditEvent.objects.filter(action="orglife.commitment.approve").exists()


def test_the_fields_are_the_articles_and_a_promise_must_be_specific(cast: Cast) -> None:
    with pytest.raises(
        ServiceError, match="请从理论学习、产业调整、纠纷调解、帮贫助困、文明新风、环境保护中选择"
    ):
        commitment_propose(
            actor=as_(cast.erin),
            member=cast.erin_member,
            field="sports",
            promise=PROMISE,
            measure="x",
        )
    with pytest.raises(ServiceError, match="承诺内容要具体"):
        commitment_propose(
            actor=as_(cast.erin),
            member=cast.erin_member,
            field="study",
            promise="好好学习",
            measure="x",
        )
    with pytest.raises(ServiceError, match="请填写怎样检验"):
        commitment_propose(
            actor=as_(cast.erin),
            member=cast.erin_member,
            field="study",
            promise=PROMISE,
            measure="",
        )
    assert not Commitment.objects.exists()


def test_the_member_proposes_their_own_or_the_committee_types_in_a_paper_one(cast: Cast) -> None:
    for stranger, member in ((cast.dave, cast.erin_member), (cast.erin, cast.member_a1)):
        with pytest.raises(PermissionDenied):
            commitment_propose(
                actor=as_(stranger), member=member, field="study", promise=PROMISE, measure="x"
            )
    typed = commitment_propose(
        actor=as_(cast.carol), member=cast.member_a1, field="study", promise=PROMISE, measure="笔记"
    )
    assert typed.member_id == cast.member_a1.pk


def test_one_per_field_and_year_but_a_returned_one_is_revised(
    cast: Cast, proposed: Commitment
) -> None:
    with pytest.raises(ServiceError, match="你2026年已有“帮贫助困”方面的承诺"):
        commitment_propose(
            actor=as_(cast.erin),
            member=cast.erin_member,
            field="poverty",
            promise=PROMISE,
            measure="x",
        )
    with pytest.raises(ServiceError, match="请填写退回理由"):
        commitment_decide(actor=as_(cast.cathy), commitment=proposed, approve=False)
    commitment_decide(
        actor=as_(cast.cathy), commitment=proposed, approve=False, reason="请写明哪几户"
    )
    revised = commitment_propose(
        actor=as_(cast.erin),
        member=cast.erin_member,
        field="poverty",
        promise="今年为张家、李家、王家各办一件实事",
        measure="年底由受助户签字确认",
    )
    assert (revised.pk, revised.status, revised.return_reason) == (
        proposed.pk, CommitmentStatus.PROPOSED, ""
    )  # fmt: skip


def test_a_decided_commitment_is_not_decided_again_and_others_may_not_decide(
    cast: Cast, proposed: Commitment
) -> None:
    with pytest.raises(PermissionDenied):
        commitment_decide(actor=as_(cast.dave), commitment=proposed, approve=True)
    commitment_decide(actor=as_(cast.cathy), commitment=proposed, approve=True)
    with pytest.raises(ServiceError, match="该承诺已审定") as refused:
        commitment_decide(actor=as_(cast.carol), commitment=proposed, approve=False, reason="x")
    assert refused.value.code == "conflict"


def test_progress_over_the_year_and_the_half_yearly_review(
    cast: Cast, proposed: Commitment
) -> None:
    with pytest.raises(ServiceError, match="承诺经支部审定后才能报告进展"):
        commitment_progress_report(actor=as_(cast.erin), commitment=proposed, text="帮张家收麦")
    commitment_decide(actor=as_(cast.cathy), commitment=proposed, approve=True)
    commitment_progress_report(
        actor=as_(cast.erin),
        commitment=proposed,
        text="帮张家收麦",
        reported_on=dt.date(2026, 6, 10),
    )
    with pytest.raises(ServiceError, match="进展日期须在2026年内，且不晚于今天"):
        commitment_progress_report(
            actor=as_(cast.erin), commitment=proposed, text="x", reported_on=dt.date(2026, 7, 1)
        )
    commitment_review(
        actor=as_(cast.carol), commitment=proposed, half=1, score=85, comment="按期履诺"
    )
    with pytest.raises(ServiceError, match="这半年还没有开始"):
        commitment_review(actor=as_(cast.carol), commitment=proposed, half=2, score=90)
    with pytest.raises(ServiceError, match="评价分须在0到100之间"):
        commitment_review(actor=as_(cast.carol), commitment=proposed, half=1, score=101)
    # reviewed again: the second replaces the first
    commitment_review(actor=as_(cast.carol), commitment=proposed, half=1, score=90)
    assert review_scores(county_id=cast.county.pk, year=2026) == {cast.erin_member.pk: 90.0}
    later = as_(cast.carol, NOW.replace(month=12, day=20))
    commitment_review(actor=later, commitment=proposed, half=2, score=70)
    assert review_scores(county_id=cast.county.pk, year=2026) == {cast.erin_member.pk: 80.0}
    assert review_scores(county_id=cast.county.pk, year=2026, half=2) == {cast.erin_member.pk: 70.0}


def test_the_demo_makes_reviewed_commitments_and_a_returned_one_or_two(signed_q2: Cast) -> None:
    from zhengxing.orglife.demo_commitments import demo_commitments

    made = demo_commitments(signed_q2.county, seed=3)
    assert made == Commitment.objects.count() >= 1
    approved = Commitment.objects.filter(status=CommitmentStatus.APPROVED)
    assert all(c.reviews.filter(half=1).exists() for c in approved)
    assert review_scores(county_id=signed_q2.county.pk, year=2026).keys() == {
        c.member_id for c in approved
    }
