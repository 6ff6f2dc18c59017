"""Evaluation rounds and ballots: one ballot per rater, ratee and round (editable until the round
closes), raters only from the round, scores within each indicator, public single-use codes, and
the audit log that never says whom a ballot rated.

Recall the cast (zhengxing/testing.py): branch A1B has carol (secretary), cathy (committee) and
the members 王甲 and erin (李二妮); dave is township B's committee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.stars.ballots import ballot_submit, code_hash, codes_issue, public_ballots_submit
from zhengxing.stars.models import Ballot, EvaluationRound, PublicCode
from zhengxing.stars.rounds import indicators_clean, round_create
from zhengxing.testing import Cast

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
OPENS = dt.datetime(2026, 6, 25, 8, 0, tzinfo=SHANGHAI)
CLOSES = dt.datetime(2026, 7, 5, 18, 0, tzinfo=SHANGHAI)
NOW = dt.datetime(2026, 7, 1, 10, 0, tzinfo=SHANGHAI)
FORM = [
    {"code": "I1", "name": "政治表现", "max": "40"},
    {"code": "I2", "name": "履职尽责", "max": "40"},
    {"code": "I3", "name": "群众口碑", "max": "20"},
]


def as_(user, now: dt.datetime = NOW) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(
        user=user, label=user.get_username() if user else "public", now=now, anonymous=not user
    )


def open_round(cast: Cast, kind: str = "peer", **overrides) -> EvaluationRound:  # type: ignore[no-untyped-def]
    values: dict[str, Any] = dict(
        actor=as_(cast.carol, OPENS),
        org=cast.branch_a1,
        year=2026,
        period="H1",
        kind=kind,
        name="2026年上半年党员互评",
        indicators=FORM,
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    values.update(overrides)
    return round_create(**values)


def scores(i1: str = "36", i2: str = "35", i3: str = "18") -> dict[str, str]:
    return {"I1": i1, "I2": i2, "I3": i3}


def test_a_ballot_is_one_per_rater_ratee_and_round_and_editable_until_close(cast: Cast) -> None:
    round_ = open_round(cast)
    first = ballot_submit(
        actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=scores()
    )
    assert first.total == Decimal("89.0")
    again = ballot_submit(
        actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=scores(i3="10")
    )
    assert again.pk == first.pk and Ballot.objects.count() == 1
    assert Ballot.objects.get().total == Decimal("81.0")
    after = dt.datetime(2026, 7, 5, 18, 0, tzinfo=SHANGHAI)
    with pytest.raises(ServiceError, match="已结束，不能再投票或修改"):
        ballot_submit(
            actor=as_(cast.erin, after), round_=round_, ratee=cast.member_a1, scores=scores()
        )
    assert Ballot.objects.get().total == Decimal("81.0")


def test_the_database_refuses_a_second_ballot_behind_the_services_back(cast: Cast) -> None:
    round_ = open_round(cast)
    ballot = ballot_submit(
        actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=scores()
    )
    ballot.pk = None
    with pytest.raises(IntegrityError):
        ballot.save()


def test_self_rating_is_never_peer(cast: Cast) -> None:
    round_ = open_round(cast)
    with pytest.raises(ServiceError, match="互评不能给自己打分"):
        ballot_submit(actor=as_(cast.erin), round_=round_, ratee=cast.erin_member, scores=scores())
    self_round = open_round(cast, kind="self", name="自评")
    account = "带头清理村道积雪三次；理论学习缺课一次，下半年补上。"
    ballot = ballot_submit(
        actor=as_(cast.erin), round_=self_round, ratee=cast.erin_member, scores=scores(),
        text=account,
    )  # fmt: skip
    assert ballot.rater_member == cast.erin_member and ballot.text == account
    with pytest.raises(ServiceError, match="自评只能为自己打分"):
        ballot_submit(
            actor=as_(cast.erin), round_=self_round, ratee=cast.member_a1, scores=scores(),
            text=account,
        )  # fmt: skip


def test_a_self_evaluation_is_a_written_account_not_just_a_number(cast: Cast) -> None:
    """003, 自评: "党员个人结合承诺事项,在每半年的评议会上,就个人履职尽责情况进行自评,既总结
    成绩也谈不足"."""
    self_round = open_round(cast, kind="self", name="自评")
    for text in ("", "很好"):
        with pytest.raises(ServiceError, match="既总结成绩也谈不足"):
            ballot_submit(actor=as_(cast.erin), round_=self_round, ratee=cast.erin_member,
                          scores=scores(), text=text)  # fmt: skip
    assert not Ballot.objects.exists()
    peer = open_round(cast)
    ballot = ballot_submit(actor=as_(cast.erin), round_=peer, ratee=cast.member_a1,
                           scores=scores(), text="与互评无关的文字不保存")  # fmt: skip
    assert ballot.text == ""


