"""The judges and the results: independent scores hidden until all have scored, a judge who is
an entrant refused, the blend published with growth from the points ledger, the last two
followed year to year.

将邀请专业评委，结合投票结果，按照“民意测评+工作表现+综合评价”等方式统筹进行评比 (article 001)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from zhengxing.audit.models import AuditEvent
from zhengxing.contests import selectors, services
from zhengxing.contests.models import Contest, Result, Score
from zhengxing.core.errors import ServiceError
from zhengxing.testing import Cast

from .conftest import AFTER_JUDGING, JUDGING, NOW, SHANGHAI, Arena, as_, make_contest

pytestmark = pytest.mark.django_db

MARKS = {"思路举措": 30, "工作成效": 30, "现场讲述": 15}


def score_all(arena: Arena, marks: dict[str, list[int]]) -> None:
    """Each judge scores each entry: marks[entry title] lists the judges' 工作成效 marks."""
    for entry in (arena.a1, arena.b1):
        for judge, mark in zip(arena.judges, marks[entry.title], strict=True):
            services.score_submit(
                actor=as_(judge.user, JUDGING), entry=entry, marks={**MARKS, "工作成效": mark}
            )


def test_scores_hidden_from_the_other_judges_until_all_have_scored(arena: Arena) -> None:
    ann, ben, cy = arena.judges
    services.score_submit(actor=as_(ann.user, JUDGING), entry=arena.a1, marks=MARKS)
    services.score_submit(actor=as_(ben.user, JUDGING), entry=arena.a1, marks=MARKS)
    seen = selectors.scores_shown(arena.contest, ben)
    assert [s.judge_id for s in seen[arena.a1.pk]] == [ben.pk]
    assert selectors.scores_shown(arena.contest, None)[arena.a1.pk] == []
    services.score_submit(actor=as_(cy.user, JUDGING), entry=arena.a1, marks=MARKS)
    assert len(selectors.scores_shown(arena.contest, ben)[arena.a1.pk]) == 3


def test_a_judge_who_is_an_entrant_is_refused(cast: Cast, arena: Arena) -> None:
    """A judge who holds a role at the organisation entered scores anyone's entry but that one."""
    services.judge_add(actor=as_(cast.alice), contest=arena.contest, user=cast.carol)
    before = (Score.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError, match="请回避"):
        services.score_submit(actor=as_(cast.carol, JUDGING), entry=arena.a1, marks=MARKS)
    assert (Score.objects.count(), AuditEvent.objects.count()) == before
    services.score_submit(actor=as_(cast.carol, JUDGING), entry=arena.b1, marks=MARKS)


def test_scores_only_in_judging_final_once_given_and_on_the_rubric(arena: Arena) -> None:
    ann = arena.judges[0].user
    with pytest.raises(ServiceError, match="不是专家评审阶段"):
        services.score_submit(actor=as_(ann, NOW), entry=arena.a1, marks=MARKS)
    with pytest.raises(ServiceError, match="得分须在0至20之间"):
        services.score_submit(
            actor=as_(ann, JUDGING), entry=arena.a1, marks={**MARKS, "现场讲述": 25}
        )
    services.score_submit(actor=as_(ann, JUDGING), entry=arena.a1, marks=MARKS)
    with pytest.raises(ServiceError, match="不能修改"):
        services.score_submit(actor=as_(ann, JUDGING), entry=arena.a1, marks=MARKS)
    assert Score.objects.count() == 1


def test_someone_not_a_judge_is_refused(cast: Cast, arena: Arena) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.score_submit(actor=as_(cast.bob, JUDGING), entry=arena.a1, marks=MARKS)


def test_weights_that_do_not_sum_to_100_refused_nothing_written(cast: Cast) -> None:
    before = (Contest.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError, match="权重之和须为100（现为90）"):
        make_contest(cast, weights=(30, 30, 30))
    assert (Contest.objects.count(), AuditEvent.objects.count()) == before


def vote(arena: Arena, entry_ref: str, codes: list[str]) -> None:
    import dataclasses

    for i, code in enumerate(codes):
        actor = dataclasses.replace(as_(None, NOW), ip=f"192.0.2.{i + 1}", anonymous=True)
        services.vote_cast(actor=actor, contest=arena.contest, entry_ref=entry_ref, code=code)


def test_results_blend_the_three_parts_and_are_published(arena: Arena) -> None:
    """民意测评+工作表现+综合评价 with weights 30/30/40; judges' highest and lowest dropped."""
    vote(arena, arena.a1.public_ref, arena.codes[:6])
    vote(arena, arena.b1.public_ref, arena.codes[6:9])
    with pytest.raises(ServiceError, match="投票结束后"):
        services.results_publish(actor=as_(arena.contest.created_by, NOW), contest=arena.contest)
    with pytest.raises(ServiceError, match="评委尚未全部打分（0/6）"):
        services.results_publish(
            actor=as_(arena.contest.created_by, JUDGING), contest=arena.contest
        )
    score_all(arena, {"产业兴村": [20, 30, 40], "五人小组议事": [40, 40, 10]})
    rows = services.results_publish(
        actor=as_(arena.contest.created_by, JUDGING), contest=arena.contest
    )
    by = {r.entry_id: r for r in rows}
    a1, b1 = by[arena.a1.pk], by[arena.b1.pk]
    assert (a1.votes, a1.public, b1.votes, b1.public) == (6, D(100), 3, D(50))
    # overall: the middle judge's total (75 for 产业兴村 with 30, 85 for 五人小组 with 40) on 100
    assert (a1.overall, b1.overall) == (D(75), D(85))
    # no points in either year: equal growth, 100 each
    assert (a1.performance, b1.performance) == (D(100), D(100))
    assert a1.total == D("30") + D("30") + D("30")  # 0.3*100 + 0.3*100 + 0.4*75
    assert b1.total == D("15") + D("30") + D("34")
    assert [r.rank for r in rows] == [1, 2] and rows[0].entry_id == arena.a1.pk
    assert {r.award for r in rows} == {"best"}
    assert selectors.published_public(Contest.objects.get(pk=arena.contest.pk)) is not None
    with pytest.raises(ServiceError, match="结果已经公布"):
        services.results_publish(
            actor=as_(arena.contest.created_by, JUDGING), contest=arena.contest
        )
    # the votes behind published results stay as counted: none held afterwards
    published = Contest.objects.get(pk=arena.contest.pk)
    with pytest.raises(ServiceError, match="结果已经公布"):
        services.votes_flag(actor=as_(published.created_by, JUDGING), contest=published)


