"""The yearly figure `duty_review` (orgs/yearly.py): each reviewed unit's score of a closed
round, by year, for the target score and the contests to read by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhengxing.dutyreports import services
from zhengxing.dutyreports.models import Report
from zhengxing.orgs import yearly
from zhengxing.testing import Cast

from .conftest import Review, as_
from .test_scores import score_all


def test_the_figure_is_registered_by_name() -> None:
    found = yearly.figure("duty_review")
    assert found is not None and found.rows is not None


def test_its_rows_are_the_closed_rounds_scores(
    cast: Cast, review: Review, meeting: tuple[Report, Report]
) -> None:
    span = yearly.Span(county_id=cast.county.pk, year=2026, until=dt.date(2026, 12, 31))
    figure = yearly.figure("duty_review")
    assert figure is not None
    score_all(cast, review, meeting)
    assert list(figure.rows(span)) == []  # scored, but not closed: nothing yet

    services.round_close(actor=as_(cast.bob), round=review.round)

    assert sorted(figure.rows(span)) == [
        (cast.branch_a1.path, 2026, Decimal("93.00"), None),
        (review.branch_a2.path, 2026, Decimal("60.00"), None),
    ]
    by_township = yearly.yearly("duty_review", span, [cast.town_a.path, cast.branch_a1.path])
    assert by_township[cast.branch_a1.path] == (Decimal("93.00"), Decimal("0.00"))
    # another county's span reads none of it
    other = yearly.Span(county_id=cast.county.pk + 1, year=2026, until=dt.date(2026, 12, 31))
    assert list(figure.rows(other)) == []
