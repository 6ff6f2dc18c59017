"""Due times per category and escalation to the station, then the centre (pure rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.grid.rules import DUE_HOURS, Category, Level, due_at, level_at

T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("category", "urgent", "hours"),
    [
        (Category.URGENT_HELP, False, 4),
        (Category.URGENT_HELP, True, 2),
        (Category.LIVING, False, 24),
        (Category.LIVING, True, 12),
        (Category.POLICY, False, 120),
    ],
)
def test_each_category_has_its_due_time(category: str, urgent: bool, hours: int) -> None:
    assert due_at(category, T0, urgent=urgent) == T0 + dt.timedelta(hours=hours)


def test_every_category_has_a_due_time() -> None:
    assert set(DUE_HOURS) == set(Category.values)


@pytest.mark.parametrize(
    ("hours_later", "is_open", "level"),
    [
        (23, True, Level.GRID),  # within the day: the grid's worker
        (24, True, Level.GRID),  # at the due time exactly: still in time
        (25, True, Level.STATION),  # overdue: the station
        (48, True, Level.STATION),
        (49, True, Level.CENTRE),  # overdue by as long again: the centre
        (100, False, Level.GRID),  # done: escalates no more
    ],
)
def test_an_overdue_need_escalates_to_the_station_then_the_centre(
    hours_later: int, is_open: bool, level: int
) -> None:
    due = due_at(Category.LIVING, T0)
    now = T0 + dt.timedelta(hours=hours_later)
    assert level_at(received=T0, due=due, now=now, is_open=is_open) == level
