"""The roster workbook (花名册): its layout, and reading and writing it.

One layout serves the blank template, the export and the import, so an export re-imports as it
is. Sheets: "党员" (one member a row, the columns of `roster.COLUMNS`), "组织" (the tree, one
organisation a row, parents before children) and "填写说明" (what each column takes). Coded
values appear as their Chinese labels; the reader accepts a label or the code itself.

No database here: `imports.py` validates and writes, this module only knows the file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from .roster import COLUMNS, Column
from .rules import ETHNICITIES

MEMBER_SHEET = "党员"
ORG_SHEET = "组织"
HELP_SHEET = "填写说明"

# Chinese labels for the tree's vocabulary (the rules' own labels are English gettext strings).
ORG_KIND_LABELS = {
    "county": "旗县区",
    "township": "乡镇/苏木/街道",
    "street_committee": "街道党工委",
    "village": "村/嘎查/社区",
    "general_branch": "党总支",
    "branch": "党支部",
    "grid_branch": "网格党支部",
    "mobile": "流动党员党组织",
    "group": "党小组",
    "building_group": "楼院党小组",
    "central_household": "党员中心户",
}
ORG_CATEGORY_LABELS = {
    "rural": "农村",
    "community": "街道社区",
    "organ": "机关",
    "institution": "事业单位",
    "school": "学校",
    "state_enterprise": "国有企业",
    "private_enterprise": "非公企业",
    "social": "社会组织",
    "other": "其他",
}

ORG_COLUMNS: tuple[Column, ...] = (
    Column("code", "组织代码", True, hint="本旗县区内唯一"),
    Column("name", "组织名称", True, hint="全称"),
    Column("kind", "组织类型", True, ORG_KIND_LABELS),
    Column("parent_code", "上级组织代码", False, hint="新建组织必填；已有组织留空表示不变"),
    Column("category", "组织类别", False, ORG_CATEGORY_LABELS, hint="新建组织留空为“农村”"),
    Column("secretary_name", "书记", False),
    Column("contact_name", "联系人", False),
    Column("contact_phone", "联系电话", False),
)

# Typed into Excel as numbers, an 18-digit ID loses its last digits: these columns hold text.
TEXT_COLUMNS = frozenset({"id_card", "phone", "contact_phone", "code", "parent_code"})
DATE_COLUMNS = frozenset({"birth_date", "joined_on", "full_on"})
WIDTHS = {"name": 10, "id_card": 21, "address": 24, "branch_code": 16, "mobile_whereabouts": 20}
ORG_WIDTHS = {"name": 30, "kind": 16, "parent_code": 14}
MAX_ROWS = 1_048_576  # Excel's last row, for whole-column validation ranges

_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def decode(column: Column, text: str) -> str:
    """The code for a label (or a code given as it is); ValueError when it is neither."""
    assert column.labels is not None
    if text in column.labels:
        return text
    for code, label in column.labels.items():
        if text == label:
            return code
    raise ValueError(text)


def allowed_values(column: Column) -> str:
    return "、".join(column.labels.values()) if column.labels else ""


# --- writing ------------------------------------------------------------------------------


def _header_cells(ws: Any, columns: Sequence[Column]) -> list[Any]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        note = ["必填" if column.required else "选填"]
        if column.hint:
            note.append(column.hint)
        if column.labels:
            note.append("可填：" + allowed_values(column))
        cell.comment = Comment("；".join(note), "争星", width=240, height=90)
        cells.append(cell)
    return cells


def _layout(ws: Any, columns: Sequence[Column], widths: dict[str, int]) -> None:
    """Column widths, text/date formats and drop-downs; must precede the first row written."""
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        dim = ws.column_dimensions[letter]
        dim.width = widths.get(column.key, max(10, 2 * len(column.header) + 4))
        if column.key in TEXT_COLUMNS:
            dim.number_format = "@"
        elif column.key in DATE_COLUMNS:
            dim.number_format = "yyyy-mm-dd"
        if column.labels:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.labels.values()) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="无效的值",
                error="请从下拉列表中选择：" + allowed_values(column),
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS}")
            ws.data_validations.append(validation)
    ws.freeze_panes = "A2"


def _help_rows() -> Iterator[list[Any]]:
    yield ["表", "列名", "是否必填", "说明", "可填的值"]
    for sheet, columns in ((MEMBER_SHEET, COLUMNS), (ORG_SHEET, ORG_COLUMNS)):
        for c in columns:
            yield [sheet, c.header, "必填" if c.required else "选填", c.hint, allowed_values(c)]
    yield []
    yield ["说明"]
    for line in (
        "每行一名党员（“党员”表）或一个组织（“组织”表），第1行为列名，请勿修改列名。",
        "红色列名为必填列。日期可写作 1968-05-01、1968/5/1 或 1968年5月1日。",
        "“所在党组织代码”“党小组代码”填写“组织”表或系统中已有组织的代码。",
        "按公民身份号码识别党员：已在本旗县区登记的党员将被更新，不会重复登记。",
        "任何一行有错误时整个文件都不会导入，请按错误清单逐条修改后重新上传。",
        "民族填写全称：" + "、".join(ETHNICITIES),
    ):
        yield [line]


def write_workbook(
    out: IO[bytes] | str | Path,
    *,
    members: Iterable[Sequence[Any]] = (),
    orgs: Iterable[Sequence[Any]] = (),
) -> None:
    """Write the roster layout (streaming, write-only) with the given data rows, which are in
    the order of `COLUMNS` and `ORG_COLUMNS` (see `member_row` and `org_row`)."""
    wb = Workbook(write_only=True)
    for title, columns, widths, rows in (
        (MEMBER_SHEET, COLUMNS, WIDTHS, members),
        (ORG_SHEET, ORG_COLUMNS, ORG_WIDTHS, orgs),
    ):
        ws = wb.create_sheet(title)
        _layout(ws, columns, widths)
        ws.append(_header_cells(ws, columns))
        for row in rows:
            ws.append([_safe(ws, v) if isinstance(v, str) else v for v in row])
    help_ws = wb.create_sheet(HELP_SHEET)
    for key, width in zip("ABCDE", (8, 16, 10, 40, 60), strict=True):
        help_ws.column_dimensions[key].width = width
    for row in _help_rows():
        help_ws.append(row)
    wb.save(out)


def _safe(ws: Any, text: str) -> Any:
    """Text as a cell can hold it: control characters a worksheet cannot store are dropped, and
    text beginning with "=" stays text (written as is, Excel would run it as a formula)."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def roster_template_bytes() -> bytes:
    """The blank template, for downloading."""
    buffer = io.BytesIO()
    write_workbook(buffer)
    return buffer.getvalue()


