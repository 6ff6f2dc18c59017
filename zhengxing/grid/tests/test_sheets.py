"""Households and residents by Excel, like the roster: every row checked first, problems listed
per row in Chinese, nothing written if any row is bad; a household in two grids refused; an
export re-imports unchanged.

兴安盟: "使每个单位、每个家庭、每个组织都处于网格之中"; "做好入户登记……不漏一户、不落一人"。
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.grid.models import Household, Resident
from zhengxing.grid.sheets import (
    HEADERS,
    HouseholdsImportFailed,
    households_export,
    households_import,
)
from zhengxing.testing import Cast

from .conftest import Place


def workbook(*rows: list[Any], title: str = "住户") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(["甲一村住户登记表"])  # a title row above the header, as clerks do
    ws.append(list(HEADERS))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def by(user: object) -> Actor:
    return Actor(user=user, label="x")  # type: ignore[arg-type]


def test_households_and_residents_are_imported(cast: Cast, place: Place) -> None:
    file = workbook(
        ["G2", "第二网格", "甲一村二组1号", "王大山", "户主", "13700000001"],
        ["G2", "第二网格", "甲一村二组1号", "刘小花", "配偶", ""],
        ["G2", "第二网格", "甲一村二组2号", "", "", ""],  # nobody registered yet
    )
    result = households_import(actor=by(cast.gina), county=cast.county, file=file)
    assert (result.households, result.residents) == (2, 2)
    home = Household.objects.get(address="甲一村二组1号")
    assert home.grid == place.g2
    assert [(r.name, r.relation, r.phone) for r in home.residents.order_by("pk")] == [
        ("王大山", "head", "13700000001"),
        ("刘小花", "spouse", ""),
    ]
    assert AuditEvent.objects.filter(action="grid.households.import").exists()


def test_a_bad_row_is_listed_in_chinese_and_nothing_written(cast: Cast, place: Place) -> None:
    file = workbook(
        ["G2", "", "甲一村二组1号", "王大山", "户主", "13700000001"],
        ["G9", "", "甲一村二组2号", "", "", ""],
        ["G2", "", "甲一村二组3号", "李四", "表哥", ""],
        ["G2", "", "甲一村二组4号", "赵五", "户主", 13700000002],
        ["H1", "", "乙一村1号", "", "", ""],
    )
    with pytest.raises(HouseholdsImportFailed) as failed:
        households_import(actor=by(cast.gina), county=cast.county, file=file)
    assert [(p.row, p.column, p.message) for p in failed.value.problems] == [
        (4, "网格编号", "网格编号“G9”不存在"),
        (5, "与户主关系", "与户主关系应为：户主、配偶、子女、父母、其他"),
        (6, "联系电话", "联系电话被存成了数字，请把该列设为文本后重新填写"),
        (7, "网格编号", "无权向网格“乙一网格”导入住户"),
    ]
    assert Household.objects.count() == 1  # the fixture's own


def test_a_household_put_in_two_grids_is_refused(cast: Cast, place: Place) -> None:
    """ "一户只在一个网格": in the file, or against the one registered already."""
    file = workbook(
        ["G1", "", "甲一村二组1号", "", "", ""],
        ["G2", "", "甲一村二组1号", "", "", ""],
        ["G2", "", "甲一村一组8号", "", "", ""],  # registered in G1 (as "甲一村一组 8 号")
    )
    with pytest.raises(HouseholdsImportFailed) as failed:
        households_import(actor=by(cast.gina), county=cast.county, file=file)
    messages = [p.message for p in failed.value.problems]
    assert messages == [
        "“甲一村二组1号”在第3行登记在网格“G1”，一户只能在一个网格",
        "“甲一村一组8号”已登记在网格“第一网格”，一户只能在一个网格",
    ]
    assert Household.objects.count() == 1


def test_an_export_reimports_unchanged(cast: Cast, place: Place) -> None:
    data = households_export(actor=by(cast.bob), org=cast.village_a1)
    again = households_import(actor=by(cast.gina), county=cast.county, file=io.BytesIO(data))
    assert (again.households, again.residents, again.unchanged) == (0, 0, 1)
    assert Resident.objects.get().phone == "13812345678"
    assert AuditEvent.objects.filter(action="grid.households.export").exists()


def test_a_file_without_the_header_is_refused(cast: Cast, place: Place) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "电话"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(HouseholdsImportFailed, match="未导入"):
        households_import(actor=by(cast.gina), county=cast.county, file=io.BytesIO(out.getvalue()))


def test_the_import_page_is_linked_and_the_download_asks_the_password(
    cast: Cast, place: Place
) -> None:
    from django.urls import reverse

    from zhengxing.testing import client_for

    gina = client_for(cast.gina)
    assert gina.get(reverse("grid:grids")).text.count(reverse("grid:households_io")) == 1
    download = reverse("grid:households_download") + f"?org={cast.village_a1.pk}"
    assert "reauth" in client_for(cast.bob, password_minutes_ago=30).get(download)["Location"]
    fresh = client_for(cast.bob, password_minutes_ago=1).get(download)
    assert fresh.status_code == 200 and fresh["Content-Type"].startswith("application/vnd")
