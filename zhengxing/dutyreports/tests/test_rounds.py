"""Setting up a round, the rubric's versions, opening and closing the meeting."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.dutyreports import services
from zhengxing.dutyreports.models import Report, ReviewRound, Rubric
from zhengxing.dutyreports.rules import DEFAULT_RUBRIC, State
from zhengxing.testing import Cast

from .conftest import Review, as_, submit_both


def test_the_county_sets_its_rubric_and_a_change_is_the_next_version(
    cast: Cast, review: Review
) -> None:
    v2 = services.rubric_set(
        actor=as_(cast.alice), county=cast.county, items=[("履职尽责", 60), ("工作成效", 40)]
    )
    assert v2.version == 2
    assert list(Rubric.objects.filter(county=cast.county).values_list("version", "is_current")) in (
        [(1, False), (2, True)],
        [(2, True), (1, False)],
    )
    assert AuditEvent.objects.filter(action="dutyreports.rubric.set").count() == 2


def test_only_the_county_sets_the_rubric(cast: Cast, review: Review) -> None:
    with pytest.raises(PermissionDenied):
        services.rubric_set(actor=as_(cast.bob), county=cast.county, items=DEFAULT_RUBRIC)


def test_a_rubric_not_summing_to_100_writes_nothing(cast: Cast, review: Review) -> None:
    with pytest.raises(ServiceError, match="分值之和须为100"):
        services.rubric_set(actor=as_(cast.alice), county=cast.county, items=[("甲", 99)])
    assert Rubric.objects.filter(county=cast.county).count() == 1


def test_one_round_a_year_per_organisation(cast: Cast, review: Review) -> None:
    with pytest.raises(ServiceError, match="已有2026年度的述职评议") as e:
        services.round_create(actor=as_(cast.bob), org=cast.town_a, year=2026)
    assert e.value.code == "duplicate"


def test_a_township_holds_no_round_for_another(cast: Cast, review: Review) -> None:
    with pytest.raises(PermissionDenied):
        services.round_create(actor=as_(cast.dave), org=cast.town_a, year=2025)
    with pytest.raises(PermissionDenied):
        services.round_unit_add(actor=as_(cast.dave), round=review.round, org=cast.branch_b1)


def test_a_unit_outside_the_round_is_refused(cast: Cast, review: Review) -> None:
    with pytest.raises(ServiceError, match="不在甲镇党委之下"):
        services.round_unit_add(actor=as_(cast.alice), round=review.round, org=cast.branch_b1)


def test_the_panel_is_of_the_round_organisation(cast: Cast, review: Review) -> None:
    with pytest.raises(ServiceError, match="评议组成员须是甲镇党委的工作人员"):
        services.round_panel_add(actor=as_(cast.bob), round=review.round, user=cast.carol)
    with pytest.raises(ServiceError, match="已是评议组成员"):
        services.round_panel_add(actor=as_(cast.bob), round=review.round, user=review.pat)


def test_the_meeting_opens_with_the_rubric_and_counts_who_may_score_each_report(
    cast: Cast, review: Review
) -> None:
    r1, r2 = submit_both(cast, review)

    services.round_open(actor=as_(cast.bob), round=review.round)

    rnd = ReviewRound.objects.get(pk=review.round.pk)
    assert rnd.state == State.MEETING and rnd.rubric is not None and rnd.rubric.version == 1
    # quinn is of A1B: two of the three panel members score its report
    assert Report.objects.get(pk=r1.pk).expected == 2
    assert Report.objects.get(pk=r2.pk).expected == 3
    with pytest.raises(ServiceError, match="评议会已经开始"):
        services.round_panel_add(actor=as_(cast.bob), round=rnd, user=cast.bob)


def test_the_meeting_does_not_open_without_reports(cast: Cast, review: Review) -> None:
    with pytest.raises(ServiceError, match="还没有单位提交述职报告"):
        services.round_open(actor=as_(cast.bob), round=review.round)
    assert ReviewRound.objects.get(pk=review.round.pk).state == State.SETUP


def test_the_round_keeps_the_rubric_it_opened_with(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    services.rubric_set(actor=as_(cast.alice), county=cast.county, items=[("履职", 100)])
    assert ReviewRound.objects.get(pk=review.round.pk).rubric.version == 1  # type: ignore[union-attr]


def test_the_round_closes_only_when_every_report_is_scored(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    with pytest.raises(ServiceError, match="还有2份述职报告未评完分") as e:
        services.round_close(actor=as_(cast.bob), round=review.round)
    assert e.value.code == "conflict"
