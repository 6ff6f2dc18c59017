"""The rectification task against its ledger's writers, on PostgreSQL, made to overlap for
certain (`ledger.tests.test_sign_off_races.overlapping`: the first transaction is held open until
PostgreSQL shows the second waiting for its lock). The task's row lock decides: marked done
first, a problem recorded meanwhile waits and is refused; a problem recorded first, the task
waits and is refused while that problem is open. Never a task done with a problem open."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.ledger.tests.test_sign_off_races import overlapping, refused
from zhengxing.stars.models import Consequence, RectifyProblem
from zhengxing.stars.rectify import rectify_problem_add, rectify_problem_close, rectify_progress_add
from zhengxing.stars.services import consequence_done
from zhengxing.testing import Cast

from .conftest import act
from .test_rectify import weak_task

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("who waits for whose lock is read from PostgreSQL's pg_stat_activity")


def _problem(cast: Cast, task: Consequence, text: str) -> RectifyProblem:
    return rectify_problem_add(
        actor=act(cast.bob, 7, 15), consequence=task, problem=text, source="督查",
        measure="限期整改", responsible="支部书记", due_on=dt.date(2026, 9, 30),
    )  # fmt: skip


def test_a_problem_recorded_while_the_task_is_marked_done_is_refused(scored: Cast) -> None:
    task = weak_task(scored)
    found = _problem(scored, task, "组织生活不经常")
    rectify_progress_add(actor=act(scored.carol, 8, 2), problem=found, done_on=dt.date(2026, 8, 1),
                         action="按月开展主题党日", done_by="支部书记")  # fmt: skip
    rectify_problem_close(actor=act(scored.bob, 8, 3), problem=found, reason="已整改到位")
    race = overlapping(
        lambda: consequence_done(actor=act(scored.bob, 8, 4), consequence=task, note="已整顿"),
        lambda: _problem(scored, task, "又发现的问题"),
    )
    assert race.waited and isinstance(race.first, Consequence)
    assert "整顿事项已办结" in refused(race.second)
    assert RectifyProblem.objects.filter(consequence=task).count() == 1


def test_the_task_marked_done_while_a_problem_is_recorded_is_refused(scored: Cast) -> None:
    task = weak_task(scored)
    race = overlapping(
        lambda: _problem(scored, task, "村务公开不及时"),
        lambda: consequence_done(actor=act(scored.bob, 8, 4), consequence=task, note="已整顿"),
    )
    assert race.waited and isinstance(race.first, RectifyProblem)
    assert "还有1个整顿问题未销号" in refused(race.second)
    task.refresh_from_db()
    assert task.done_at is None
