"""What the Chinese-pages test counts as English (zhengxing.testing.english_words) and as read
(visible_texts): the rule behind test_chinese_pages, held by examples."""

from __future__ import annotations

import pytest

from zhengxing.testing import english_words, visible_texts

pytestmark = pytest.mark.engine_neutral  # text only, no database


def test_what_a_person_reads() -> None:
    html = (
        '<p>积分<script>var x = "code";</script></p><td data-label="Name">王甲</td>'
        '<pre translate="no">{"name": "王甲"}</pre><input placeholder="Search"><br>尾'
    )
    assert visible_texts(html) == ["积分", "Name", "王甲", "Search", "尾"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("导出Excel", []),  # a word with no Chinese of its own
        ("HLT01B", []),  # a code
        ("bayannur-532", []),
        ("http://example.org/p/abc/", []),  # an address
        ("Points per quarter", ["Points", "per", "quarter"]),
        ("2026Q1 积分", ["2026Q1"]),  # a quarter as its code, not in words
        ("截至Q2", ["Q2"]),
        ("乌日娜 Sarangerel", []),  # typed: a name
    ],
)
def test_what_counts_as_english(text: str, found: list[str]) -> None:
    words = english_words([text], typed=frozenset({"Sarangerel"}))
    assert [w.split(" (")[0] for w in words] == found
