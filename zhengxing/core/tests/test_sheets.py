"""Text written to a spreadsheet or CSV never becomes a live formula (OWASP's "CSV injection":
a cell beginning with =, +, -, @, a tab or a carriage return), and reads back as it was; a CSV
is decoded as UTF-8, GBK or GB18030, strictly, in that order; a workbook's parse, the work of
seconds in one call, is told as it goes to whoever asks (the import job's progress bar)."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

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


# --- the parse told as it goes (the import job's progress bar, issue 19) ---------------------

FILES = Path(__file__).resolve().parents[2] / "orgs" / "tests" / "files"


@pytest.fixture
def slow_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-calamine parses these small files in milliseconds; here it takes a tenth of a
    second, told every hundredth, as 100,000 rows take seconds, told every quarter."""
    parse = sheets._parse

    def slow(data: bytes) -> Any:
        time.sleep(0.1)
        return parse(data)

    monkeypatch.setattr(sheets, "_parse", slow)
    monkeypatch.setattr(sheets, "PARSE_TICK", 0.01)


@pytest.mark.parametrize("name", ["plain.xlsx", "roster.xls", "roster.ods"])
def test_a_workbook_being_parsed_is_told_how_far_it_has_probably_got(
    name: str, slow_parse: None
) -> None:
    path = FILES / name
    shares: list[float] = []
    told = sheets.read_tables(path, parsing=shares.append)
    assert len(shares) >= 4, shares  # ticks while parsing, then the end
    assert shares == sorted(shares) and len(set(shares)) == len(shares)
    assert shares[0] > 0 and shares[-2] < 1 and shares[-1] == 1
    untold = sheets.read_tables(path)  # the same tables, parsed on the calling thread
    assert [(t.title, list(t.rows)) for t in told] == [(t.title, list(t.rows)) for t in untold]


def test_a_csv_is_told_it_is_parsed_at_once() -> None:
    shares: list[float] = []
    sheets.read_tables(FILES / "roster-utf8.csv", parsing=shares.append)
    assert shares == [1.0]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param((FILES / "document.xlsx").read_bytes(), id="a-word-document-renamed"),
        pytest.param(sheets._OLE2 + bytes(range(256)) * 8, id="a-broken-xls"),
    ],
)
def test_a_file_parsed_on_its_own_thread_is_refused_as_on_the_calling_one(data: bytes) -> None:
    for parsing in (None, lambda share: None):
        with pytest.raises(sheets.SheetUnreadable) as refused:
            sheets.read_tables(io.BytesIO(data), parsing=parsing)
        assert str(refused.value) == sheets.NOT_A_SHEET


def test_a_job_cancelled_while_its_workbook_is_parsed_stops_at_the_next_tick(
    slow_parse: None,
) -> None:
    class Cancelled(Exception):
        pass

    def cancel(share: float) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        sheets.read_tables(FILES / "plain.xlsx", parsing=cancel)


def test_the_estimate_is_half_at_the_expected_time_and_never_the_whole() -> None:
    assert sheets._parse_share(0, 2.0) == 0
    assert sheets._parse_share(2.0, 2.0) == 0.5
    assert sheets._parse_share(6.0, 2.0) == 0.75
    assert sheets._parse_share(600.0, 2.0) < 1