def test_held_votes_wait_for_review_before_results(arena: Arena) -> None:
    from .test_voting import plant

    plant(arena, votes=200, ip="198.51.100.9", start=NOW, step_ms=100)
    services.votes_flag(actor=as_(arena.contest.created_by), contest=arena.contest)
    with pytest.raises(ServiceError, match="200票异常投票待审核"):
        services.results_publish(
            actor=as_(arena.contest.created_by, AFTER_JUDGING), contest=arena.contest
        )
    services.votes_review(
        actor=as_(arena.contest.created_by), contest=arena.contest, flag="address", keep=False
    )
    services.results_publish(
        actor=as_(arena.contest.created_by, AFTER_JUDGING), contest=arena.contest
    )
    assert Result.objects.filter(contest=arena.contest, votes=0).count() == 2


def test_last_two_years_running_flagged_for_reassignment(cast: Cast) -> None:
    """对排名后2位的乡镇农场，第一年对党政主要领导进行约谈，连续两年排名后2位的，党政主要领导予以组织调整:
    seven branches, nobody voted or judged, so the tie rule ranks them as they entered; the last
    two are talked to in 2025 and, last again in 2026, flagged for reassignment."""
    from zhengxing.contests.rules import Dates
    from zhengxing.orgs.services import org_create
    from zhengxing.testing import SYSTEM

    branches = [cast.branch_a1, cast.branch_b1]
    for n in range(5):
        village = org_create(
            actor=SYSTEM, parent=cast.town_a, code=f"A{n + 2}", name=f"甲{n + 2}村", kind="village"
        )
        branches.append(
            org_create(
                actor=SYSTEM,
                parent=village,
                code=f"A{n + 2}B",
                name=f"甲{n + 2}村党支部",
                kind="branch",
            )
        )

    def year_of(year: int, order: list) -> list[Result]:  # type: ignore[type-arg]
        d = Dates(
            dt.date(year, 6, 1), dt.date(year, 6, 20), dt.date(year, 7, 10), dt.date(year, 7, 31)
        )
        contest = make_contest(cast, title=f"{year}年乡村振兴大比武", year=year, dates=d)
        early = dt.datetime(year, 6, 5, tzinfo=SHANGHAI)
        for org in order:
            services.entry_submit(
                actor=as_(cast.alice, early), contest=contest, org=org, title=org.name, text="做法"
            )
        after = dt.datetime(year, 8, 2, tzinfo=SHANGHAI)
        return services.results_publish(actor=as_(cast.alice, after), contest=contest)

    first = year_of(2025, branches)
    assert [(r.rank, r.award, r.talk, r.reassign) for r in first][-3:] == [
        (5, "winning", False, False),
        (6, "", True, False),
        (7, "", True, False),
    ]
    # 2026: the last of 2025 comes sixth again; the sixth of 2025 is now first
    second = year_of(2026, [branches[5], *branches[:5], branches[6]])
    talked = {r.entry.org_id: r.reassign for r in second if r.talk}
    assert talked == {branches[4].pk: False, branches[6].pk: True}


def test_growth_read_from_the_points_ledger(cast: Cast, arena: Arena) -> None:
    """不比基础比干劲、不比总量比增量: points per member, this year against last."""
    from zhengxing.ledger.models import QuarterPoints

    def qp(branch, member, year: int, total: int) -> None:  # type: ignore[no-untyped-def]
        QuarterPoints.objects.create(
            county=cast.county,
            branch=branch,
            member=member,
            year=year,
            quarter=1,
            entries=1,
            base=total,
            bonus=0,
            deduction=0,
            total=total,
        )

    qp(cast.branch_a1, cast.member_a1, 2025, 100)
    qp(cast.branch_a1, cast.member_a1, 2026, 110)  # a strong base, +10
    qp(cast.branch_b1, cast.member_b1, 2025, 40)
    qp(cast.branch_b1, cast.member_b1, 2026, 70)  # a weak base, +30
    years = selectors.figures_years(arena.contest, [arena.a1, arena.b1])["points"]
    assert years == {arena.a1.pk: (D(110), D(100)), arena.b1.pk: (D(70), D(40))}
    services.votes_flag(actor=as_(arena.contest.created_by), contest=arena.contest)
    rows = services.results_publish(
        actor=as_(arena.contest.created_by, AFTER_JUDGING), contest=arena.contest
    )
    by = {r.entry_id: r for r in rows}
    assert (by[arena.a1.pk].performance, by[arena.b1.pk].performance) == (D(0), D(100))
    assert rows[0].entry_id == arena.b1.pk
