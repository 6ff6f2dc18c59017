"""The rules that need no database: three rounds, two levels in order, each once.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定"。
"""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.deliberation.rules import (
    Level,
    Stage,
    after_decision,
    approval_hold,
    decision_refusal,
    quorum,
    round_refusal,
)

pytestmark = pytest.mark.engine_neutral


def test_three_rounds_and_no_fourth() -> None:
    """ "三轮议事": rounds one to three are recorded, a fourth is refused."""
    assert [round_refusal(Stage.DELIBERATING, n) for n in range(3)] == [None, None, None]
    assert "第3轮已经记录" in (round_refusal(Stage.DELIBERATING, 3) or "")
    assert round_refusal(Stage.VILLAGE, 3) is not None
    assert "不再议事" in (round_refusal(Stage.APPROVED, 3) or "")


def test_two_levels_in_order_each_once() -> None:
    """ "两级审定": the village after the three rounds, then the township; never the township
    first, never a level twice."""
    assert "已议事2轮" in (decision_refusal(Stage.DELIBERATING, Level.VILLAGE, 2) or "")
    assert decision_refusal(Stage.VILLAGE, Level.VILLAGE, 3) is None
    assert "村党组织审定通过后" in (decision_refusal(Stage.VILLAGE, Level.TOWNSHIP, 3) or "")
    assert decision_refusal(Stage.TOWNSHIP, Level.TOWNSHIP, 3) is None
    assert "不能重复审定" in (decision_refusal(Stage.TOWNSHIP, Level.VILLAGE, 3) or "")
    assert "不能重复审定" in (decision_refusal(Stage.APPROVED, Level.TOWNSHIP, 3) or "")


def test_a_return_goes_back_to_deliberation() -> None:
    assert after_decision(Level.VILLAGE, True) == Stage.TOWNSHIP
    assert after_decision(Level.TOWNSHIP, True) == Stage.APPROVED
    assert after_decision(Level.VILLAGE, False) == Stage.DELIBERATING
    assert after_decision(Level.TOWNSHIP, False) == Stage.DELIBERATING


def test_more_than_half_take_part() -> None:
    assert [quorum(n) for n in (5, 4, 3)] == [3, 3, 2]


@pytest.mark.parametrize(
    ("today", "until", "unanswered", "refusal"),
    [
        # the latest step's window still open, to its last day
        (dt.date(2026, 9, 8), dt.date(2026, 9, 8), 0, "公示期未满：该步骤公示至2026-09-08"),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 8), 2, "公示期未满"),
        # closed, but an objection waits for its answer
        (dt.date(2026, 9, 9), dt.date(2026, 9, 8), 1, "有未答复的异议（1条）"),
        # closed and everything answered
        (dt.date(2026, 9, 9), dt.date(2026, 9, 8), 0, None),
        (dt.date(2026, 9, 9), None, 0, None),
    ],
)
def test_an_approval_waits_for_the_window_and_the_answers(
    today: dt.date, until: dt.date | None, unanswered: int, refusal: str | None
) -> None:
    """ "全程公开": a step is open to the villagers' objections for its window, and their
    objections are answered, before a level approves."""
    found = approval_hold(today=today, window_until=until, unanswered=unanswered)
    assert found == refusal if refusal is None else found is not None and found.startswith(refusal)