def test_the_committee_scores_after_the_peer_round_and_sees_its_results(cast: Cast) -> None:
    """商评 is "根据党员互评情况" (003): it opens only after the period's peer round closed."""
    from zhengxing.stars.selectors import committee_context

    peer = open_round(cast)
    ballot_submit(actor=as_(cast.erin), round_=peer, ratee=cast.member_a1, scores=scores())
    with pytest.raises(ServiceError, match=r"应在党员互评“.*”结束后开始"):
        open_round(cast, kind="committee", name="商评")
    day = dt.timedelta(days=1)
    later = open_round(cast, kind="committee", name="商评", opens_at=CLOSES + day,
                       closes_at=CLOSES + 5 * day)  # fmt: skip
    context = {c.member.name: c for c in committee_context(later)}
    # one peer ballot: its "average" would be that one rater's score (ZHENGXING_MIN_BALLOTS 3)
    wang = context["王甲"]
    assert (wang.peer_average, wang.peer_ballots, wang.too_few) == (None, 1, True)
    assert context["李二妮"].peer_average is None and not context["李二妮"].too_few


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"I1": "41", "I2": "1", "I3": "1"}, "“政治表现”的分数应在0至40分之间"),
        ({"I1": "-1", "I2": "1", "I3": "1"}, "“政治表现”的分数应在0至40分之间"),
        ({"I1": "10.25", "I2": "1", "I3": "1"}, "最多一位小数"),
        ({"I1": "十", "I2": "1", "I3": "1"}, "“政治表现”的分数不是数字"),
        ({"I1": "10", "I2": "1"}, "请为“群众口碑”打分"),
        ({"I1": "10", "I2": "1", "I3": "1", "I9": "1"}, "没有评议指标“I9”"),
    ],
)
def test_a_score_outside_an_indicator_is_refused(cast: Cast, given, message) -> None:  # type: ignore[no-untyped-def]
    round_ = open_round(cast)
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match=message):
        ballot_submit(actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=given)
    assert not Ballot.objects.exists() and AuditEvent.objects.count() == before


def test_raters_and_ratees_come_from_the_round(cast: Cast) -> None:
    round_ = open_round(cast)
    with pytest.raises(ServiceError, match="只有本次评议范围内的党员可以参加互评"):
        ballot_submit(actor=as_(cast.dave), round_=round_, ratee=cast.member_a1, scores=scores())
    with pytest.raises(ServiceError, match="被评议人不在本次评议范围内"):
        ballot_submit(actor=as_(cast.erin), round_=round_, ratee=cast.member_b1, scores=scores())
    with pytest.raises(PermissionDenied):
        open_round(cast, actor=as_(cast.dave, OPENS))  # township B runs no round in A1B
    before = dt.datetime(2026, 6, 1, tzinfo=SHANGHAI)
    with pytest.raises(ServiceError, match="尚未开始"):
        ballot_submit(
            actor=as_(cast.erin, before), round_=round_, ratee=cast.member_a1, scores=scores()
        )


def test_the_committee_rates_in_a_committee_round(cast: Cast) -> None:
    round_ = open_round(cast, kind="committee", name="支委会评议")
    ballot = ballot_submit(
        actor=as_(cast.cathy), round_=round_, ratee=cast.member_a1, scores=scores()
    )
    assert ballot.rater == f"u{cast.cathy.pk}"
    with pytest.raises(ServiceError, match="只有支部委员会或上级党委"):
        ballot_submit(actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=scores())


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ([], "请至少设置一项评议指标"),
        ([{"code": "A", "name": "甲", "max": "50"}], "满分之和应为100分，现为50分"),
        (
            [{"code": "A", "name": "甲", "max": "50"}, {"code": "A", "name": "乙", "max": "50"}],
            "评议指标代码“A”重复",
        ),
        ([{"code": "A", "name": "甲", "max": "x"}], "满分不是数字"),
    ],
)
def test_an_indicator_form_must_add_up(form, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError, match=message):
        indicators_clean(form)


