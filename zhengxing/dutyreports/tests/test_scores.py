"""The meeting's scores: hidden until all who may score a report have, once each, never for
one's own unit; the last writes the mean and the grade."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from zhengxing.core.errors import ServiceError
from zhengxing.dutyreports import selectors, services
from zhengxing.dutyreports.models import PanelMember, Report, Score
from zhengxing.dutyreports.rules import Grade, State
from zhengxing.testing import Cast

from .conftest import Review, as_, marks


def panelist(review: Review, user: User) -> PanelMember:
    return PanelMember.objects.get(round=review.round, user=user)


def test_scores_are_hidden_from_everyone_until_all_have_scored(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    _r1, r2 = meeting
    services.score_submit(actor=as_(cast.bob), report=r2, marks=marks(92), comment="扎实")
    services.score_submit(actor=as_(review.pat), report=r2, marks=marks(88))
    r2.refresh_from_db()

    # bob sees his own only; quinn (not yet scored) and the managers none
    assert [s.total for s in selectors.scores_shown(r2, panelist(review, cast.bob))] == [92]
    assert selectors.scores_shown(r2, panelist(review, review.quinn)) == []
    assert selectors.scores_shown(r2, None) == []
    assert r2.score is None and r2.grade == ""

    services.score_submit(actor=as_(review.quinn), report=r2, marks=marks(80), comment="需加强")
    r2.refresh_from_db()

    assert sorted(s.total for s in selectors.scores_shown(r2, None)) == [80, 88, 92]
    assert r2.score == Decimal("86.67") and r2.grade == Grade.FAIRLY_GOOD


def test_a_score_submitted_twice_is_refused_and_nothing_written(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    report = meeting[1]
    services.score_submit(actor=as_(cast.bob), report=report, marks=marks(90))

    with pytest.raises(ServiceError, match="您已为这份述职报告评过分") as e:
        services.score_submit(actor=as_(cast.bob), report=report, marks=marks(70))

    assert e.value.code == "conflict"
    assert list(Score.objects.values_list("total", flat=True)) == [90]


def test_the_database_holds_one_score_per_member_and_report(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    """Whatever a check before it saw (two phones at once), the UNIQUE constraint holds."""
    first = services.score_submit(actor=as_(cast.bob), report=meeting[1], marks=marks(90))
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            county_id=first.county_id,
            report=first.report,
            panelist=first.panelist,
            marks={},
            total=1,
            scored_at=first.scored_at,
        )


def test_a_panel_member_may_not_score_their_own_unit(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    with pytest.raises(ServiceError, match="不能为本单位的述职评分"):
        services.score_submit(actor=as_(review.quinn), report=meeting[0], marks=marks(100))
    assert not Score.objects.exists()


def test_the_own_unit_left_out_the_others_make_the_result(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    r1 = meeting[0]
    services.score_submit(actor=as_(cast.bob), report=r1, marks=marks(95))
    services.score_submit(actor=as_(review.pat), report=r1, marks=marks(84))
    r1.refresh_from_db()
    assert (r1.score, r1.grade) == (Decimal("89.50"), Grade.FAIRLY_GOOD)


def test_only_the_panel_scores(cast: Cast, review: Review, meeting: tuple[Report, Report]) -> None:
    with pytest.raises(PermissionDenied):
        services.score_submit(actor=as_(cast.alice), report=meeting[1], marks=marks(90))


def test_no_score_before_the_meeting_opens(cast: Cast, review: Review) -> None:
    report = services.report_submit(actor=as_(review.vic), unit=review.unit_a2, text="报告")
    with pytest.raises(ServiceError, match="评议会尚未开始"):
        services.score_submit(actor=as_(cast.bob), report=report, marks=marks(90))


def test_bad_marks_write_nothing(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    bad = {**marks(90), "履行党建第一责任人职责": 26}
    with pytest.raises(ServiceError, match="得分须在0至25之间"):
        services.score_submit(actor=as_(cast.bob), report=meeting[1], marks=bad)
    assert not Score.objects.exists()


def score_all(cast: Cast, review: Review, meeting: tuple[Report, Report]) -> None:
    r1, r2 = meeting
    for who, total in ((cast.bob, 95), (review.pat, 91)):
        services.score_submit(actor=as_(who), report=r1, marks=marks(total), comment="好")
    for who, total in ((cast.bob, 70), (review.pat, 50), (review.quinn, 60)):
        services.score_submit(actor=as_(who), report=r2, marks=marks(total))


def test_closed_the_round_posts_its_results(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    score_all(cast, review, meeting)
    assert selectors.rounds_public(cast.county.pk) == []  # not before it closes

    services.round_close(actor=as_(cast.bob), round=review.round)

    (posted,) = selectors.rounds_public(cast.county.pk)
    assert posted.state == State.CLOSED
    assert [(r.unit.org.code, r.score, r.grade) for r in posted.reports.all()] == [
        ("A1B", Decimal("93.00"), Grade.GOOD),
        ("A2B", Decimal("60.00"), Grade.FAIR),
    ]
