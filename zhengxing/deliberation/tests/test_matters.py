"""A matter through three rounds and two levels, every step posted.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定"。
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.deliberation import services
from zhengxing.deliberation.models import Decision, Notice, Round, RoundVote
from zhengxing.testing import Cast

from .conftest import DAY, Five, all_for, approve, as_, three_rounds


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Round.objects.count(),
        RoundVote.objects.count(),
        Decision.objects.count(),
        Notice.objects.count(),
        AuditEvent.objects.count(),
    )


def test_three_rounds_then_the_village_then_the_township(cast: Cast, five: Five) -> None:
    """ "三轮议事、两级审定、全程公开": the head records three rounds on their phone, the
    village's secretary approves, then the township; each step is a notice."""
    three_rounds(five, five.hank)
    five.matter.refresh_from_db()
    assert five.matter.stage == "village"
    rounds = list(Round.objects.filter(matter=five.matter))
    assert [r.number for r in rounds] == [1, 2, 3]
    assert {v.vote for v in rounds[0].votes.all()} == {"for"} and rounds[0].votes.count() == 5
    approve(cast.carol, five.matter, "village")
    approve(cast.bob, five.matter, "township")
    five.matter.refresh_from_db()
    assert five.matter.stage == "approved"
    steps = list(Notice.objects.filter(matter=five.matter).values_list("step", flat=True))
    assert steps == ["proposed", "round", "round", "round", "decision", "decision"]
    assert AuditEvent.objects.filter(action="deliberation.matter.decide").count() == 2


def test_approval_before_three_rounds_is_refused_and_nothing_written(
    cast: Cast, five: Five
) -> None:
    """ "三轮议事" before "两级审定": two rounds are not enough."""
    for n in range(2):
        services.round_record(
            actor=as_(cast.carol),
            matter=five.matter,
            held_on=DAY + dt.timedelta(days=n),
            minutes="讨论",
            votes=all_for(five),
        )
    before = _counts()
    with pytest.raises(ServiceError, match="三轮议事完成后才能审定：本次已议事2轮"):
        services.matter_decide(
            actor=as_(cast.carol), matter=five.matter, level="village", approve=True
        )
    assert _counts() == before


def test_the_township_before_the_village_is_refused(cast: Cast, five: Five) -> None:
    """ "两级审定": the village Party organisation first."""
    three_rounds(five, cast.carol)
    before = _counts()
    with pytest.raises(ServiceError, match="村党组织审定通过后，乡镇党委才能审定"):
        services.matter_decide(
            actor=as_(cast.bob), matter=five.matter, level="township", approve=True
        )
    assert _counts() == before


def test_approving_twice_is_refused(cast: Cast, five: Five) -> None:
    three_rounds(five, cast.carol)
    approve(cast.carol, five.matter, "village")
    before = _counts()
    with pytest.raises(ServiceError, match="不能重复审定") as refused:
        services.matter_decide(
            actor=as_(cast.carol), matter=five.matter, level="village", approve=True
        )
    assert refused.value.code == "conflict" and _counts() == before


def test_the_database_refuses_a_level_deciding_a_deliberation_twice(cast: Cast, five: Five) -> None:
    """Two approvals at once: the unique constraint lets one through (the second's refusal is
    the same Chinese message)."""
    from django.db import IntegrityError, transaction

    three_rounds(five, cast.carol)
    approve(cast.carol, five.matter, "village")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            county_id=five.matter.county_id,
            matter=five.matter,
            cycle=1,
            level="village",
            approved=True,
            decided_at=five.matter.created_at,
        )


def test_a_round_voted_by_someone_not_in_the_group_is_refused(cast: Cast, five: Five) -> None:
    """ "五人小组": only the group's members in their term vote — not one whose term has ended,
    nor anyone else."""
    before = _counts()
    for outsider, name in ((five.former.pk, "“周外人”不是第三村民小组五人小组"), (10**9, "该人员")):
        with pytest.raises(ServiceError, match=name):
            services.round_record(
                actor=as_(cast.carol),
                matter=five.matter,
                held_on=DAY,
                minutes="讨论",
                votes={**all_for(five), outsider: "against"},
            )
    assert _counts() == before


def test_a_fourth_round_is_refused(cast: Cast, five: Five) -> None:
    """ "三轮议事": three, not four."""
    three_rounds(five, cast.carol)
    before = _counts()
    with pytest.raises(ServiceError, match="每次议事为3轮") as refused:
        services.round_record(
            actor=as_(cast.carol),
            matter=five.matter,
            held_on=DAY + dt.timedelta(days=30),
            minutes="又议一次",
            votes=all_for(five),
        )
    assert refused.value.code == "conflict" and _counts() == before


def test_a_round_needs_more_than_half_and_a_date_not_ahead(cast: Cast, five: Five) -> None:
    two = dict(list(all_for(five).items())[:2])
    with pytest.raises(ServiceError, match="至少3人，现为2人"):
        services.round_record(
            actor=as_(cast.carol), matter=five.matter, held_on=DAY, minutes="x", votes=two
        )
    with pytest.raises(ServiceError, match="议事日期不能晚于今天"):
        services.round_record(
            actor=as_(cast.carol),
            matter=five.matter,
            held_on=dt.date(2026, 9, 2),
            minutes="x",
            votes=all_for(five),
        )
    assert not Round.objects.exists()


def test_a_returned_matter_goes_back_to_three_rounds_anew(cast: Cast, five: Five) -> None:
    """ "两级审定": returned with reasons at either level, the matter is deliberated again."""
    three_rounds(five, cast.carol)
    with pytest.raises(ServiceError, match="退回请说明理由"):
        services.matter_decide(
            actor=as_(cast.carol), matter=five.matter, level="village", approve=False
        )
    approve(cast.carol, five.matter, "village")
    services.matter_decide(
        actor=as_(cast.bob),
        matter=five.matter,
        level="township",
        approve=False,
        reason="承包价格未征求全组农户意见",
    )
    five.matter.refresh_from_db()
    assert (five.matter.stage, five.matter.cycle) == ("deliberating", 2)
    with pytest.raises(ServiceError, match="本次已议事0轮"):
        services.matter_decide(
            actor=as_(cast.carol), matter=five.matter, level="village", approve=True
        )
    three_rounds(five, cast.carol)
    approve(cast.carol, five.matter, "village")
    five.matter.refresh_from_db()
    assert five.matter.stage == "township"


def test_who_records_and_who_decides(cast: Cast, five: Five) -> None:
    """The village's secretary or committee, or the head's login, record rounds; the village
    level is the branch secretary's, the township's is the township's own."""
    with pytest.raises(PermissionDenied):
        services.round_record(
            actor=as_(cast.dave), matter=five.matter, held_on=DAY, minutes="x", votes=all_for(five)
        )
    with pytest.raises(PermissionDenied):
        services.round_record(
            actor=as_(cast.erin), matter=five.matter, held_on=DAY, minutes="x", votes=all_for(five)
        )
    three_rounds(five, cast.cathy)
    for user, level in ((cast.cathy, "village"), (cast.bob, "village"), (five.hank, "village")):
        with pytest.raises(PermissionDenied):
            services.matter_decide(actor=as_(user), matter=five.matter, level=level, approve=True)
    approve(cast.carol, five.matter, "village")
    for user in (cast.carol, cast.dave):
        with pytest.raises(PermissionDenied):
            services.matter_decide(
                actor=as_(user), matter=five.matter, level="township", approve=True
            )