def member_row(values: dict[str, Any]) -> list[Any]:
    """One member's cells from their values keyed by column key (codes become labels)."""
    return _row(COLUMNS, values)


def org_row(values: dict[str, Any]) -> list[Any]:
    return _row(ORG_COLUMNS, values)


def _row(columns: Sequence[Column], values: dict[str, Any]) -> list[Any]:
    row = []
    for column in columns:
        value = values.get(column.key)
        if column.labels is not None and value:
            value = column.labels.get(value, value)
        row.append("" if value is None else value)
    return row


# --- reading ------------------------------------------------------------------------------


class NotAWorkbook(Exception):
    """The file is not an .xlsx workbook openpyxl can read."""


# What openpyxl and zipfile raise for a file that is not a readable .xlsx.
_UNREADABLE = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    OSError,
    EOFError,
    ParseError,
    ValueError,
    TypeError,
)


def _header_text(value: Any) -> str:
    # tolerate a marked header such as "姓名*" or " 姓名 "
    return str(value).strip().rstrip("*＊").strip() if value is not None else ""


@dataclass
class Sheet:
    """One sheet of the workbook: its columns found by header text, and its data rows."""

    title: str
    columns: Sequence[Column]
    index: dict[str, int] = field(default_factory=dict)  # column key -> position
    has_header: bool = False
    estimated_rows: int = 0
    _rows: Iterator[tuple[Any, ...]] | None = None

    @property
    def missing(self) -> list[Column]:
        """Required columns that the header lacks."""
        return [c for c in self.columns if c.required and c.key not in self.index]

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(Excel row number, values keyed by column key) for each non-empty data row."""
        assert self._rows is not None
        pairs = tuple(self.index.items())
        try:
            for number, row in enumerate(self._rows, start=2):
                if not any(v is not None and v != "" for v in row):
                    continue
                width = len(row)
                yield number, {key: row[i] if i < width else None for key, i in pairs}
        except _UNREADABLE as e:
            raise NotAWorkbook(str(e)) from e


class RosterBook:
    """An open roster workbook (read-only, streaming). Use as a context manager."""

    def __init__(self, file: IO[bytes] | str | Path) -> None:
        try:
            self._wb = load_workbook(file, read_only=True, data_only=True)
        except _UNREADABLE as e:
            raise NotAWorkbook(str(e)) from e
        names = self._wb.sheetnames
        member_title = MEMBER_SHEET if MEMBER_SHEET in names else None
        if member_title is None:
            others = [n for n in names if n not in (ORG_SHEET, HELP_SHEET)]
            member_title = others[0] if others else None
        self.members = self._sheet(member_title, COLUMNS) if member_title else None
        self.orgs = self._sheet(ORG_SHEET, ORG_COLUMNS) if ORG_SHEET in names else None

    def _sheet(self, title: str, columns: Sequence[Column]) -> Sheet:
        ws = self._wb[title]
        try:
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
        except _UNREADABLE as e:
            raise NotAWorkbook(str(e)) from e
        sheet = Sheet(title=title, columns=columns, _rows=rows)
        by_header = {c.header: c for c in columns}
        for i, value in enumerate(header or ()):
            column = by_header.get(_header_text(value))
            if column is not None and column.key not in sheet.index:
                sheet.index[column.key] = i
        sheet.has_header = bool(header) and any(v not in (None, "") for v in header or ())
        sheet.estimated_rows = max((ws.max_row or 1) - 1, 0)
        return sheet

    def close(self) -> None:
        self._wb.close()

    def __enter__(self) -> RosterBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cell_text(value: Any) -> str:
    """A cell's value as trimmed text (a whole number typed into Excel reads as a float)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
