"""The blank template and the export: one layout, so an export re-imports as it is.

The export carries full ID numbers (it must, to re-import), so only roles entitled to reveal
them may export, and every export is logged. Recall the cast (zhengxing/testing.py): alice runs
the county T1; bob township A, dave township B; carol is secretary and cathy a committee member
of branch A1B; gina a grid worker at village A1; erin a plain member of A1B (李二妮). 王甲
belongs to A1B, 赵乙 to B1B.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.orgs import excel
from zhengxing.orgs.imports import ImportErrorRow, ImportFailed, roster_export, roster_import
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.roster import COLUMNS
from zhengxing.orgs.services import role_grant
from zhengxing.testing import SYSTEM, TODAY, Cast, add_member


def export(cast: Cast, who: Any) -> io.BytesIO:
    out = io.BytesIO()
    roster_export(user_or_actor=who, county=cast.county, out=out)
    out.seek(0)
    return out


def sheet_rows(file: io.BytesIO | Path, title: str) -> list[dict[str, Any]]:
    """A sheet's data rows, keyed by header."""
    wb = load_workbook(file, read_only=True)
    rows = list(wb[title].iter_rows(values_only=True))
    wb.close()
    if isinstance(file, io.BytesIO):
        file.seek(0)
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


# --- the template -------------------------------------------------------------------------


