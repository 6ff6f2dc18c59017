"""Spreadsheets in and out, as Chinese offices have them.

Reading (`read_tables`): whatever a clerk saves — Excel's .xlsx, .xlsm and .xlsb, old Excel's
and LibreOffice's .xls, WPS's .et (an OLE2 compound file like .xls), LibreOffice's .ods — read
by python-calamine, and CSV in UTF-8 (with or without the BOM Excel writes), GBK (what Chinese
Excel writes) or GB18030. The kind is told by the file's first bytes, not its name. Before
anything is parsed, an empty file, a password-protected one and one that would unpack past
`ZHENGXING_IMPORT_MAX_UNPACKED_MB` (read from the zip's central directory: a zip bomb of a few
MB would otherwise be parsed into gigabytes) are refused with a Chinese message
(`SheetUnreadable`), as is a file of another kind; a sheet of more than
`ZHENGXING_IMPORT_MAX_ROWS` rows is refused before any of its rows is read. What one sheet may
cost in memory is thereby bounded by the unpacked cap (calamine holds a sheet's cells at once).

python-calamine parses a sheet whole, in one call: about 2 s for 100,000 rows of 20 columns
(90 MB of sheet XML), more on a loaded server, with nothing to report from inside it. It lets go
of Python's lock meanwhile, so a caller who asks (`parsing`, the import job's progress bar) has
the workbook parsed on a thread of its own while the calling thread tells it, every
`PARSE_TICK` seconds, how far the parse has probably got (`_parse_share`).

Writing (`text_cell`): every export writes text through one function, so a name or an address
beginning with "=", "+", "-" or "@" never becomes a live formula, even after a clerk saves the
workbook as CSV and opens that again; `text_uncell` undoes it on import, so an export re-imports.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import python_calamine
from django.conf import settings

from .errors import ServiceError

# --- writing ------------------------------------------------------------------------------

# What a spreadsheet, or one reading a CSV, takes for the start of a formula (OWASP, "CSV
# injection"); a tab or carriage return first hides the formula behind white space.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters a worksheet cannot store (openpyxl's ILLEGAL_CHARACTERS_RE).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# a signed number ("-3", "+1.5") is no formula: it stays as it is
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def text_cell(text: str) -> str:
    """Text as an exported cell (or CSV field) holds it safely: control characters a worksheet
    cannot store dropped, and text a spreadsheet would run as a formula prefixed with an
    apostrophe, the mark Excel and WPS themselves use for "this is text". A signed number
    ("-3") is left as it is."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def text_uncell(text: str) -> str:
    """What `text_cell` wrote, as it was: the apostrophe before a formula's first sign removed."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


# --- reading ------------------------------------------------------------------------------

EMPTY_FILE = "文件是空的，请选择填好的花名册文件"
NOT_A_SHEET = "文件不是可读取的电子表格（可上传 .xlsx、.xls、.et、.ods 或 .csv 文件）"
PROTECTED = "文件设有密码，请取消密码后再上传"
NOT_DECODED = (
    "无法识别CSV文件的编码（支持 UTF-8、GBK、GB18030），请在 Excel 中另存为“CSV UTF-8”后重新上传"
)

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE2 compound file holding the real workbook in this stream.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ett", ".ods"})
CSV_ENCODINGS = ("utf-8-sig", "gbk", "gb18030")  # tried strictly, in this order
CSV_SHEET = "CSV"


class SheetUnreadable(ServiceError):
    """The file cannot be read as a table; the message says why, in Chinese."""


@dataclass
class Table:
    """One sheet: its rows (lists of cell values, "" for an empty cell; read as they are
    iterated), the spreadsheet row number of the first, and its merged ranges (zero-based
    ((first row, first column), (last row, last column)), relative to the sheet, not the rows)."""

    title: str
    rows: Iterator[list[Any]]
    first_row: int = 1
    first_column: int = 0
    height: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


def max_unpacked_bytes() -> int:
    return int(settings.ZHENGXING_IMPORT_MAX_UNPACKED_MB) * 1024 * 1024


def max_rows() -> int:
    return int(settings.ZHENGXING_IMPORT_MAX_ROWS)


# `parsing(share)`: the share of the workbook's parse probably done, 0 < share < 1, then 1
Parsing = Callable[[float], None]

# how often `parsing` is told while python-calamine works
PARSE_TICK = 0.25
# How fast python-calamine parses a workbook, in bytes of its unpacked XML a second: measured
# here (2 shared cores) at 43-73 MB/s for sheets written with inline strings, 40 MB/s with a
# table of shared strings, as Excel writes; the slower rate, so an estimate runs ahead rarely.
PARSE_BYTES_PER_SECOND = 40_000_000


def read_tables(file: IO[bytes] | str | Path, *, parsing: Parsing | None = None) -> list[Table]:
    """Every sheet of a spreadsheet or CSV file, checked before it is parsed;
    `SheetUnreadable` with the reason when it cannot be read. `parsing`, if given, is told
    how far the parse of a workbook has probably got while it runs, and 1 when it is done (a
    CSV is read as its rows are iterated: it is told 1 at once)."""
    name = str(file) if isinstance(file, str | Path) else str(getattr(file, "name", "") or "")
    if isinstance(file, str | Path):
        data = Path(file).read_bytes()
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
    if not data.strip():
        raise SheetUnreadable(EMPTY_FILE)
    suffix = Path(name).suffix.lower()
    if data.startswith(_ZIP):
        unpacked = _check_unpacked(data)
        return _workbook(data, unpacked=unpacked, parsing=parsing)
    if data.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in data:
            raise SheetUnreadable(PROTECTED)
        return _workbook(data, unpacked=len(data), parsing=parsing)
    if suffix in SHEET_SUFFIXES or b"\x00" in data:
        raise SheetUnreadable(NOT_A_SHEET)
    table = _csv(data)
    if parsing is not None:
        parsing(1.0)
    return [table]


def _check_unpacked(data: bytes) -> int:
    """Refuse a zip whose central directory says it unpacks past the limit, before any of it
    is inflated; the bytes it unpacks to."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SheetUnreadable(NOT_A_SHEET) from None
    if unpacked > max_unpacked_bytes():
        limit = settings.ZHENGXING_IMPORT_MAX_UNPACKED_MB
        raise SheetUnreadable(
            f"文件解压后有{unpacked // (1024 * 1024)}MB，超过{limit}MB的上限，"
            "请删去无关的工作表和格式，或分成几个文件导入"
        )
    return unpacked


