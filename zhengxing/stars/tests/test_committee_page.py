"""Gaotai's 商评 through its page: the committee scores each member "根据党员互评情况和党员履行
义务及参加组织生活……等情况" (003), so the committee round's scoring page shows, before the form,
each member's peer average (or 票数不足 below ZHENGXING_MIN_BALLOTS, with the count), her points
in the half-year and her own self-assessment.

Cast (the `scored` fixture): 王甲 has points in 2026 Q1 and Q2 and one H1 peer ballot (erin's,
85.5); here 张三 and 李四 add two paper peer forms for him (90, 80), 王甲's form scores 李二妮
once, and both wrote a self-assessment; cathy, on the branch committee, opens the 商评."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.ledger.models import QuarterPoints
from zhengxing.stars.ballots import ballot_submit, paper_ballots_submit
from zhengxing.stars.models import EvaluationRound
from zhengxing.stars.rounds import round_create
from zhengxing.testing import Cast, add_member, client_for

FORM = [{"code": "T", "name": "综合评价", "max": "100"}]
WANG_SELF = "上半年带头参加人居环境整治，帮扶两户；理论学习缺席一次，下半年补上。"
ERIN_SELF = "按承诺调解邻里纠纷三起；走访困难户偏少，要改进。"


def test_the_committee_sees_peer_results_points_and_self_assessments_before_scoring(
    scored: Cast,
) -> None:
    cast, now = scored, timezone.now()
    day = dt.timedelta(days=1)

    def at(offset: int, user=None) -> Actor:  # type: ignore[no-untyped-def]
        return Actor(user=user, label="test", now=now + offset * day)

    def held(kind: str, opens: int, closes: int) -> EvaluationRound:
        return round_create(
            actor=at(opens - 1, cast.carol), org=cast.branch_a1, year=2026, period="H1",
            kind=kind, name=f"上半年{kind}", indicators=FORM,
            opens_at=now + opens * day, closes_at=now + closes * day,
        )  # fmt: skip

    zhang = add_member(cast.county, "A1B", name="张三")
    li = add_member(cast.county, "A1B", name="李四")
    own = held("self", -10, -6)
    paper_ballots_submit(actor=at(-8, cast.cathy), round_=own, rater=cast.member_a1,
                         ratings=[(cast.member_a1, {"T": "88"})], text=WANG_SELF)  # fmt: skip
    ballot_submit(actor=at(-8, cast.erin), round_=own, ratee=cast.erin_member,
                  scores={"T": "80"}, text=ERIN_SELF)  # fmt: skip
    peer = held("peer", -5, -2)
    for rater, score in ((zhang, "90"), (li, "80")):
        paper_ballots_submit(actor=at(-3, cast.cathy), round_=peer, rater=rater,
                             ratings=[(cast.member_a1, {"T": score})])  # fmt: skip
    paper_ballots_submit(actor=at(-3, cast.cathy), round_=peer, rater=cast.member_a1,
                         ratings=[(cast.erin_member, {"T": "75"})])  # fmt: skip
    committee = held("committee", -1, 1)

    page = client_for(cast.cathy).get(reverse("stars:round", args=[committee.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    table = html[
        html.index('id="before-committee"') : html.index(
            "</section>", html.index('id="before-committee"')
        )
    ]
    before = {b.member.name: b for b in page.context["before_committee"]}
    # 王甲: three peer ballots in H1 (85.5, 90, 80): the average is shown, with the count
    assert (before["王甲"].peer_average, before["王甲"].peer_ballots) == (Decimal("85.2"), 3)
    assert "85.2（3张）" in table
    # 李二妮: one peer ballot: 票数不足, never that one rater's score
    assert (before["李二妮"].peer_average, before["李二妮"].peer_ballots) == (None, 1)
    assert "票数不足</span>（1张）" in table and "75" not in table
    # the points counted in H1's quarters
    points = QuarterPoints.objects.filter(
        member=cast.member_a1, year=2026, quarter__in=(1, 2)
    ).aggregate(total=Sum("total"))["total"]
    assert points and before["王甲"].points == points and f">{points}<" in table
    assert 'data-label="积分"' in table  # the member's points, not an item's 分值
    # each member's own account, as she wrote it (typed from paper, or online)
    assert WANG_SELF in table and ERIN_SELF in table
    # the form itself follows the table: one row per member to score
    assert f'name="s-{cast.member_a1.pk}-T"' in html[html.index('id="before-committee"') :]