def test_the_template_has_the_roster_columns_with_required_ones_marked(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    call_command("roster-template", str(path), stdout=io.StringIO())
    wb = load_workbook(path)

    assert wb.sheetnames == ["党员", "组织", "填写说明"]
    members = wb["党员"]
    assert [c.value for c in members[1]] == [c.header for c in COLUMNS]
    for cell, column in zip(members[1], COLUMNS, strict=True):
        assert cell.font.bold
        red = cell.font.color is not None and cell.font.color.rgb == "00C00000"
        assert red == column.required, column.header
        assert cell.comment is not None
        assert cell.comment.text.startswith("必填" if column.required else "选填")
    assert "可填：男、女" in str(members["B1"].comment and members["B1"].comment.text)
    assert [c.value for c in wb["组织"][1]] == [
        "组织代码",
        "组织名称",
        "组织类型",
        "上级组织代码",
        "组织类别",
        "书记",
        "联系人",
        "联系电话",
    ]
    assert members.column_dimensions["E"].number_format == "@"  # 18 digits stay text


def test_the_template_offers_drop_downs_for_coded_columns() -> None:
    wb = load_workbook(io.BytesIO(excel.roster_template_bytes()))
    lists = {
        str(v.sqref).split(":")[0]: v.formula1 for v in wb["党员"].data_validations.dataValidation
    }
    assert lists["B2"] == '"男,女"'
    assert lists["K2"] == '"正式党员,预备党员"'
    kinds = {
        str(v.sqref).split(":")[0]: v.formula1 for v in wb["组织"].data_validations.dataValidation
    }
    assert kinds["C2"].startswith('"旗县区,乡镇/苏木/街道,街道党工委,村/嘎查/社区,党总支,党支部')
    explained = [row[1] for row in wb["填写说明"].iter_rows(min_row=2, values_only=True) if row]
    assert "公民身份号码" in explained and "上级组织代码" in explained


def test_the_blank_template_imports_as_an_empty_file(cast: Cast) -> None:
    with pytest.raises(ImportFailed) as failed:
        roster_import(
            actor=SYSTEM,
            county=cast.county,
            file=io.BytesIO(excel.roster_template_bytes()),
            today=TODAY,
        )
    assert failed.value.errors == [
        ImportErrorRow(2, "", "文件中没有数据行（请在表头下面逐行填写，每行一名党员）")
    ]


# --- the export ---------------------------------------------------------------------------


def test_the_county_export_shows_full_numbers_and_labels(cast: Cast) -> None:
    wang = cast.member_a1
    members = sheet_rows(export(cast, cast.alice), "党员")

    assert sorted(r["姓名"] for r in members) == ["李二妮", "王甲", "赵乙"]
    row = next(r for r in members if r["姓名"] == "王甲")
    assert row["公民身份号码"] == wang.id_card
    assert row["联系电话"] == wang.phone
    assert (row["性别"], row["党员类型"], row["状态"], row["所在党组织代码"]) == (
        "男",
        "正式党员",
        "正常",
        "A1B",
    )
    assert row["入党日期"].date() == wang.joined_on
    erin = next(r for r in members if r["姓名"] == "李二妮")
    assert erin["党小组代码"] == "A1B-G1"


def test_the_org_sheet_lists_the_tree_parents_first(cast: Cast) -> None:
    orgs = sheet_rows(export(cast, cast.alice), "组织")
    assert [r["组织代码"] for r in orgs][:1] == ["T1"]
    by_code = {r["组织代码"]: r for r in orgs}
    assert set(by_code) == set(
        Org.objects.filter(county=cast.county).values_list("code", flat=True)
    )
    assert (by_code["T1"]["上级组织代码"], by_code["T1"]["组织类型"]) == (None, "旗县区")
    assert (by_code["A1B"]["上级组织代码"], by_code["A1B"]["组织类型"]) == ("A1", "党支部")
    assert by_code["A1B"]["组织类别"] == "农村"


def test_an_export_reimports_without_a_change(cast: Cast) -> None:
    before = Member.objects.count()
    result = roster_import(
        actor=Actor.system("test", user=cast.alice),
        county=cast.county,
        file=export(cast, cast.alice),
        today=TODAY,
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, before)
    assert (result.orgs_created, result.orgs_updated) == (0, 0)
    assert result.orgs_unchanged == Org.objects.filter(county=cast.county).count()
    assert Member.objects.count() == before


def test_a_township_exports_its_own_subtree_and_reimports_it(cast: Cast) -> None:
    file = export(cast, cast.bob)
    assert sorted(r["姓名"] for r in sheet_rows(file, "党员")) == ["李二妮", "王甲"]
    orgs = {r["组织代码"]: r["上级组织代码"] for r in sheet_rows(file, "组织")}
    # the township's own parent lies outside bob's scope: left blank, which keeps it
    assert orgs == {"A": None, "A1": "A", "A1B": "A1", "A1B-G1": "A1B"}

    result = roster_import(
        actor=Actor.system("test", user=cast.bob), county=cast.county, file=file, today=TODAY
    )
    assert (result.created, result.updated, result.unchanged, result.orgs_unchanged) == (0, 0, 2, 4)


def test_a_secretary_exports_the_branch(cast: Cast) -> None:
    names = sorted(r["姓名"] for r in sheet_rows(export(cast, cast.carol), "党员"))
    assert names == ["李二妮", "王甲"]


@pytest.mark.parametrize("who", ["cathy", "gina", "erin"])
def test_roles_that_may_not_see_full_numbers_may_not_export(cast: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied):
        export(cast, getattr(cast, who))
    assert not AuditEvent.objects.filter(action="roster.export").exists()


def test_one_role_without_the_right_anywhere_in_the_export_is_enough_to_refuse(
    cast: Cast,
) -> None:
    # carol, secretary of A1B, is also a grid worker at village B1: B1B's numbers are not hers
    role_grant(actor=SYSTEM, user=cast.carol, org=cast.village_b1, role="grid_worker")
    with pytest.raises(PermissionDenied):
        export(cast, cast.carol)


def test_every_export_is_logged_with_its_count(cast: Cast) -> None:
    export(cast, cast.bob)
    event = AuditEvent.objects.get(action="roster.export")
    assert (event.actor, event.county_id, event.after) == (
        cast.bob,
        cast.county.pk,
        {"members": 2, "orgs": 4},
    )


def test_the_export_costs_the_same_queries_for_more_members(cast: Cast) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            # a fresh user each time: the scope's two queries count in both
            export(cast, User.objects.get(pk=cast.alice.pk))
        return len(captured)

    few = queries()
    for _ in range(20):
        add_member(cast.county, "B1B")
    assert queries() == few


# --- the commands -------------------------------------------------------------------------


def test_the_export_command_writes_the_whole_county(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "名册.xlsx"
    out = io.StringIO()
    call_command("export-roster", "--county", "T1", str(path), stdout=out)
    assert "已导出党员3人" in out.getvalue()
    assert len(sheet_rows(path, "党员")) == 3
    assert AuditEvent.objects.get(action="roster.export").actor_label == "export-roster"


def test_the_export_command_acts_as_the_named_user(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "名册.xlsx"
    call_command("export-roster", "--county", "T1", str(path), "--as", "bob", stdout=io.StringIO())
    assert len(sheet_rows(path, "党员")) == 2
    with pytest.raises(CommandError, match="只有旗县区、乡镇（街道）党委和党支部书记可以导出"):
        call_command("export-roster", "--county", "T1", str(tmp_path / "x.xlsx"), "--as", "cathy")
    assert not (tmp_path / "x.xlsx").exists()
    assert not (tmp_path / "x.xlsx.part").exists()
