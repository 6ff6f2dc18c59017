"""Importing the roster workbook: every row checked before anything is written, every problem
reported with its Excel row, column and a Chinese message; members matched by ID number, so a
second import of the same file updates instead of duplicating; the "组织" sheet builds the tree.

Recall the cast (zhengxing/testing.py): alice runs the county T1; bob township A, dave township
B; carol is secretary and cathy a committee member of branch A1B; gina a grid worker at village
A1; erin is a member of A1B (李二妮). 王甲 belongs to A1B, 赵乙 to B1B.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.core import sheets
from zhengxing.core.actor import Actor
from zhengxing.orgs import excel, idcard
from zhengxing.orgs.imports import ImportErrorRow, ImportFailed, ImportResult, roster_import
from zhengxing.orgs.models import Member, MemberEvent, Org, path_segment
from zhengxing.orgs.services import NUMBER_REFUSED
from zhengxing.testing import SYSTEM, TODAY, Cast, member_data


def member(branch_code: str = "A1B", **overrides: Any) -> dict[str, Any]:
    """One valid member's values, keyed by column key, codes as the service takes them."""
    return member_data(branch_code, **overrides).as_dict()


def org(code: str, name: str, kind: str, parent_code: str, **more: str) -> dict[str, Any]:
    return {"code": code, "name": name, "kind": kind, "parent_code": parent_code, **more}