def test_public_codes_are_single_use_and_kept_only_as_hashes(cast: Cast) -> None:
    round_ = open_round(cast, kind="public", name="群众评议")
    codes = codes_issue(actor=as_(cast.carol, OPENS), round_=round_, count=3)
    assert len(set(codes)) == 3 and all(len(c) == 10 for c in codes)
    assert not PublicCode.objects.filter(code_hash__in=codes).exists()
    assert PublicCode.objects.filter(code_hash=code_hash(codes[0])).exists()
    ballots = public_ballots_submit(
        actor=as_(None),
        round_=round_,
        code=codes[0].lower(),  # typed from the slip, any case
        ratings=[(cast.member_a1, scores()), (cast.erin_member, scores(i1="20"))],
    )
    assert [b.total for b in ballots] == [Decimal("89.0"), Decimal("73.0")]
    with pytest.raises(ServiceError, match="该评议码已经使用过"):
        public_ballots_submit(
            actor=as_(None), round_=round_, code=codes[0], ratings=[(cast.member_a1, scores())]
        )
    with pytest.raises(ServiceError, match="评议码无效"):
        public_ballots_submit(
            actor=as_(None), round_=round_, code="ABCDEFGHJK", ratings=[(cast.member_a1, scores())]
        )
    with pytest.raises(ServiceError, match="群众评议请使用评议码"):
        ballot_submit(actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=scores())
    paper = public_ballots_submit(
        actor=as_(cast.cathy),
        round_=round_,
        code=codes[1],
        ratings=[(cast.member_a1, scores())],
        paper=True,
    )
    assert paper[0].paper and Ballot.objects.count() == 3
    with pytest.raises(PermissionDenied):
        public_ballots_submit(
            actor=as_(cast.erin),
            round_=round_,
            code=codes[2],
            ratings=[(cast.member_a1, scores())],
            paper=True,
        )


def test_a_code_of_another_round_is_refused(cast: Cast) -> None:
    first = open_round(cast, kind="public", name="群众评议一")
    second = open_round(cast, kind="public", name="群众评议二")
    [code] = codes_issue(actor=as_(cast.carol, OPENS), round_=first, count=1)
    with pytest.raises(ServiceError, match="评议码无效"):
        public_ballots_submit(
            actor=as_(None), round_=second, code=code, ratings=[(cast.member_a1, scores())]
        )
    assert PublicCode.objects.get().used_at is None


def test_the_audit_log_says_a_ballot_was_cast_never_whom_or_how(cast: Cast) -> None:
    round_ = open_round(cast)
    ballot_submit(actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=scores())
    event = AuditEvent.objects.get(action="stars.ballot.cast")
    assert event.actor == cast.erin and event.object_id == str(round_.pk)
    assert event.after == {"round_id": round_.pk} and event.before is None
    assert event.summary == "2026年上半年党员互评：投票"


def test_the_database_refuses_a_self_rating_counted_as_peer(cast: Cast) -> None:
    round_ = open_round(cast)
    ballot = ballot_submit(
        actor=as_(cast.erin), round_=round_, ratee=cast.member_a1, scores=scores()
    )
    Ballot.objects.filter(pk=ballot.pk).update(rater_member=None)  # harmless
    with pytest.raises(IntegrityError):
        Ballot.objects.filter(pk=ballot.pk).update(
            rater_member=cast.member_a1, ratee_member=cast.member_a1
        )


def test_the_committee_types_a_members_paper_form_as_her_own_ballot(cast: Cast) -> None:
    """A member without a phone fills the form at the meeting; the committee types it. Typed
    and cast online, it is one ballot (the same rater), never a second vote."""
    from zhengxing.stars.ballots import paper_ballots_submit

    peer = open_round(cast)
    typed = paper_ballots_submit(actor=as_(cast.cathy), round_=peer, rater=cast.erin_member,
                                 ratings=[(cast.member_a1, scores("30"))])  # fmt: skip
    assert typed[0].paper and typed[0].rater_member == cast.erin_member
    online = ballot_submit(actor=as_(cast.erin), round_=peer, ratee=cast.member_a1,
                           scores=scores())  # fmt: skip
    assert online.pk == typed[0].pk and Ballot.objects.count() == 1
    with pytest.raises(ServiceError, match="互评不能给自己打分"):
        paper_ballots_submit(actor=as_(cast.cathy), round_=peer, rater=cast.erin_member,
                             ratings=[(cast.erin_member, scores())])  # fmt: skip
    with pytest.raises(PermissionDenied):
        paper_ballots_submit(actor=as_(cast.erin), round_=peer, rater=cast.erin_member,
                             ratings=[(cast.member_a1, scores())])  # fmt: skip
    with pytest.raises(ServiceError, match="不在本次评议范围内"):
        paper_ballots_submit(actor=as_(cast.cathy), round_=peer, rater=cast.member_b1,
                             ratings=[(cast.member_a1, scores())])  # fmt: skip
