"""The roster workbook (花名册): its layout, and reading and writing it.

One layout serves the blank template, the export and the import, so an export re-imports as it
is. Sheets: "党员" (one member a row, the columns of `roster.COLUMNS`), "组织" (the tree, one
organisation a row, parents before children) and "填写说明" (what each column takes). Coded
values appear as their Chinese labels; the reader accepts a label or the code itself.

No database here: `imports.py` validates and writes, this module only knows the file.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zhengxing.core import sheets

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
    Column("code", "组织代码", True, hint="本旗县区内唯一", max_length=32),
    Column("name", "组织名称", True, hint="全称", max_length=200),
    Column("kind", "组织类型", True, ORG_KIND_LABELS),
    Column(
        "parent_code",
        "上级组织代码",
        False,
        hint="新建组织必填；已有组织留空表示不变",
        max_length=32,
    ),
    Column("category", "组织类别", False, ORG_CATEGORY_LABELS, hint="新建组织留空为“农村”"),
    Column("secretary_name", "书记", False, max_length=50),
    Column("contact_name", "联系人", False, max_length=50),
    Column("contact_phone", "联系电话", False, max_length=30),
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
            ws.append([sheets.text_cell(v) if isinstance(v, str) else v for v in row])
    help_ws = wb.create_sheet(HELP_SHEET)
    for key, width in zip("ABCDE", (8, 16, 10, 40, 60), strict=True):
        help_ws.column_dimensions[key].width = width
    for row in _help_rows():
        help_ws.append(row)
    wb.save(out)


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

# Clerks put a title (merged across the columns), a date or a note above the headers: the header
# row is looked for among the first rows, as the row naming the most of the layout's columns.
HEADER_ROWS = 5


def _header_text(value: Any) -> str:
    # tolerate a marked header such as "姓名*" or " 姓名 ", or one broken over two lines
    if value is None:
        return ""
    return "".join(str(value).split()).rstrip("*＊")


@dataclass
class Sheet:
    """One sheet of the workbook: its columns found by header text, and its data rows."""

    title: str
    columns: Sequence[Column]
    index: dict[str, int] = field(default_factory=dict)  # column key -> position
    has_header: bool = False
    header_row: int = 1  # the spreadsheet row number of the header
    no_header: bool = False  # rows there are, but none of the first ones is the header
    estimated_rows: int = 0
    _rows: Iterator[list[Any]] | None = None
    _first_data_row: int = 2

    @property
    def missing(self) -> list[Column]:
        """Required columns that the header lacks."""
        return [c for c in self.columns if c.required and c.key not in self.index]

    @property
    def header_problem(self) -> str:
        """What to say when no header was found."""
        names = "”“".join(c.header for c in self.columns if c.required)
        return f"表头须在第1至{HEADER_ROWS}行：前{HEADER_ROWS}行中没有“{names}”等列名"

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(spreadsheet row number, values keyed by column key) for each non-empty data row."""
        for chunk in self.chunks(1000):
            for j, number in enumerate(chunk.numbers):
                yield number, chunk.raw(j)

    def chunks(self, size: int) -> Iterator[Rows]:
        """The non-empty data rows, of every `size` read, as columns (`Rows`): what `rows`
        gives, without a dict made for each row only to be taken apart again (the roster
        import cleans them a column at a time, `roster.clean_member_columns`)."""
        assert self._rows is not None
        pairs = tuple(self.index.items())
        width = max(self.index.values(), default=-1) + 1
        number = self._first_data_row - 1
        while block := list(itertools.islice(self._rows, size)):
            numbers, kept = [], []
            for row in block:
                number += 1
                # calamine gives "" for an empty cell; a row of 0s is rare enough to look again
                if any(row) or any(v is not None and v != "" for v in row):
                    numbers.append(number)
                    kept.append(row if len(row) >= width else [*row, *[None] * width][:width])
            if kept:
                yield Rows(numbers, {key: [row[i] for row in kept] for key, i in pairs})


