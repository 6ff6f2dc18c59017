"""A period is written one way everywhere: "2026年度", "2026年上半年", "2026年第一季度" (issue 18:
not "2026 Y"); in English "2026, first half"; the ledger's Chinese refusals say the same
whatever the page's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from zhengxing.core.periods import PERIOD_CODES, period_label, period_name, year_label
from zhengxing.ledger.rules import Quarter
from zhengxing.stars.rules import period_name as stars_period_name

pytestmark = pytest.mark.engine_neutral  # words only, no database


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        ("Y", "2026年度", "2026, full year"),
        ("H1", "2026年上半年", "2026, first half"),
        ("H2", "2026年下半年", "2026, second half"),
        ("Q1", "2026年第一季度", "2026, first quarter"),
        ("Q2", "2026年第二季度", "2026, second quarter"),
        ("Q3", "2026年第三季度", "2026, third quarter"),
        ("Q4", "2026年第四季度", "2026, fourth quarter"),
    ],
)
def test_each_period_in_words(code: str, chinese: str, english: str) -> None:
    with translation.override("zh-hans"):
        assert period_label(2026, code) == chinese
    with translation.override("en"):
        assert period_label(2026, code) == english
        assert period_label(2026, code, language="zh-hans") == chinese
    assert stars_period_name(2026, code) == chinese


def test_a_quarter_in_a_refusal_is_chinese_in_any_language() -> None:
    with translation.override("en"):
        assert Quarter(2026, 2).label == "2026年第二季度"


def test_a_code_alone_and_a_year_alone() -> None:
    with translation.override("zh-hans"):
        assert [period_name(c) for c in PERIOD_CODES][:3] == ["年度", "上半年", "下半年"]
        assert year_label(2026) == "2026年"
        assert period_label(2026, "X") == "2026年 X"  # an unknown code as it is
