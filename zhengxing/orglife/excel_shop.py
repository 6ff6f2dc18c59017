"""The points supermarket's monthly report as a workbook, laid out for filing like the points
books (`ledger.excel`): per item, per member, and every line of the shop's ledger with its
hash. No database here: `selectors.shop.shop_month_report` computes every figure."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

from zhengxing.ledger.excel import Col, filing_row, filing_sheet, workbook_bytes

from .models import ShopKind
from .selectors.shop import MonthReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ITEM_COLUMNS = (
    Col("商品或服务", 28),
    Col("单价（积分）", 12, points=True),
    Col("本月兑出", 10),
    Col("本月进货", 10),
    Col("兑出积分", 12, points=True),
    Col("现有库存", 10),
)
MEMBER_COLUMNS = (
    Col("姓名", 14),
    Col("兑换次数", 10),
    Col("件数", 8),
    Col("使用积分", 12, points=True),
)
ENTRY_COLUMNS = (
    Col("小票号", 8),
    Col("时间", 18),
    Col("类别", 8),
    Col("党员", 12),
    Col("商品或服务", 24),
    Col("数量", 8),
    Col("积分", 10, points=True),
    Col("备注", 20),
    Col("哈希", 20),
)
KIND_WORDS = {ShopKind.REDEEM: "兑换", ShopKind.RESTOCK: "进货"}


def shop_month_bytes(report: MonthReport) -> bytes:
    """Three sheets: 物品 (per item, with a total row), 党员 (per member), 流水 (the ledger)."""
    wb = Workbook(write_only=True)
    title = f"{report.branch.name} {report.year}年{report.month}月积分超市"
    ws = filing_sheet(wb, "物品", f"{title}月报", ITEM_COLUMNS)
    for row in report.items:
        values = [row["name"], row["price"], row["out"], row["came"], row["spent"], row["stock"]]
        filing_row(ws, ITEM_COLUMNS, values)
    filing_row(ws, ITEM_COLUMNS, ["合计", "", report.redeemed, "", report.points, ""], bold=True)
    ws = filing_sheet(wb, "党员", f"{title}党员兑换", MEMBER_COLUMNS)
    for row in report.members:
        values = [row["member__name"], row["receipts"], row["quantity"], row["spent"]]
        filing_row(ws, MEMBER_COLUMNS, values)
    ws = filing_sheet(wb, "流水", f"{title}流水（哈希链）", ENTRY_COLUMNS)
    for e in report.entries:
        filing_row(
            ws,
            ENTRY_COLUMNS,
            [
                e.seq,
                f"{timezone.localtime(e.recorded_at):%Y-%m-%d %H:%M}",
                KIND_WORDS[ShopKind(e.kind)],
                e.member.name if e.member else "",
                e.item.name,
                e.quantity,
                e.points,
                e.note,
                e.hash[:16],
            ],
        )
    return workbook_bytes(wb)
