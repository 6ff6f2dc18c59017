"""The points workbooks a branch or township files: the branch table (一张表), the township
book (一册) and a ranking, in the layout people print and hand in.

Each sheet: a title row naming the organisation and the year, Chinese column headers, fixed
column widths, the header frozen and repeated on every printed page, A4 landscape fitted to
the page width. Sheets are written streaming (write-only), so a county-wide ranking of
100,000 members costs memory for one row at a time.

No database here: the selectors compute every figure, this module only lays them out.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from zhengxing.core.sheets import text_cell

from .rules import points_normal
from .selectors import Book, BranchTable, CountyView

POINTS_FORMAT = "0.0"
QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")

_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass(frozen=True)
class Col:
    header: str
    width: float
    points: bool = False  # a number of points: one decimal place


def filing_sheet(wb: Workbook, name: str, title: str, columns: Sequence[Col]) -> Any:
    """A sheet with its title row (merged across the columns) and header row written, laid
    out for filing: widths, frozen header, A4 landscape fitted to width, header on every page."""
    ws = wb.create_sheet(name)
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "B3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(columns), max_row=1))
    heading = WriteOnlyCell(ws, value=text_cell(title))
    heading.font = _TITLE_FONT
    heading.alignment = Alignment(horizontal="center", vertical="center")
    ws.append([heading])
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    return ws


def filing_row(
    ws: Any, columns: Sequence[Col], values: Sequence[Any], *, bold: bool = False
) -> None:
    cells = []
    for col, value in zip(columns, values, strict=True):
        # a name typed as "=…" stays text, never a formula, even once saved as CSV
        cell = WriteOnlyCell(ws, value=text_cell(value) if isinstance(value, str) else value)
        cell.border = _BOX
        if col.points and isinstance(value, Decimal | int | float):
            cell.number_format = POINTS_FORMAT
        if bold:
            cell.font = _HEADER_FONT
        cells.append(cell)
    ws.append(cells)


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _quarter_mark(n: int, signed: frozenset[int]) -> str:
    return f"{QUARTER_NAMES[n - 1]}{'（已签字）' if n in signed else '（未签字）'}"


# --- the branch table ---------------------------------------------------------------------


def branch_table_columns(signed: frozenset[int]) -> list[Col]:
    columns = [Col("名次", 6), Col("姓名", 12)]
    for n in range(1, 5):
        columns.append(Col(f"{_quarter_mark(n, signed)}\n加分", 13, points=True))
        columns.append(Col(f"{_quarter_mark(n, signed)}\n扣分", 13, points=True))
    columns.append(Col("年度合计", 10, points=True))
    return columns


def branch_table_bytes(table: BranchTable) -> bytes:
    """The branch's year on one sheet: a row per member with additions and deductions per
    quarter (only signed quarters count), the year's total and rank, and a total row."""
    wb = Workbook(write_only=True)
    columns = branch_table_columns(table.signed)
    ws = filing_sheet(
        wb, "党员积分台账", f"{table.branch.name} {table.year}年党员积分台账", columns
    )
    for row in table.rows:
        cells: list[Any] = [row.rank, row.name if row.on_roll else f"{row.name}（已转出）"]
        for additions, deductions in row.quarters:
            cells += [additions, deductions]
        filing_row(ws, columns, [*cells, row.total])
    totals: list[Any] = ["", "合计"]
    for additions, deductions in table.totals:
        totals += [additions, deductions]
    filing_row(ws, columns, [*totals, table.total], bold=True)
    return workbook_bytes(wb)


# --- the township book --------------------------------------------------------------------

BOOK_COLUMNS = (
    Col("支部代码", 12),
    Col("党支部", 32),
    Col("党员数", 8),
    Col("积分记录数", 10),
    Col("基础积分", 10, points=True),
    Col("贡献加分", 10, points=True),
    Col("违规扣分", 10, points=True),
    Col("积分合计", 10, points=True),
    Col("人均积分", 10, points=True),
    Col("已签字季度", 16),
)


def signed_text(signed: Iterable[int]) -> str:
    quarters = sorted(signed)
    return "、".join(f"Q{q}" for q in quarters) if quarters else "无"


def township_book_bytes(book: Book) -> bytes:
    """The township's book: a row per branch and a total row."""
    wb = Workbook(write_only=True)
    ws = filing_sheet(wb, "党员积分册", f"{book.org.name} {book.year}年党员积分册", BOOK_COLUMNS)
    for row in book.rows:
        t = row.tally
        filing_row(
            ws,
            BOOK_COLUMNS,
            [row.code, row.name, t.members, t.entries, t.base, t.bonus, t.deduction, t.total,
             t.average if t.average is not None else "", signed_text(row.signed)],
        )  # fmt: skip
    t = book.tally
    filing_row(
        ws,
        BOOK_COLUMNS,
        ["", "合计", t.members, t.entries, t.base, t.bonus, t.deduction, t.total,
         t.average if t.average is not None else "", ""],
        bold=True,
    )  # fmt: skip
    return workbook_bytes(wb)


# --- the county view ----------------------------------------------------------------------

COUNTY_COLUMNS = (
    Col("代码", 10),
    Col("苏木乡镇（街道）", 28),
    Col("支部数", 8),
    Col("党员数", 9),
    Col("积分记录数", 11),
    Col("基础积分", 11, points=True),
    Col("贡献加分", 11, points=True),
    Col("违规扣分", 11, points=True),
    Col("积分合计", 11, points=True),
    Col("人均积分", 10, points=True),
    Col("第一季度已签字支部", 10),
    Col("第二季度已签字支部", 10),
    Col("第三季度已签字支部", 10),
    Col("第四季度已签字支部", 10),
)


def county_view_bytes(view: CountyView) -> bytes:
    """The county's database view: a row per township and the county's totals."""
    wb = Workbook(write_only=True)
    title = f"{view.root.name} {view.year}年党员积分汇总"
    ws = filing_sheet(wb, "积分汇总", title, COUNTY_COLUMNS)
    for row in view.rows:
        t = row.tally
        filing_row(
            ws,
            COUNTY_COLUMNS,
            [row.code, row.name, row.branches, t.members, t.entries, t.base, t.bonus,
             t.deduction, t.total, t.average if t.average is not None else "",
             *row.signed_by_quarter],
        )  # fmt: skip
    t = view.tally
    filing_row(
        ws,
        COUNTY_COLUMNS,
        ["", "合计", view.branches, t.members, t.entries, t.base, t.bonus, t.deduction,
         t.total, t.average if t.average is not None else "", *view.signed_by_quarter],
        bold=True,
    )  # fmt: skip
    return workbook_bytes(wb)


# --- rankings -----------------------------------------------------------------------------

RANKING_COLUMNS = (
    Col("名次", 6),
    Col("姓名", 12),
    Col("所在党支部", 36),
    Col("已签字季度数", 8),
    Col("年度积分", 10, points=True),
    Col("每季度平均积分", 10, points=True),
)


def ranking_bytes(*, title: str, rows: Iterable[dict[str, Any]]) -> bytes:
    """A ranking (rows from selectors.member_ranking, streamed) under its title."""
    wb = Workbook(write_only=True)
    ws = filing_sheet(wb, "积分排名", title, RANKING_COLUMNS)
    for row in rows:
        filing_row(
            ws,
            RANKING_COLUMNS,
            [
                row["rank"],
                row["name"],
                row["branch__name"],
                row["signed"],
                Decimal(row["total"]),
                points_normal(Decimal(str(row["per_quarter"]))),
            ],
        )
    return workbook_bytes(wb)
