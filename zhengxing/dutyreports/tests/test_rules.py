"""The rubric, the marks, the mean and the grade: a table of cases each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengxing.core.errors import ServiceError
from zhengxing.dutyreports.rules import (
    DEFAULT_RUBRIC,
    DEFAULT_THRESHOLDS,
    Grade,
    RubricItem,
    check_marks,
    check_rubric,
    check_thresholds,
    grade_for,
    mean_score,
)


def test_the_default_rubric_sums_to_100() -> None:
    assert sum(i.max_points for i in check_rubric(DEFAULT_RUBRIC)) == 100


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([("甲", 50), ("乙", 40)], "分值之和须为100（现为90）"),
        ([("甲", 50), ("甲", 50)], "评分项“甲”重复"),
        ([("甲", 0), ("乙", 100)], "分值须在1至100之间"),
        ([("", 100)], "须有名称"),
        ([], "须有1至12项"),
    ],
)
def test_a_rubric_not_summing_to_100_or_badly_made_is_refused(
    items: list[tuple[str, int]], message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        check_rubric(items)


RUBRIC = [RubricItem("职责", 60), RubricItem("成效", 40)]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"职责": 61, "成效": 40}, "“职责”的得分须在0至60之间"),
        ({"职责": -1, "成效": 40}, "“职责”的得分须在0至60之间"),
        ({"职责": 60}, "请为“成效”打分"),
        ({"职责": "很好", "成效": 40}, "须为数字"),
        ({"职责": 60, "成效": 40, "加分": 5}, "评分细则中没有“加分”"),
    ],
)
def test_marks_outside_the_rubric_are_refused(given: dict[str, object], message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        check_marks(RUBRIC, given)


def test_marks_are_kept_to_one_decimal() -> None:
    assert check_marks(RUBRIC, {"职责": "55.25", "成效": 30}) == {
        "职责": Decimal("55.3"),
        "成效": Decimal("30.0"),
    }


def test_the_mean_is_rounded_half_up_to_two_places() -> None:
    assert mean_score([Decimal("90"), Decimal("85"), Decimal("80.5")]) == Decimal("85.17")
    assert mean_score([Decimal("80.1"), Decimal("80")]) == Decimal("80.05")
    assert mean_score([Decimal("0.005")]) == Decimal("0.01")


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", Grade.GOOD),
        ("90", Grade.GOOD),
        ("89.99", Grade.FAIRLY_GOOD),
        ("80", Grade.FAIRLY_GOOD),
        ("79.99", Grade.FAIR),
        ("60", Grade.FAIR),
        ("59.99", Grade.POOR),
        ("0", Grade.POOR),
    ],
)
def test_the_grade_by_the_default_thresholds(score: str, grade: str) -> None:
    assert grade_for(Decimal(score), DEFAULT_THRESHOLDS) == grade


def test_a_round_may_set_its_own_thresholds() -> None:
    assert grade_for(Decimal("86"), (85, 75, 60)) == Grade.GOOD
    with pytest.raises(ServiceError, match="等次分数线"):
        check_thresholds(80, 90, 60)
