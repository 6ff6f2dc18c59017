"""Text written to a spreadsheet or CSV never becomes a live formula (OWASP's "CSV injection":
a cell beginning with =, +, -, @, a tab or a carriage return), and reads back as it was; a CSV
is decoded as UTF-8, GBK or GB18030, strictly, in that order."""

from __future__ import annotations

import pytest

from zhengxing.core import sheets

pytestmark = pytest.mark.engine_neutral


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://example.com","点我")', '\'=HYPERLINK("http://example.com","点我")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("王甲", "王甲"),
        ("1+1=2", "1+1=2"),
        ("-3", "-3"),  # a signed number is no formula
        ("+1.5", "+1.5"),
        ("a\x00b\x1fc", "abc"),  # what a worksheet cannot store
    ],
)
def test_text_that_a_spreadsheet_would_run_is_written_as_text(text: str, written: str) -> None:
    assert sheets.text_cell(text) == written
    assert sheets.text_uncell(written) == text.replace("\x00", "").replace("\x1f", "")


def test_an_apostrophe_of_the_clerks_own_is_kept() -> None:
    assert sheets.text_uncell("'张三") == "'张三"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("姓名,民族\n张三,汉族\n".encode(), "姓名,民族\n张三,汉族\n"),
        ("\ufeff姓名\n".encode(), "姓名\n"),  # Excel's "CSV UTF-8" starts with a BOM
        ("姓名\n张三\n".encode("gbk"), "姓名\n张三\n"),
        ("䶮村\n".encode("gb18030"), "䶮村\n"),  # not in GBK
    ],
)
def test_a_csv_is_decoded_whatever_office_wrote_it(data: bytes, text: str) -> None:
    assert sheets.decode_text(data) == text


def test_a_csv_in_no_known_encoding_is_refused() -> None:
    with pytest.raises(sheets.SheetUnreadable, match="无法识别CSV文件的编码"):
        sheets.decode_text(b"\x80\xff\x80")
