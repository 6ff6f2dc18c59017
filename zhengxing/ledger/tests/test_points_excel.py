"""The workbooks read back as a branch would file them: a title row naming the organisation
and year, Chinese headers, the numbers of the pages, frozen headers, A4 landscape fitted to
the page width. The ledger is test_reports' (see there)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.ledger import excel
from zhengxing.ledger.views.reports import XLSX
from zhengxing.testing import Cast, add_member, client_for

pytestmark = pytest.mark.usefixtures("on_30_june")


def download(client: Client, url: str, params: dict[str, Any]) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    return load_workbook(io.BytesIO(response.content)).active


def rows(ws: Any) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def assert_filed_layout(ws: Any, columns: int) -> None:
    assert ws.freeze_panes == "B3"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert [str(r) for r in ws.merged_cells.ranges] == [f"A1:{chr(64 + columns)}1"]
    assert all(ws.column_dimensions[chr(65 + i)].width for i in range(columns))


def test_the_branch_table_workbook(signed_q2: Cast) -> None:
    ws = download(
        client_for(signed_q2.carol),
        reverse("ledger:branch_table_xlsx", args=[signed_q2.branch_a1.pk]),
        {"year": 2026},
    )
    table = rows(ws)
    assert table[0][0] == f"{signed_q2.branch_a1.name} 2026年党员积分台账"
    assert table[1][:3] == ("名次", "姓名", "第一季度（已签字）\n加分")
    assert table[1][-1] == "年度合计"
    assert "第三季度（未签字）\n扣分" in table[1]
    assert table[2] == (1, "李二妮", 1, -5, 20, 0, 0, 0, 0, 0, 16)
    assert table[3][:2] == (2, "王甲") and table[3][-1] == 7
    assert table[4][1] == "合计" and table[4][-1] == 23
    assert ws["K3"].number_format == "0.0"
    assert_filed_layout(ws, 11)


def test_the_township_book_workbook(signed_q2: Cast) -> None:
    ws = download(
        client_for(signed_q2.bob),
        reverse("ledger:township_book_xlsx", args=[signed_q2.town_a.pk]),
        {"year": 2026},
    )
    book = rows(ws)
    assert book[0][0] == f"{signed_q2.town_a.name} 2026年党员积分册"
    assert book[1] == (
        "支部代码", "党支部", "党员数", "积分记录数", "基础积分", "贡献加分", "违规扣分",
        "积分合计", "人均积分", "已签字季度",
    )  # fmt: skip
    assert book[2] == ("A1B", signed_q2.branch_a1.name, 2, 6, 0, 28, -5, 23, 11.5, "Q1、Q2")
    assert book[3][1] == "合计" and book[3][7] == 23
    assert_filed_layout(ws, 10)


def test_the_county_workbook(signed_q2: Cast) -> None:
    ws = download(client_for(signed_q2.alice), reverse("ledger:county_xlsx"), {"year": 2026})
    sheet = rows(ws)
    assert sheet[0][0] == f"{signed_q2.root.name} 2026年党员积分汇总"
    assert sheet[1][:3] == ("代码", "苏木乡镇（街道）", "支部数")
    assert sheet[-1][1] == "合计" and sheet[-1][8] == 23 and sheet[-1][10:] == (2, 2, 0, 0)
    assert_filed_layout(ws, 14)


def test_the_ranking_workbook(signed_q2: Cast) -> None:
    ws = download(
        client_for(signed_q2.alice),
        reverse("ledger:rankings_xlsx"),
        {"scope": "county", "year": 2026},
    )
    sheet = rows(ws)
    assert sheet[0][0].startswith(f"{signed_q2.root.name} 2026年党员积分排名")
    assert sheet[1] == (
        "名次",
        "姓名",
        "所在党支部",
        "已签字季度数",
        "年度积分",
        "每季度平均积分",
    )
    # ranked by points per signed quarter (both branches signed Q1 and Q2)
    assert sheet[2:] == [
        (1, "李二妮", signed_q2.branch_a1.name, 2, 16, 8),
        (2, "王甲", signed_q2.branch_a1.name, 2, 7, 3.5),
        (3, "赵乙", signed_q2.branch_b1.name, 2, 0, 0),
    ]
    assert_filed_layout(ws, 6)


def test_a_name_that_looks_like_a_formula_stays_text(signed_q2: Cast) -> None:
    add_member(signed_q2.county, "A1B", name="=1+1")
    ws = download(
        client_for(signed_q2.carol),
        reverse("ledger:branch_table_xlsx", args=[signed_q2.branch_a1.pk]),
        {"year": 2026},
    )
    # the apostrophe keeps it text in the workbook and in a CSV the clerk saves from it
    cell = next(c for c in ws["B"] if c.value == "'=1+1")
    assert cell.data_type == "s"


def test_points_keep_their_decimal(signed_q2: Cast) -> None:
    assert excel.branch_table_columns(frozenset({1}))[2].points
    ws = download(
        client_for(signed_q2.bob),
        reverse("ledger:township_book_xlsx", args=[signed_q2.town_a.pk]),
        {"year": 2026},
    )
    assert Decimal(str(ws["I3"].value)) == Decimal("11.5")
