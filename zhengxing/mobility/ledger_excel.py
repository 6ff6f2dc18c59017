"""The three ledgers as the workbooks an organisation department files (支部一张表、基层党委一册、
旗县区一个数据库, article 002): a title row, Chinese headers, fixed widths, the header frozen and
repeated on every printed page, A4 landscape — the points workbooks' layout (`ledger.excel`).
The book and the database open with a summary sheet (per branch, per township), then one row
per mobile member with the quarter's changes marked. Written streaming (write-only), so the
county's 13,000 rows cost memory for one row at a time. No database here: `ledgers.py`
computes every figure."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from zhengxing.core.sheets import text_cell
from zhengxing.ledger.excel import Col, filing_row, filing_sheet, workbook_bytes

from .duty import MARK_WORDS, Mark
from .ledgers import Ledger, Level
from .models import ContactReport
from .pairings import ContactsReport

MARK_ORDER = (Mark.NEW, Mark.MOVED, Mark.RETURNED, Mark.LOST)

ROW_COLUMNS = (
    Col("序号", 6),
    Col("姓名", 10),
    Col("流出地党支部", 26),
    Col("现所在城市", 12),
    Col("详细地址", 28),
    Col("工作单位或从事行业", 20),
    Col("外出时间", 11),
    Col("外出原因", 8),
    Col("联系电话", 13),
    Col("流入地党组织", 26),
    Col("结对班子成员", 20),
    Col("最近联络", 11),
    Col("本季度变化", 16),
)


def _summary_columns(level: str) -> tuple[Col, ...]:
    first = "党支部" if level == Level.BOOK else "苏木乡镇（街道）"
    return (
        Col(first, 30),
        Col("流动党员数", 10),
        *(Col(MARK_WORDS[m], 10) for m in MARK_ORDER),
        Col("未结对", 8),
    )


def plain_row(ws: Any, values: list[Any]) -> None:
    """A row of unstyled cells, text kept text (`text_cell`: never a formula)."""
    ws.append([text_cell(v) if isinstance(v, str) else v for v in values])


def _date(value: object) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def ledger_bytes(ledger: Ledger) -> bytes:
    wb = Workbook(write_only=True)
    if ledger.level != Level.TABLE:
        columns = _summary_columns(ledger.level)
        ws = filing_sheet(wb, "汇总", f"{ledger.title} 汇总", columns)
        for g in ledger.groups:
            counts = [g.marks.get(m.value, 0) for m in MARK_ORDER]
            filing_row(ws, columns, [g.name, g.members, *counts, g.unpaired])
        totals = [ledger.marks.get(m.value, 0) for m in MARK_ORDER]
        unpaired = sum(g.unpaired for g in ledger.groups)
        filing_row(ws, columns, ["合计", len(ledger.rows), *totals, unpaired], bold=True)
    ws = filing_sheet(wb, "流动党员台账", ledger.title, ROW_COLUMNS)
    # the members' rows as plain cells: a border on each of the county's 170,000 cells would
    # triple the time (openpyxl hashes every cell's style); the header and widths lay it out
    for n, r in enumerate(ledger.rows, start=1):
        plain_row(
            ws,
            [
                n,
                r.name,
                r.branch,
                r.city,
                r.address,
                r.employer,
                _date(r.since),
                r.reason,
                r.phone,
                r.inflow,
                r.pairing,
                _date(r.last_contact),
                "、".join(MARK_WORDS[m] for m in r.marks),
            ],
        )
    return workbook_bytes(wb)


# --- the half-year's report on contacts (联络情况汇报) -------------------------------------

SIDE_WORDS = {"outflow": "流出地", "inflow": "流入地"}
WAY_WORDS = {"phone": "电话随访", "video": "视频约访", "visit": "上门走访"}


def contact_report_bytes(report: ContactsReport, signed: ContactReport | None) -> bytes:
    """The report on one sheet: its figures, one line per pairing with each quarter's contacts
    and the quarters missed, then who signed it (as signed, when it is)."""
    qa, qb = report.half.quarters
    columns = (
        Col("序号", 6),
        Col("流动党员", 10),
        Col("流出地党支部", 26),
        Col("结对班子成员", 12),
        Col("所在方", 8),
        Col(f"{qa.label}联络次数", 12),
        Col(f"{qb.label}联络次数", 12),
        Col("最近联络", 11),
        Col("未按季度联络", 10),
    )
    wb = Workbook(write_only=True)
    title = f"{report.org.name}{report.half.label}流动党员联络情况汇报"
    ws = filing_sheet(wb, "联络情况汇报", title, columns)
    lines = signed.lines if signed else [line.as_json() for line in report.lines]
    for n, line in enumerate(lines, start=1):
        filing_row(
            ws,
            columns,
            [
                n,
                line["member"],
                line["branch"],
                line["pairer"],
                SIDE_WORDS.get(line["side"], line["side"]),
                line["first_quarter"],
                line["second_quarter"],
                line["last_on"] or "",
                f"{line['overdue_quarters']}个季度" if line["overdue_quarters"] else "",
            ],
        )
    ways = "，".join(f"{WAY_WORDS[w]}{n}次" for w, n in report.ways.items() if w in WAY_WORDS)
    blank = [""] * (len(columns) - 1)
    members = signed.members if signed else report.members
    contacts = signed.contacts if signed else report.contacts
    overdue = signed.overdue if signed else report.overdue
    filing_row(
        ws, columns, [f"结对{len(lines)}对，流动党员{members}名，联络{contacts}次（{ways}），"
                      f"未按季度联络{overdue}对", *blank], bold=True,
    )  # fmt: skip
    if signed:
        filing_row(ws, columns, [f"意见：{signed.remarks}", *blank])
        filing_row(
            ws, columns, [f"签字：{signed.signer_name}  {signed.signed_at:%Y-%m-%d}", *blank]
        )
    else:
        filing_row(ws, columns, ["签字：", *blank])
    return workbook_bytes(wb)