@dataclass(frozen=True)
class Rows:
    """Data rows of a sheet as columns: the rows' spreadsheet numbers, and each column's values
    (by column key: the columns the header has)."""

    numbers: list[int]
    columns: dict[str, list[Any]]

    def column(self, key: str) -> list[Any]:
        """The values of a column, None throughout where the header lacks it."""
        found = self.columns.get(key)
        return found if found is not None else [None] * len(self.numbers)

    def raw(self, j: int) -> dict[str, Any]:
        """The j-th row's values by column key, as `Sheet.rows` gives a row."""
        return {key: values[j] for key, values in self.columns.items()}


def _with_merges(table: sheets.Table, head: list[list[Any]]) -> list[list[Any]]:
    """The first rows with every cell of a merged range holding its top-left value, so a header
    merged down over two rows is found in either."""
    filled = [list(r) for r in head]
    for (r0, c0), (r1, c1) in table.merged:
        r0, r1 = r0 - table.first_row + 1, r1 - table.first_row + 1
        c0, c1 = c0 - table.first_column, c1 - table.first_column
        if not 0 <= r0 < len(filled) or not 0 <= c0 < len(filled[r0]):
            continue
        value = filled[r0][c0]
        for r in range(r0, min(r1, len(filled) - 1) + 1):
            row = filled[r]
            for c in range(max(c0, 0), c1 + 1):
                while len(row) <= c:
                    row.append("")
                if row[c] in (None, ""):
                    row[c] = value
    return filled


def _sheet(table: sheets.Table, columns: Sequence[Column]) -> Sheet:
    head = list(itertools.islice(table.rows, HEADER_ROWS))
    by_header = {c.header: c for c in columns}
    best, best_index = -1, dict[str, int]()
    for i, row in enumerate(_with_merges(table, head)):
        index: dict[str, int] = {}
        for position, value in enumerate(row):
            column = by_header.get(_header_text(value))
            if column is not None and column.key not in index:
                index[column.key] = position
        if len(index) > len(best_index):
            best, best_index = i, index
    sheet = Sheet(title=table.title, columns=columns)
    if len(best_index) < 2:  # one header-like word is not a header row
        sheet.no_header = any(any(v not in (None, "") for v in r) for r in head)
        sheet._rows = iter(())
        return sheet
    sheet.index = best_index
    sheet.has_header = True
    sheet.header_row = table.first_row + best
    sheet._first_data_row = sheet.header_row + 1
    sheet._rows = itertools.chain(head[best + 1 :], table.rows)
    sheet.estimated_rows = max(table.height - best - 1, 0)
    return sheet


class RosterBook:
    """An open roster file: a workbook of any kind `core.sheets` reads, or a CSV (its one sheet
    read as the members'). `core.sheets.SheetUnreadable` when it cannot be read; `parsing`, if
    given, is told how far the workbook's parse has got (`core.sheets.read_tables`)."""

    def __init__(
        self, file: IO[bytes] | str | Path, *, parsing: sheets.Parsing | None = None
    ) -> None:
        tables = {t.title: t for t in sheets.read_tables(file, parsing=parsing)}
        member_title = MEMBER_SHEET if MEMBER_SHEET in tables else None
        if member_title is None:
            others = [n for n in tables if n not in (ORG_SHEET, HELP_SHEET)]
            member_title = others[0] if others else None
        self.members = _sheet(tables[member_title], COLUMNS) if member_title else None
        self.orgs = _sheet(tables[ORG_SHEET], ORG_COLUMNS) if ORG_SHEET in tables else None

    def close(self) -> None:
        pass

    def __enter__(self) -> RosterBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cell_text(value: Any) -> str:
    """A cell's value as trimmed text (a whole number typed into Excel reads as a float; an
    exported formula-like text loses the apostrophe the export put before it)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return sheets.text_uncell(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
