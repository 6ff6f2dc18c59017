"""The crawl's checks on a page's text (crawl.py): English left in a Chinese page, and full ID
numbers and phones, told apart from names, codes and masked numbers."""

from __future__ import annotations

import pytest

from .crawl import english_words, full_numbers

pytestmark = pytest.mark.engine_neutral


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("积分 Points ledger 一张表", ["Points", "ledger"]),
        ("审核 pending", ["pending"]),
        ("★ 争星 Zhengxing · English", []),  # the product's name, the language switch
        ("SMX-G01 卫生责任区 A1B Q1 2026-H1", []),  # codes
        ("方案 bayannur-532 sanmenxia-5star", []),  # a scheme's slug
        ("退出（township1）", []),  # a login with its digits
        ("退出（secretary）", ["secretary"]),  # a login: a name only where the crawl says so
        ("二维码 http://127.0.0.1:8000/p/stars/plans/abc/", []),  # an address shown
        ("导出 Excel · 下载 xlsx", []),
        ("It's done", ["It's", "done"]),
    ],
)
def test_english_words(text: str, found: list[str]) -> None:
    assert english_words(text) == found


def test_a_name_the_crawl_is_given_passes() -> None:
    assert english_words("退出（secretary）", names={"secretary"}) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("身份证 150824197001011234", ["150824197001011234"]),
        ("身份证 15082419700101123X", ["15082419700101123X"]),
        ("电话 13912345678", ["13912345678"]),
        ("身份证 1508**************34 电话 139******78", []),  # masked
        ("哈希 a13912345678b 编号 0013912345678", []),  # inside a hash or a longer number
        ("第2026年 共12345678901人", []),  # 11 digits not starting 13-19
    ],
)
def test_full_numbers(text: str, found: list[str]) -> None:
    assert full_numbers(text) == found
