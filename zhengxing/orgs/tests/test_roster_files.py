"""The roster import, tried with the files offices' own tools save (`files/`, made by
`files/make_files.py`): "支部一张表、基层党委一册、旗县区一个数据库"，定期维护完善 (002) — the
branch's table comes in whatever its clerk has, .xls, WPS's .et, .ods or a CSV in GBK, and a file
that cannot be read is refused with a Chinese message naming the sheet, row and column where
there is one, nothing written, on the service, the web page and the command line alike.

Recall the cast (zhengxing/testing.py): bob runs township A, whose branch A1B the files' two
members (张三, 李梅) belong to.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import CharField
from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.core import sheets
from zhengxing.jobs.models import JobState
from zhengxing.orgs import excel
from zhengxing.orgs.imports import ImportErrorRow, roster_export
from zhengxing.orgs.imports._common import NO_DATA
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.roster import COLUMNS, parse_date
from zhengxing.testing import SYSTEM, Cast, client_for

from .test_roster_import import failures, member, org, run, workbook

FILES = Path(__file__).resolve().parent / "files"
ID_AS_NUMBER = "公民身份号码被存成了数字，请把该列设为文本后重新录入"
PHONE_AS_NUMBER = "联系电话被存成了数字，请把该列设为文本后重新录入"


def file(name: str) -> Path:
    return FILES / name


# --- every kind of file a clerk saves --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "plain.xlsx",
        "roster.xls",
        "roster.et",
        "roster.ods",
        "roster-utf8.csv",
        "roster-utf8-bom.csv",
        "roster-gbk.csv",
        "roster-gb18030.csv",
        "title-rows.xlsx",
    ],
)
def test_a_roster_is_read_from_every_kind_of_file(cast: Cast, name: str) -> None:
    result = run(cast, file(name))
    assert (result.created, result.updated) == (2, 0)
    zhang = Member.objects.get(county=cast.county, name="张三")
    li = Member.objects.get(county=cast.county, name="李梅")
    assert (zhang.birth_date, zhang.joined_on, zhang.branch) == (
        dt.date(1973, 4, 5),
        dt.date(1998, 7, 1),
        cast.branch_a1,
    )
    assert (li.gender, li.ethnicity, li.category) == ("F", "蒙古族", "capable")
    assert zhang.phone == "13800000001"


def test_a_gb18030_file_keeps_what_gbk_cannot_write(cast: Cast) -> None:
    run(cast, file("roster-gb18030.csv"))
    assert Member.objects.get(county=cast.county, name="张三").address == "䶮村"


def test_the_same_file_uploaded_twice_updates_nothing(cast: Cast) -> None:
    run(cast, file("roster.xls"))
    assert run(cast, file("roster-gbk.csv")).unchanged == 2


# --- what Excel does to numbers and dates ----------------------------------------------------


def test_id_numbers_and_phones_stored_as_numbers_are_refused_never_rounded(cast: Cast) -> None:
    """150824197405058083 typed into a "General" cell arrives as 1.508241974050581e+17."""
    assert failures(cast, file("numbers.xlsx")) == [
        ImportErrorRow(2, "公民身份号码", ID_AS_NUMBER),
        ImportErrorRow(3, "联系电话", PHONE_AS_NUMBER),
    ]


def test_excel_serial_dates_are_read_and_an_ambiguous_number_is_refused(cast: Cast) -> None:
    assert failures(cast, file("serial-dates.xlsx")) == [
        ImportErrorRow(3, "转正日期", "“转正日期”不是有效日期：2001.7（应如 1968-05-01）")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (26758, dt.date(1973, 4, 4)),
        (26758.0, dt.date(1973, 4, 4)),
        (3654, dt.date(1910, 1, 1)),
        (dt.datetime(1973, 4, 5, 8, 0), dt.date(1973, 4, 5)),
        ("1973年4月5日", dt.date(1973, 4, 5)),
    ],
)
def test_a_date_cell_is_a_date_a_serial_or_dated_text(value: Any, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [2001.7, 2001, 1973, 0, -5, "2001.7"])
def test_a_year_or_a_decimal_is_not_taken_for_a_serial(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_the_template_formats_the_id_and_phone_columns_as_text() -> None:
    sheet = load_workbook(io.BytesIO(excel.roster_template_bytes()))[excel.MEMBER_SHEET]
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(COLUMNS)}
    for key in ("id_card", "phone"):
        assert sheet.column_dimensions[letters[key]].number_format == "@"


# --- headers below a title, or none -----------------------------------------------------------


def test_a_sheet_without_headers_says_where_they_belong_once(cast: Cast) -> None:
    errors = failures(cast, file("no-header.xlsx"))
    assert len(errors) == 1
    assert errors[0].message.startswith("表头须在第1至5行")
    assert (errors[0].sheet, errors[0].row) == ("党员", 0)


def test_a_title_rows_problem_is_reported_on_its_own_row(cast: Cast, tmp_path: Path) -> None:
    book = load_workbook(file("title-rows.xlsx"))
    book["党员"]["E4"] = "12345"  # 张三's ID number, on the sheet's row 4 (the header is row 3)
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    errors = failures(cast, path)
    assert [(e.row, e.column) for e in errors] == [(4, "公民身份号码")]


def test_a_header_merged_down_over_two_rows_is_found(cast: Cast, tmp_path: Path) -> None:
    """Clerks group the headers: "姓名" merged down over rows 2 and 3, the rest on row 3 under a
    "基本信息" band on row 2."""
    book = load_workbook(file("plain.xlsx"))
    sheet = book["党员"]
    sheet.insert_rows(1, 2)
    sheet["A1"] = "花名册"
    sheet["A2"], sheet["B2"] = "姓名", "基本信息"
    sheet["A3"] = None
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:R2")
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    assert run(cast, path).created == 2
    assert Member.objects.filter(county=cast.county, name__in=["张三", "李梅"]).count() == 2


def test_a_file_with_only_the_header_says_there_is_no_data(cast: Cast) -> None:
    assert failures(cast, file("header-only.xlsx")) == [ImportErrorRow(2, "", NO_DATA)]


# --- lengths -----------------------------------------------------------------------------------


def test_an_over_long_value_is_refused_with_its_row_and_column(cast: Cast) -> None:
    assert failures(cast, file("long-address.xlsx")) == [
        ImportErrorRow(2, "家庭住址", "“家庭住址”过长：300字，最多200字")
    ]


def test_every_column_is_held_to_its_fields_length() -> None:
    """The roster's and the tree's limits are the model fields' own, so no value reaches the
    database longer than its column (PostgreSQL would refuse it with a 500). Coded columns
    (labels) and the ID number and phone (their own formats) are bounded otherwise."""

    def limit(model: type[Member | Org], name: str) -> int | None:
        field = model._meta.get_field(name)
        if not isinstance(field, CharField) or field.choices:
            return None  # a date, or a coded value
        return field.max_length

    places = {"branch_code": (Org, "code"), "group_code": (Org, "code")}
    for column in COLUMNS:
        if column.key in ("id_card", "phone"):
            assert column.max_length is None
            continue
        model, name = places.get(column.key, (Member, column.key))
        assert column.max_length == limit(model, name), column.key
    for column in excel.ORG_COLUMNS:
        name = "code" if column.key == "parent_code" else column.key
        assert column.max_length == limit(Org, name), column.key


# --- files that are refused before anything is parsed -----------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xlsx", sheets.EMPTY_FILE),
        ("picture.xlsx", sheets.NOT_A_SHEET),
        ("document.xlsx", sheets.NOT_A_SHEET),
        ("protected.xlsx", sheets.PROTECTED),
        ("roster-undecodable.csv", sheets.NOT_DECODED),
    ],
)
def test_a_file_that_cannot_be_read_says_why(cast: Cast, name: str, message: str) -> None:
    assert failures(cast, file(name)) == [ImportErrorRow(0, "", message, sheet="")]


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_inflated(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with zipfile.ZipFile(file("bomb.xlsx")) as z:
        assert sum(i.file_size for i in z.infolist()) > 64 << 20  # from a 70 KB file
    settings.ZHENGXING_IMPORT_MAX_UNPACKED_MB = 50

    def never(*args: Any) -> None:
        raise AssertionError("the zip bomb was handed to the parser")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    [error] = failures(cast, file("bomb.xlsx"))
    assert (
        error.message
        == "文件解压后有64MB，超过50MB的上限，请删去无关的工作表和格式，或分成几个文件导入"
    )


@pytest.mark.parametrize("name", ["plain.xlsx", "roster.xls", "roster-gbk.csv"])
def test_a_sheet_over_the_row_limit_is_refused(cast: Cast, settings: Any, name: str) -> None:
    settings.ZHENGXING_IMPORT_MAX_ROWS = 2
    [error] = failures(cast, file(name))
    assert "超过2行的上限，请分成几个文件导入" in error.message


# --- the web page and the command line --------------------------------------------------------

BAD_FILES = [
    ("picture.xlsx", sheets.NOT_A_SHEET),
    ("protected.xlsx", sheets.PROTECTED),
    ("numbers.xlsx", ID_AS_NUMBER),
    ("long-address.xlsx", "“家庭住址”过长：300字，最多200字"),
    ("no-header.xlsx", "表头须在第1至5行"),
    ("header-only.xlsx", NO_DATA),
    ("roster-undecodable.csv", sheets.NOT_DECODED),
]


@pytest.mark.parametrize(("name", "message"), BAD_FILES)
def test_the_import_page_shows_why_a_file_was_refused(cast: Cast, name: str, message: str) -> None:
    upload = SimpleUploadedFile(name, file(name).read_bytes())
    # the import runs as a job (at once under the tests); its page says why, nothing written
    response = client_for(cast.bob).post(
        reverse("jobs:roster_import"), {"file": upload}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Member.objects.filter(name__in=["张三", "李梅"]).exists()


def test_the_import_page_refuses_an_empty_file_before_reading_it(cast: Cast) -> None:
    upload = SimpleUploadedFile("empty.xlsx", b"")
    response = client_for(cast.bob).post(reverse("jobs:roster_import"), {"file": upload})
    assert "所提交的是空文件" in response.content.decode()  # Django's own word for it


@pytest.mark.parametrize("name", ["roster.xls", "roster.et", "roster.ods", "roster-gbk.csv"])
def test_the_import_page_takes_every_kind_of_file(cast: Cast, name: str) -> None:
    upload = SimpleUploadedFile(name, file(name).read_bytes())
    response = client_for(cast.bob).post(
        reverse("jobs:roster_import"), {"file": upload}, follow=True
    )
    job = response.context["job"]
    assert (job.state, job.result["created"]) == (JobState.DONE, 2), job.error


@pytest.mark.parametrize(("name", "message"), [*BAD_FILES, ("empty.xlsx", sheets.EMPTY_FILE)])
def test_the_import_command_prints_why_a_file_was_refused(
    cast: Cast, name: str, message: str
) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError, match="花名册未导入"):
        call_command(
            "import-roster", str(file(name)), "--county", "T1", stdout=io.StringIO(), stderr=err
        )
    assert message in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert not Member.objects.filter(name__in=["张三", "李梅"]).exists()
    assert AuditEvent.objects.filter(action="roster.import_failed").count() == 1


def test_the_import_command_reads_a_gbk_csv(cast: Cast) -> None:
    out = io.StringIO()
    call_command(
        "import-roster", str(file("roster-gbk.csv")), "--county", "T1", stdout=out, stderr=out
    )
    assert "新增党员2人" in out.getvalue()


# --- what the export writes ---------------------------------------------------------------------


def test_the_export_writes_formula_like_text_as_text_and_it_reimports(cast: Cast) -> None:
    """Saved as CSV and opened again, a cell "=…" or "@…" would run; the export writes it with
    the apostrophe that keeps it text, and the import reads it back as it was."""
    member = Member.objects.get(name="王甲")
    member.address, member.post = "-1+1村", "@SUM(A1:A9)"
    member.save()
    out = io.BytesIO()
    roster_export(user_or_actor=SYSTEM, county=cast.county, out=out)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    cells = {c for row in book.get_sheet_by_name("党员").iter_rows() for c in row}
    assert {"'-1+1村", "'@SUM(A1:A9)"} <= cells
    out.seek(0)
    assert run(cast, out).updated == 0
    member.refresh_from_db()
    assert (member.address, member.post) == ("-1+1村", "@SUM(A1:A9)")


def test_a_code_typed_as_a_number_places_members_as_the_same_code_typed_as_text(
    cast: Cast,
) -> None:
    """A branch code of digits, typed into a "General" cell, reads as a number: its members go
    to the branch of that code as surely as those whose cell holds the text. A placement is kept
    for text alone: 1, 1.0 and TRUE are equal keys in Python, so the TRUE after the number 1 is
    decided anew ("True", no such branch), not placed in branch 1."""
    rows = [member("101", name=name) for name in ("数字甲", "文字乙", "数字丙", "一号", "真值")]
    rows[0]["branch_code"], rows[2]["branch_code"] = 101, 101.0
    rows[3]["branch_code"], rows[4]["branch_code"] = 1, True
    orgs = [org(code, name, "branch", "A1") for code, name in (("101", "二支部"), ("1", "三支部"))]
    errors = failures(cast, workbook(rows, orgs=orgs))
    assert [(e.row, e.column, e.message) for e in errors] == [
        (6, "所在党组织代码", "所在党组织代码“True”不存在")
    ]
    del rows[4]
    assert run(cast, workbook(rows, orgs=orgs)).created == 4
    placed = Member.objects.filter(branch__county=cast.county, branch__code__in=["101", "1"])
    assert dict(placed.values_list("name", "branch__code")) == {
        "数字甲": "101",
        "文字乙": "101",
        "数字丙": "101",
        "一号": "1",
    }