def workbook(
    members: list[dict[str, Any]] = (),  # type: ignore[assignment]
    orgs: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> io.BytesIO:
    """A roster workbook in the template's layout (labels for codes, as a user fills it in)."""
    out = io.BytesIO()
    excel.write_workbook(
        out, members=[excel.member_row(m) for m in members], orgs=[excel.org_row(o) for o in orgs]
    )
    out.seek(0)
    return out


def plain_sheet(rows: list[list[Any]]) -> io.BytesIO:
    """A hand-made one-sheet workbook, as someone might build without the template."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def run(cast: Cast, file: Any, actor: Actor = SYSTEM) -> ImportResult:
    return roster_import(actor=actor, county=cast.county, file=file, today=TODAY)


def failures(cast: Cast, file: Any, actor: Actor = SYSTEM) -> list[ImportErrorRow]:
    before = (Member.objects.count(), Org.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportFailed) as failed:
        run(cast, file, actor)
    # nothing at all was written, but the failure's own audit row
    assert (Member.objects.count(), Org.objects.count(), AuditEvent.objects.count() - 1) == before
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.county_id) == ("roster.import_failed", cast.county.pk)
    assert event.after is not None and event.after["errors"] == len(failed.value.errors)
    return failed.value.errors


def as_user(user: Any) -> Actor:
    return Actor.system("test", user=user)


# --- a valid roster -----------------------------------------------------------------------


def test_a_valid_roster_registers_every_member_with_history_and_audit(cast: Cast) -> None:
    rows = [member("A1B"), member("A1B", group_code="A1B-G1"), member("B1B", status="mobile")]
    before = Member.objects.count()
    file = workbook(rows)
    file.name = "花名册.xlsx"
    sha256 = hashlib.sha256(file.getvalue()).hexdigest()

    result = run(cast, file)

    assert result == ImportResult(created=3, updated=0, unchanged=0)
    assert Member.objects.count() == before + 3
    imported = Member.objects.filter(id_card_hash__in=[m.id_card_hash for m in _stored(rows)])
    assert {m.id_card for m in imported} == {r["id_card"] for r in rows}
    assert {m.phone for m in imported} == {r["phone"] for r in rows}
    second = Member.objects.get(name=rows[1]["name"])
    assert (second.branch, second.group) == (cast.branch_a1, cast.group_a1)
    assert Member.objects.get(name=rows[2]["name"]).status == "mobile"
    # one audit row for the whole import: who, which file (its name and SHA-256), the counts
    summary = AuditEvent.objects.get(action="roster.import")
    assert (summary.actor_label, summary.county_id) == (SYSTEM.label, cast.county.pk)
    assert "花名册.xlsx" in summary.summary
    assert summary.after == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "orgs_created": 0,
        "orgs_updated": 0,
        "orgs_unchanged": 0,
        "file_name": "花名册.xlsx",
        "sha256": sha256,
        "job_id": None,
    }
    assert not AuditEvent.objects.filter(action="member.create", object_id__in=_ids(imported))
    # each member's history row says they were registered by that import
    events = MemberEvent.objects.filter(member__in=imported)
    assert sorted(e.kind for e in events) == ["registered"] * 3
    assert all(e.on == TODAY and e.branch_to_id == e.member.branch_id for e in events)
    assert {e.audit_id for e in events} == {summary.pk}
    assert {
        (e.county_id, e.note, e.recorded_at, e.status_from, e.branch_from_id) for e in events
    } == {(cast.county.pk, "花名册导入", SYSTEM.now, "", None)}
    assert [e.status_to for e in events] == [e.member.status for e in events]
    assert {(m.county_id, m.status_since, m.user_id) for m in imported} == {
        (cast.county.pk, TODAY, None)
    }


def _stored(rows: list[dict[str, Any]]) -> list[Member]:
    from zhengxing.core import pii

    return list(
        Member.objects.filter(id_card_hash__in=[pii.blind_index(r["id_card"]) for r in rows])
    )


def _ids(members: Any) -> list[str]:
    return [str(m.pk) for m in members]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cast: Cast) -> None:
    rows = [member("A1B"), member("B1B"), member("A1B", group_code="A1B-G1")]
    run(cast, workbook(rows))
    counts = (Member.objects.count(), MemberEvent.objects.count())
    audits = AuditEvent.objects.count()

    result = run(cast, workbook(rows))

    assert result == ImportResult(created=0, updated=0, unchanged=3)
    assert (Member.objects.count(), MemberEvent.objects.count()) == counts
    assert AuditEvent.objects.count() == audits + 1  # only the summary


def test_a_member_already_registered_is_updated_not_duplicated(cast: Cast) -> None:
    wang = cast.member_a1
    row = member("B1B", **_record(wang), status="mobile", post="村医")
    before = Member.objects.count()

    result = run(cast, workbook([row]))

    assert result == ImportResult(created=0, updated=1, unchanged=0)
    assert Member.objects.count() == before
    wang.refresh_from_db()
    assert (wang.branch, wang.status, wang.status_since, wang.post) == (
        cast.branch_b1,
        "mobile",
        TODAY,
        "村医",
    )
    history = {e.kind: e for e in MemberEvent.objects.filter(member=wang, on=TODAY)}
    assert (history["transfer"].branch_from, history["transfer"].branch_to) == (
        cast.branch_a1,
        cast.branch_b1,
    )
    assert (history["status"].status_from, history["status"].status_to) == ("active", "mobile")
    audit = AuditEvent.objects.get(action="member.update", object_id=str(wang.pk))
    assert audit.before and audit.after
    assert (audit.before["branch_id"], audit.after["branch_id"]) == (
        cast.branch_a1.pk,
        cast.branch_b1.pk,
    )
    assert (audit.before["post"], audit.after["post"]) == ("", "村医")


def test_a_changed_phone_alone_counts_as_an_update(cast: Cast) -> None:
    wang = cast.member_a1
    result = run(cast, workbook([member("A1B", **{**_record(wang), "phone": "13900000000"})]))
    assert result.updated == 1
    wang.refresh_from_db()
    assert wang.phone == "13900000000"
    assert not MemberEvent.objects.filter(member=wang, on=TODAY, kind="transfer").exists()


@pytest.mark.parametrize(
    ("change", "updated"),
    [
        ({}, 0),
        ({"group_code": "A1B-G1"}, 1),
        ({"status": "mobile"}, 1),
        ({"ethnicity": "蒙古族"}, 1),
        ({"full_on": None}, 1),
    ],
)
def test_a_row_that_changes_nothing_is_unchanged_and_any_one_change_is_an_update(
    cast: Cast, change: dict[str, Any], updated: int
) -> None:
    wang = cast.member_a1
    stored = Member.objects.get(pk=wang.pk)
    result = run(cast, workbook([member("A1B", **{**_record(wang), **change})]))
    assert (result.updated, result.unchanged) == (updated, 1 - updated)
    wang.refresh_from_db()
    if not updated:
        assert (wang.updated_at, wang.phone_enc) == (stored.updated_at, stored.phone_enc)
    assert wang.group_id == (cast.group_a1.pk if change.get("group_code") else stored.group_id)


def _record(m: Member) -> dict[str, Any]:
    """A stored member's values as a roster row carries them."""
    return {
        "name": m.name,
        "gender": m.gender,
        "birth_date": m.birth_date,
        "id_card": m.id_card,
        "phone": m.phone,
        "address": m.address,
        "education": m.education,
        "joined_on": m.joined_on,
        "full_on": m.full_on,
        "standing": m.standing,
        "category": m.category,
    }


def test_text_dates_labels_and_a_lowercase_x_are_accepted(cast: Cast) -> None:
    born = dt.date(1971, 3, 9)
    number = idcard.make("150824", born, 28)  # even sequence: a woman
    if not number.endswith("X"):
        number = idcard.make("150824", born, 38)
    header = [c.header for c in excel.COLUMNS]
    values = {
        "name": "刘三",
        "gender": "女",
        "ethnicity": "蒙古族",
        "birth_date": "1971/3/9",
        "id_card": number.lower(),
        "joined_on": "1995年7月1日",
        "standing": "正式党员",
        "category": "普通党员",
        "branch_code": "A1B",
        "status": "",
    }
    row = [values.get(c.key) for c in excel.COLUMNS]
    result = run(cast, plain_sheet([header, row]))
    assert result.created == 1
    liu = Member.objects.get(name="刘三")
    assert (liu.id_card, liu.gender, liu.status, liu.joined_on) == (
        number.upper(),
        "F",
        "active",
        dt.date(1995, 7, 1),
    )


def test_progress_is_reported_up_to_twice_the_number_of_rows(cast: Cast) -> None:
    calls: list[tuple[int, int]] = []
    roster_import(
        actor=SYSTEM,
        county=cast.county,
        file=workbook([member("A1B") for _ in range(3)]),
        today=TODAY,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (6, 6)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_the_query_count_does_not_grow_with_the_number_of_rows(cast: Cast) -> None:
    def queries(n: int) -> int:
        file = workbook([member("A1B") for _ in range(n)])
        with CaptureQueriesContext(connection) as captured:
            run(cast, file)
        return len(captured)

    queries(2)  # warm up: content types, savepoint machinery
    assert queries(10) == queries(30)


def test_the_import_reads_a_file_path_or_an_upload(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(workbook([member("A1B")]).getvalue())
    assert run(cast, path).created == 1
    upload = SimpleUploadedFile("花名册.xlsx", workbook([member("B1B")]).getvalue())
    assert run(cast, upload).created == 1


# --- the problems, each with its exact message ---------------------------------------------


def test_a_wrong_check_digit_is_reported_on_its_row_and_column(cast: Cast) -> None:
    good = member("A1B")
    bad = member("A1B")
    digit = "0" if bad["id_card"][17] != "0" else "1"
    bad["id_card"] = bad["id_card"][:17] + digit
    assert failures(cast, workbook([good, bad])) == [
        ImportErrorRow(3, "公民身份号码", "公民身份号码校验位错误")
    ]


def test_an_unknown_branch_code_is_reported(cast: Cast) -> None:
    assert failures(cast, workbook([member("X9")])) == [
        ImportErrorRow(2, "所在党组织代码", "所在党组织代码“X9”不存在")
    ]


def test_a_group_outside_the_branch_is_reported(cast: Cast) -> None:
    assert failures(cast, workbook([member("B1B", group_code="A1B-G1")])) == [
        ImportErrorRow(2, "党小组代码", "党小组代码“A1B-G1”不属于“中共乙一村支部委员会”")
    ]


def test_a_code_that_is_not_a_branch_is_reported(cast: Cast) -> None:
    assert failures(cast, workbook([member("A1")])) == [
        ImportErrorRow(2, "所在党组织代码", "“甲一村”不是党支部，党员应编入党支部")
    ]


def test_the_same_id_twice_in_the_file_names_both_rows(cast: Cast) -> None:
    first = member("A1B")
    second = member("B1B", id_card=first["id_card"], birth_date=first["birth_date"])
    assert failures(cast, workbook([first, member("A1B"), second])) == [
        ImportErrorRow(4, "公民身份号码", "第2行与第4行的公民身份号码重复")
    ]


def test_a_branch_outside_the_importers_scope_reads_as_unknown(cast: Cast) -> None:
    # bob runs township A; B1B is in township B
    assert failures(cast, workbook([member("B1B")]), as_user(cast.bob)) == [
        ImportErrorRow(2, "所在党组织代码", "所在党组织代码“B1B”不存在")
    ]


def test_a_visible_branch_the_role_may_not_manage_is_refused(cast: Cast) -> None:
    # gina, a grid worker at village A1, sees A1B but may not register members in it
    assert failures(cast, workbook([member("A1B")]), as_user(cast.gina)) == [
        ImportErrorRow(2, "所在党组织代码", "无权管理“中共甲一村支部委员会”的党员")
    ]


def test_a_township_imports_into_its_own_branches(cast: Cast) -> None:
    result = run(cast, workbook([member("A1B"), member("A1B")]), as_user(cast.bob))
    assert result.created == 2
    assert AuditEvent.objects.filter(action="roster.import", actor=cast.bob).exists()


def test_an_id_held_by_a_member_outside_the_scope_is_refused_not_duplicated(cast: Cast) -> None:
    zhao = cast.member_b1  # in B1B, township B: not bob's
    row = member("A1B", **_record(zhao))
    # neutral words: nothing says that 赵乙 exists, nor where (issue 16, item 9)
    assert failures(cast, workbook([row]), as_user(cast.bob)) == [
        ImportErrorRow(2, "公民身份号码", NUMBER_REFUSED)
    ]
    failed = AuditEvent.objects.get(action="roster.import_failed")
    assert failed.after is not None and failed.after["numbers_refused"] == 1


def test_a_committee_member_may_not_update_a_member_of_the_branch_by_import(cast: Cast) -> None:
    """Importing matches members by ID number and would change their phones: only a role that
    may reveal the numbers does that; to a committee member the row is refused in the same
    words as a number held elsewhere, so an import cannot test a number against a member."""
    row = member("A1B", **_record(cast.member_a1))
    assert failures(cast, workbook([row]), as_user(cast.cathy)) == [
        ImportErrorRow(2, "公民身份号码", NUMBER_REFUSED)
    ]


def test_an_impossible_date_is_reported(cast: Cast) -> None:
    assert failures(cast, workbook([member("A1B", joined_on="2020-13-45")])) == [
        ImportErrorRow(2, "入党日期", "“入党日期”不是有效日期：2020-13-45（应如 1968-05-01）")
    ]


def test_a_missing_required_column_is_reported_on_the_header_row(cast: Cast) -> None:
    header = [c.header for c in excel.COLUMNS if c.key != "id_card"]
    row = [member("A1B")[c.key] for c in excel.COLUMNS if c.key != "id_card"]
    assert failures(cast, plain_sheet([header, row])) == [
        ImportErrorRow(1, "公民身份号码", "缺少必填列“公民身份号码”")
    ]


@pytest.mark.parametrize(
    "file",
    [
        pytest.param(lambda: workbook(), id="template"),
        pytest.param(lambda: plain_sheet([]), id="blank"),
    ],
)
def test_a_workbook_without_data_rows_is_reported(cast: Cast, file: Any) -> None:
    assert failures(cast, file()) == [
        ImportErrorRow(2, "", "文件中没有数据行（请在表头下面逐行填写，每行一名党员）")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("姓名,性别\n张三,男\n".encode(), sheets.NOT_A_SHEET, id="csv"),
        pytest.param(bytes(range(256)) * 8, sheets.NOT_A_SHEET, id="random-bytes"),
        pytest.param(b"", sheets.EMPTY_FILE, id="empty"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_reported(
    cast: Cast, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(content)
    assert failures(cast, path) == [ImportErrorRow(0, "", message, sheet="")]


def test_every_problem_in_the_file_is_listed_and_nothing_is_written(cast: Cast) -> None:
    rows = [
        member("A1B"),
        member("A1B", name="", ethnicity="火星族"),
        member("X9"),
        member("A1B", phone="12345"),
    ]
    assert failures(cast, workbook(rows)) == [
        ImportErrorRow(3, "姓名", "“姓名”不能为空"),
        ImportErrorRow(3, "民族", "民族“火星族”无效，请填写全称，如 汉族、蒙古族"),
        ImportErrorRow(4, "所在党组织代码", "所在党组织代码“X9”不存在"),
        ImportErrorRow(5, "联系电话", "联系电话“12345”格式不正确"),
    ]


# --- the "组织" sheet ---------------------------------------------------------------------


def test_the_org_sheet_builds_the_tree_before_members_are_placed_in_it(cast: Cast) -> None:
    orgs = [
        # a child may come before its parent in the sheet
        org("A2B", "中共甲二村支部委员会", "branch", "A2", secretary_name="孙书记"),
        org("A2", "甲二村", "village", "A", category="rural"),
        org("A2B-G1", "甲二村第一党小组", "group", "A2B"),
    ]
    rows = [member("A2B", group_code="A2B-G1"), member("A2B")]

    result = run(cast, workbook(rows, orgs))

    assert (result.orgs_created, result.created) == (3, 2)
    village = Org.objects.get(code="A2")
    branch = Org.objects.get(code="A2B")
    group = Org.objects.get(code="A2B-G1")
    assert (village.parent, branch.parent, group.parent) == (cast.town_a, village, branch)
    assert village.path == cast.town_a.path + path_segment(village.pk)
    assert branch.path == village.path + path_segment(branch.pk)
    assert group.path == branch.path + path_segment(group.pk)
    assert (village.depth, branch.depth, group.depth) == (2, 3, 4)
    assert branch.secretary_name == "孙书记"
    assert set(Member.objects.filter(branch=branch).values_list("group__code", flat=True)) == {
        "A2B-G1",
        None,
    }
    assert AuditEvent.objects.filter(action="org.create").count() >= 3

    again = run(cast, workbook(rows, orgs))
    assert (again.orgs_created, again.orgs_updated, again.orgs_unchanged) == (0, 0, 3)
    assert (again.created, again.unchanged) == (0, 2)


def test_the_org_sheet_updates_an_existing_orgs_details(cast: Cast) -> None:
    row = org("A1B", "甲一村党支部", "branch", "A1", contact_phone="0477-1234567")
    result = run(cast, workbook(orgs=[row]))
    assert (result.orgs_updated, result.created) == (1, 0)
    cast.branch_a1.refresh_from_db()
    assert (cast.branch_a1.name, cast.branch_a1.contact_phone) == ("甲一村党支部", "0477-1234567")
    audit = AuditEvent.objects.get(action="org.update", object_id=str(cast.branch_a1.pk))
    assert audit.before and audit.after
    assert (audit.before["name"], audit.after["name"]) == ("中共甲一村支部委员会", "甲一村党支部")


def test_org_sheet_problems_are_reported_on_that_sheet(cast: Cast) -> None:
    orgs = [
        org("A3", "甲三村", "village", ""),
        org("A4", "甲四镇", "township", "A1"),
        org("A5", "甲五村", "村委会", "A"),
        org("A6", "甲六村", "village", "Z9"),
        org("A1B", "中共甲一村支部委员会", "group", "A1"),
        org("A7", "甲七村", "village", "A"),
        org("A7", "甲七村", "village", "A"),
        org("C1", "循环一", "branch", "C2"),
        org("C2", "循环二", "branch", "C1"),
        org("C3", "自环", "branch", "C3"),
    ]
    sheet = "组织"
    errors = failures(cast, workbook(orgs=orgs))
    assert errors == [
        ImportErrorRow(2, "上级组织代码", "新建组织的“上级组织代码”不能为空", sheet),
        ImportErrorRow(3, "组织类型", "“乡镇/苏木/街道”不能设在“村/嘎查/社区”之下", sheet),
        ImportErrorRow(
            4,
            "组织类型",
            "“组织类型”的值“村委会”无效，应为：旗县区、乡镇/苏木/街道、街道党工委、村/嘎查/社区、"
            "党总支、党支部、网格党支部、流动党员党组织、党小组、楼院党小组、党员中心户",
            sheet,
        ),
        ImportErrorRow(5, "上级组织代码", "上级组织代码“Z9”不存在", sheet),
        ImportErrorRow(
            6, "组织类型", "组织类型与系统中的“中共甲一村支部委员会”不一致，不能通过导入修改", sheet
        ),
        ImportErrorRow(8, "组织代码", "第7行与第8行的组织代码“A7”重复", sheet),
        ImportErrorRow(10, "上级组织代码", "上级组织代码形成循环：C1 → C2 → C1", sheet),
        ImportErrorRow(11, "上级组织代码", "上级组织代码形成循环：C3 → C3", sheet),
    ]


def test_an_org_under_a_node_outside_the_scope_reads_as_unknown(cast: Cast) -> None:
    errors = failures(cast, workbook(orgs=[org("B2", "乙二村", "village", "B")]), as_user(cast.bob))
    assert errors == [ImportErrorRow(2, "上级组织代码", "上级组织代码“B”不存在", "组织")]


def test_a_secretary_may_not_add_to_the_tree(cast: Cast) -> None:
    errors = failures(
        cast, workbook(orgs=[org("A1B-G2", "第二党小组", "group", "A1B")]), as_user(cast.carol)
    )
    assert errors == [
        ImportErrorRow(2, "上级组织代码", "无权在“中共甲一村支部委员会”下设立组织", "组织")
    ]


def test_members_of_a_failed_org_row_are_not_reported_twice(cast: Cast) -> None:
    errors = failures(cast, workbook([member("A9B")], [org("A9B", "甲九村支部", "branch", "Z9")]))
    assert errors == [ImportErrorRow(2, "上级组织代码", "上级组织代码“Z9”不存在", "组织")]


# --- the command --------------------------------------------------------------------------


def test_the_import_command_reports_counts(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([member("A1B"), member("B1B")]).getvalue())
    out = io.StringIO()
    call_command("import-roster", str(path), "--county", "T1", stdout=out, stderr=io.StringIO())
    assert "新增党员2人" in out.getvalue()
    assert AuditEvent.objects.get(action="roster.import").actor_label == "import-roster"


def test_the_import_command_acts_as_the_named_user(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([member("B1B")]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="1处错误"):
        call_command(
            "import-roster",
            str(path),
            "--county",
            "T1",
            "--as",
            "bob",
            stdout=io.StringIO(),
            stderr=err,
        )
    table = err.getvalue()
    assert "所在党组织代码“B1B”不存在" in table
    assert "所在党组织代码" in table and " 2 " in table


def test_the_import_command_refuses_an_unknown_county_or_user(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(workbook([member("A1B")]).getvalue())
    with pytest.raises(CommandError, match="没有代码为“ZZ”的旗县区"):
        call_command("import-roster", str(path), "--county", "ZZ")
    with pytest.raises(CommandError, match="没有用户“nobody”"):
        call_command("import-roster", str(path), "--county", "T1", "--as", "nobody")


def test_a_number_registered_while_the_import_ran_fails_it_with_nothing_written(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the rows are inserted `whole` (on SQLite OR FAIL: a failing statement keeps the rows
    # before the failing one), so it is the import's one transaction that leaves nothing
    from zhengxing.orgs.imports import validation

    taken = member("A1B")
    run(cast, workbook([taken]))
    before = (Member.objects.count(), MemberEvent.objects.count())
    # as if someone registered the last row's number after the check found it free
    monkeypatch.setattr(validation._Import, "match_existing", lambda self, rows: None)
    errors = failures(cast, workbook([*(member("A1B") for _ in range(5)), taken]))
    assert [e.message for e in errors] == ["导入期间数据被他人同时修改，请重新导入"]
    assert (Member.objects.count(), MemberEvent.objects.count()) == before