def _too_many_rows(title: str, rows: int) -> SheetUnreadable:
    return SheetUnreadable(f"“{title}”表有{rows}行，超过{max_rows()}行的上限，请分成几个文件导入")


def _workbook(data: bytes, *, unpacked: int, parsing: Parsing | None) -> list[Table]:
    if parsing is None:
        parsed = _parse(data)
    else:
        parsed = _parse_told(data, expected=unpacked / PARSE_BYTES_PER_SECOND, parsing=parsing)
        parsing(1.0)
    tables = []
    for title, sheet in parsed:
        start_row, start_column = sheet.start or (0, 0)
        if sheet.height > max_rows():
            raise _too_many_rows(title, sheet.height)
        merged = sheet.merged_cell_ranges or []
        tables.append(
            Table(
                title=title,
                rows=iter(sheet.iter_rows()),
                first_row=start_row + 1,
                first_column=start_column,
                height=sheet.height,
                merged=[tuple(map(tuple, r)) for r in merged],  # type: ignore[misc]
            )
        )
    return tables


def _parse(data: bytes) -> list[tuple[str, python_calamine.CalamineSheet]]:
    """Every sheet of the workbook, parsed by python-calamine (the work of seconds)."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise SheetUnreadable(PROTECTED) from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise SheetUnreadable(NOT_A_SHEET) from None
    parsed = []
    for title in book.sheet_names:
        try:
            parsed.append((title, book.get_sheet_by_name(title)))
        except python_calamine.PasswordError:
            raise SheetUnreadable(PROTECTED) from None
        except (python_calamine.CalamineError, ValueError, OSError):
            raise SheetUnreadable(f"“{title}”表无法读取，文件可能已损坏") from None
    return parsed


def _parse_told(
    data: bytes, *, expected: float, parsing: Parsing
) -> list[tuple[str, python_calamine.CalamineSheet]]:
    """`_parse` on a thread of its own, `parsing` told how far it has probably got every
    `PARSE_TICK` seconds meanwhile, on the calling thread (where the job's database connection
    is). Should `parsing` raise (a cancelled job), the parse is left to end by itself, unread."""
    outcome: list[Any] = []

    def work() -> None:
        try:
            outcome.append(_parse(data))
        except BaseException as e:  # handed to the calling thread, which raises it
            outcome.append(e)

    worker = threading.Thread(target=work, name="sheets-parse", daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(PARSE_TICK)
    while worker.is_alive():
        parsing(_parse_share(time.monotonic() - started, expected))
        worker.join(PARSE_TICK)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[no-any-return]


def _parse_share(elapsed: float, expected: float) -> float:
    """How much of a parse expected to take `expected` seconds is probably done after `elapsed`:
    half at the expected time, two thirds at twice it, and so on, never reaching the whole, so
    the estimate keeps moving on a server slower than the one measured, never running out."""
    return elapsed / (elapsed + max(expected, 0.01))


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a BOM), else GBK, else GB18030, each
    decoded strictly; `SheetUnreadable` when none fits."""
    for encoding in CSV_ENCODINGS:
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise SheetUnreadable(NOT_DECODED)


def _csv(data: bytes) -> Table:
    text = decode_text(data)
    lines = text.count("\n") + 1
    if lines > max_rows():
        raise _too_many_rows(CSV_SHEET, lines)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return Table(title=CSV_SHEET, rows=_csv_rows(text, dialect), height=lines)


def _csv_rows(text: str, dialect: Any) -> Iterator[list[Any]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
    except csv.Error as e:
        raise SheetUnreadable(f"CSV文件格式有误：{e}") from None
