"""The roster pages as the cast sees them: who may open what, what each page costs in queries,
and what the HTMX partials return.

Recall the cast (zhengxing/testing.py): alice runs the county; bob township A, dave township B;
carol is secretary and cathy a committee member of branch A1B; gina is the grid worker of village
A1; erin is a member of A1B (李二妮). 王甲 belongs to A1B, 赵乙 to B1B.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.orgs import idcard
from zhengxing.orgs.models import Member, MemberEvent
from zhengxing.orgs.roster import COLUMNS
from zhengxing.orgs.services import org_create
from zhengxing.orgs.views import XLSX
from zhengxing.testing import SYSTEM, Cast, add_member, client_for, member_data

MEMBERS = reverse("orgs:member_list")
TREE = reverse("orgs:tree")
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def detail(member: Member) -> str:
    return reverse("orgs:member_detail", args=[member.pk])


def listed(response) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(m.name for m in response.context["page"].object_list)


# --- who sees what ------------------------------------------------------------------------


def test_a_township_cannot_open_a_member_of_another_township(cast: Cast) -> None:
    assert client_for(cast.bob).get(detail(cast.member_b1)).status_code == 404
    assert client_for(cast.dave).get(detail(cast.member_b1)).status_code == 200


def test_the_member_list_of_a_township_shows_only_its_own_members(cast: Cast) -> None:
    response = client_for(cast.bob).get(MEMBERS)
    assert listed(response) == ["李二妮", "王甲"]
    assert "赵乙" not in response.content.decode()


def test_a_member_sees_only_herself(cast: Cast) -> None:
    erin = client_for(cast.erin)
    assert listed(erin.get(MEMBERS)) == ["李二妮"]
    assert erin.get(detail(cast.erin_member)).status_code == 200
    assert erin.get(detail(cast.member_a1)).status_code == 404


def test_the_member_list_shows_neither_id_numbers_nor_phones(cast: Cast) -> None:
    html = client_for(cast.alice).get(MEMBERS).content.decode()
    member = cast.member_a1
    for secret in (member.id_card, member.id_card_masked, member.phone, member.phone_masked):
        assert secret not in html


def test_the_member_list_narrows_to_a_subtree(cast: Cast) -> None:
    response = client_for(cast.alice).get(MEMBERS, {"org_id": cast.town_b.pk})
    assert listed(response) == ["赵乙"]


def test_the_member_list_refuses_an_organisation_outside_the_scope(cast: Cast) -> None:
    assert client_for(cast.bob).get(MEMBERS, {"org_id": cast.town_b.pk}).status_code == 404


def test_the_member_list_finds_a_member_by_her_exact_id_number_only(cast: Cast) -> None:
    alice = client_for(cast.alice)
    number = cast.member_b1.id_card
    assert listed(alice.get(MEMBERS, {"q": number})) == ["赵乙"]
    assert listed(alice.get(MEMBERS, {"q": number[:10]})) == []


def test_the_member_list_filters_by_category_status_standing_and_gender(cast: Cast) -> None:
    add_member(cast.county, "A1B", name="流动甲", category="mobile", status="mobile")
    alice = client_for(cast.alice)
    assert listed(alice.get(MEMBERS, {"category": "mobile"})) == ["流动甲"]
    assert listed(alice.get(MEMBERS, {"status": "mobile", "standing": "full", "gender": "M"})) == [
        "流动甲"
    ]
    assert listed(alice.get(MEMBERS, {"gender": "F"})) == []


def test_the_export_is_refused_to_a_committee_member(cast: Cast) -> None:
    assert client_for(cast.cathy).get(reverse("orgs:export")).status_code == 403


def test_the_import_page_is_refused_to_those_without_a_managing_role(cast: Cast) -> None:
    nobody = User.objects.create_user("nobody")
    assert client_for(nobody).get(reverse("jobs:roster_import")).status_code == 403
    assert client_for(cast.erin).get(reverse("jobs:roster_import")).status_code == 403
    assert client_for(cast.gina).get(reverse("jobs:roster_import")).status_code == 403


def test_a_grid_worker_may_read_but_not_edit_or_register(cast: Cast) -> None:
    gina = client_for(cast.gina)
    assert gina.get(detail(cast.member_a1)).status_code == 200
    assert gina.get(reverse("orgs:member_edit", args=[cast.member_a1.pk])).status_code == 403
    assert gina.get(reverse("orgs:member_new")).status_code == 403


# --- query budgets ------------------------------------------------------------------------


def test_the_member_list_costs_the_same_for_10_rows_as_for_10000(
    cast: Cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(60):
        add_member(cast.county, "A1B", group_code="A1B-G1")
    alice = client_for(cast.alice)
    # 1 session, 2 user, 3 alice's role assignments and 4 her own member id (the scope),
    # 5 the paginator's count, 6 the page of members (their ids found in a subquery) with
    # branch and group joined in.
    with django_assert_num_queries(6):
        small = alice.get(MEMBERS, {"per_page": 10})
    with django_assert_num_queries(6):
        large = alice.get(MEMBERS, {"per_page": 10_000})
    assert len(small.context["page"].object_list) == 10
    assert len(large.context["page"].object_list) == 63


def test_a_subtree_of_the_member_list_adds_only_the_lookups_of_its_root(
    cast: Cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        add_member(cast.county, "A1B")
    bob = client_for(cast.bob)
    # 1 session, 2 user, 3-4 scope, 5 the subtree root (member_search), 6 the same root for the
    # heading, 7 count, 8 page.
    with django_assert_num_queries(8):
        small = bob.get(MEMBERS, {"org_id": cast.village_a1.pk, "per_page": 10})
    with django_assert_num_queries(8):
        large = bob.get(MEMBERS, {"org_id": cast.village_a1.pk, "per_page": 10_000})
    assert len(small.context["page"].object_list) == 10
    assert len(large.context["page"].object_list) == 32


def test_a_member_record_costs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    carol = client_for(cast.carol)
    # 1 session, 2 user, 3-4 scope, 5 the member with branch, its parent, group and county,
    # 6 the member-holding branches for the transfer form, 7 the history, 8 who viewed.
    with django_assert_num_queries(8):
        response = carol.get(detail(cast.member_a1))
    assert response.status_code == 200


def test_expanding_a_tree_node_costs_the_same_however_many_children_it_has(
    cast: Cast, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    alice = client_for(cast.alice)
    # 1 session, 2 user, 3-4 scope, 5 the node itself, 6 its children with their counts.
    with django_assert_num_queries(6):
        few = alice.get(TREE, {"parent": cast.town_a.pk}, **HTMX)
    for i in range(20):
        org_create(
            actor=SYSTEM, parent=cast.town_a, code=f"A{i + 2}", name=f"村{i}", kind="village"
        )
    with django_assert_num_queries(6):
        many = alice.get(TREE, {"parent": cast.town_a.pk}, **HTMX)
    assert (len(few.context["nodes"]), len(many.context["nodes"])) == (1, 21)


# --- HTMX partials ------------------------------------------------------------------------


def test_filtering_the_member_list_with_htmx_returns_only_the_table(cast: Cast) -> None:
    response = client_for(cast.alice).get(
        MEMBERS, {"q": "王"}, **HTMX, HTTP_HX_TARGET="member-table"
    )
    html = response.content.decode()
    assert html.startswith('<div id="member-table"')
    assert "<html" not in html
    assert "王甲" in html and "赵乙" not in html


def test_a_back_button_history_restore_gets_the_whole_page(cast: Cast) -> None:
    response = client_for(cast.alice).get(
        MEMBERS, **HTMX, HTTP_HX_TARGET="member-table", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_the_tree_starts_at_the_users_own_organisations(cast: Cast) -> None:
    html = client_for(cast.bob).get(TREE).content.decode()
    assert "<html" in html
    assert "甲镇党委" in html and "乙镇党委" not in html


def test_expanding_a_tree_node_returns_its_children_as_a_partial(cast: Cast) -> None:
    response = client_for(cast.bob).get(TREE, {"parent": cast.town_a.pk}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "甲一村" in html
    assert f"?org_id={cast.village_a1.pk}" in html


def test_a_tree_node_outside_the_scope_cannot_be_expanded(cast: Cast) -> None:
    assert client_for(cast.bob).get(TREE, {"parent": cast.town_b.pk}, **HTMX).status_code == 404


# --- the full ID number and phone ---------------------------------------------------------


def test_a_member_record_shows_masked_numbers(cast: Cast) -> None:
    html = client_for(cast.alice).get(detail(cast.member_a1)).content.decode()
    assert cast.member_a1.id_card_masked in html
    assert cast.member_a1.id_card not in html
    assert cast.member_a1.phone not in html


def test_revealing_the_numbers_returns_them_and_writes_an_audit_row(cast: Cast) -> None:
    carol = client_for(cast.carol)
    response = carol.post(reverse("orgs:member_reveal", args=[cast.erin_member.pk]), **HTMX)
    html = response.content.decode()
    assert html.startswith('<div id="member-pii"')
    assert cast.erin_member.id_card in html and cast.erin_member.phone in html
    event = AuditEvent.objects.get(action="member.reveal")
    assert (event.actor, event.object_id) == (cast.carol, str(cast.erin_member.pk))
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_member_sees_who_viewed_her_full_record(cast: Cast) -> None:
    client_for(cast.carol).post(reverse("orgs:member_reveal", args=[cast.erin_member.pk]))
    response = client_for(cast.erin).get(detail(cast.erin_member))
    assert [v.actor_label for v in response.context["reveals"]] == ["carol"]


@pytest.mark.parametrize("who", ["cathy", "gina"])
def test_a_committee_member_or_grid_worker_may_not_reveal(cast: Cast, who: str) -> None:
    client = client_for(getattr(cast, who))
    page = client.get(detail(cast.member_a1)).content.decode()
    assert reverse("orgs:member_reveal", args=[cast.member_a1.pk]) not in page
    response = client.post(reverse("orgs:member_reveal", args=[cast.member_a1.pk]), **HTMX)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


def test_who_viewed_is_hidden_from_those_who_may_not_reveal(cast: Cast) -> None:
    client_for(cast.carol).post(reverse("orgs:member_reveal", args=[cast.member_a1.pk]))
    response = client_for(cast.cathy).get(detail(cast.member_a1))
    assert list(response.context["reveals"]) == []
    assert "carol" not in response.content.decode().split("</header>")[1]


# --- forms --------------------------------------------------------------------------------


def form_values(data, branch, group=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    values = {
        k: ("" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v))
        for k, v in data.as_dict().items()
    }
    values["branch"] = str(branch.pk)
    values["group"] = str(group.pk) if group else ""
    return values


def test_the_edit_form_rejects_a_bad_id_number_with_the_chinese_message(cast: Cast) -> None:
    member = cast.member_a1
    values = form_values(member_data("A1B", name="王甲"), cast.branch_a1)
    values["id_card"] = "15082419"
    response = client_for(cast.carol).post(reverse("orgs:member_edit", args=[member.pk]), values)
    assert response.status_code == 200
    assert "公民身份号码应为18位" in response.content.decode()
    member.refresh_from_db()
    assert member.name == "王甲"


def test_the_edit_form_keeps_the_id_number_when_it_is_left_blank(cast: Cast) -> None:
    member = cast.member_a1
    number = member.id_card
    values = form_values(member_data("A1B"), cast.branch_a1, cast.group_a1)
    values.update(
        name="王甲改",
        id_card="",
        phone="",
        birth_date=member.birth_date.isoformat(),
        gender=member.gender,
        # the member's own dates: member_data's depend on how many members tests made before
        joined_on=member.joined_on.isoformat(),
        full_on=member.full_on.isoformat() if member.full_on else "",
    )
    response = client_for(cast.cathy).post(reverse("orgs:member_edit", args=[member.pk]), values)
    assert response.status_code == 302, response.content.decode()
    member.refresh_from_db()
    assert (member.name, member.id_card, member.group) == ("王甲改", number, cast.group_a1)


def test_the_edit_form_never_puts_the_full_id_number_in_the_page(cast: Cast) -> None:
    html = client_for(cast.cathy).get(reverse("orgs:member_edit", args=[cast.member_a1.pk]))
    assert cast.member_a1.id_card not in html.content.decode()


def test_registering_a_member_through_the_form(cast: Cast) -> None:
    values = form_values(member_data("A1B", name="新党员"), cast.branch_a1)
    response = client_for(cast.carol).post(reverse("orgs:member_new"), values)
    member = Member.objects.get(name="新党员")
    assert response.status_code == 302
    assert response["Location"] == detail(member)
    assert member.events.get().kind == MemberEvent.Kind.REGISTERED


def test_registering_the_same_id_number_twice_shows_the_service_message(cast: Cast) -> None:
    values = form_values(
        member_data("A1B", id_card=cast.member_a1.id_card, birth_date=cast.member_a1.birth_date),
        cast.branch_a1,
    )
    values.update(gender=cast.member_a1.gender)
    response = client_for(cast.carol).post(reverse("orgs:member_new"), values)
    assert "该公民身份号码已登记：王甲（中共甲一村支部委员会）" in response.content.decode()


def test_a_transfer_is_recorded_in_the_history(cast: Cast) -> None:
    alice = client_for(cast.alice)
    response = alice.post(
        reverse("orgs:member_transfer", args=[cast.member_a1.pk]),
        {"to_branch": cast.branch_b1.pk, "on": "2026-06-30", "note": "随迁"},
    )
    assert response.status_code == 302
    history = alice.get(detail(cast.member_a1)).context["history"]
    assert [(e.kind, e.branch_to) for e in history][-1] == ("transfer", cast.branch_b1)


def test_a_township_cannot_transfer_into_a_branch_it_does_not_see(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        reverse("orgs:member_transfer", args=[cast.member_a1.pk]),
        {"to_branch": cast.branch_b1.pk, "on": "2026-06-30"},
    )
    assert response.status_code == 200
    assert response.context["transfer_form"].errors["to_branch"]
    assert cast.member_a1.events.count() == 1


def test_a_status_change_is_recorded_with_its_date(cast: Cast) -> None:
    response = client_for(cast.carol).post(
        reverse("orgs:member_status", args=[cast.member_a1.pk]),
        {"status": "deceased", "on": "2026-05-01", "note": ""},
    )
    assert response.status_code == 302
    cast.member_a1.refresh_from_db()
    assert (cast.member_a1.status, str(cast.member_a1.status_since)) == ("deceased", "2026-05-01")


def test_an_unchanged_status_shows_the_service_message(cast: Cast) -> None:
    response = client_for(cast.carol).post(
        reverse("orgs:member_status", args=[cast.member_a1.pk]),
        {"status": "active", "on": "2026-05-01"},
    )
    assert "状态没有变化" in response.content.decode()


# --- language -----------------------------------------------------------------------------


def test_pages_are_in_chinese_by_default_and_switch_to_english(cast: Cast) -> None:
    alice = client_for(cast.alice)
    html = alice.get(MEMBERS).content.decode()
    assert "登记党员" in html and "普通党员" in html  # a template string and a rules.py label
    assert "Register a member" not in html
    alice.post(reverse("set_language"), {"language": "en", "next": MEMBERS})
    html = alice.get(MEMBERS).content.decode()
    assert "Register a member" in html and "Ordinary" in html
    assert "登记党员" not in html and "普通党员" not in html


# --- Excel --------------------------------------------------------------------------------


def workbook_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "党员"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_upload(*rows: Mapping[str, object]) -> SimpleUploadedFile:
    """A workbook laid out like the import template: one sheet 党员, the roster's headers."""
    headers: list[object] = [column.header for column in COLUMNS]
    data = workbook_bytes([headers, *([row.get(str(h)) for h in headers] for row in rows)])
    return SimpleUploadedFile("roster.xlsx", data, content_type=XLSX)


GOOD_ROW = {
    "姓名": "孟秀兰",
    "性别": "女",
    "民族": "汉族",
    "出生日期": "1970-03-01",
    "公民身份号码": idcard.make("150824", dt.date(1970, 3, 1), 100),
    "入党日期": "2001-07-01",
    "转正日期": "2002-07-01",
    "党员类型": "正式党员",
    "人员类别": "普通党员",
    "所在党组织代码": "A1B",
}


def _import(cast: Cast, upload: SimpleUploadedFile) -> Any:
    """The import page's upload, followed to the page of the job that imported it."""
    url = reverse("jobs:roster_import")
    return client_for(cast.bob).post(url, {"file": upload}, follow=True)


def test_the_import_page_lists_every_problem_of_a_bad_workbook(cast: Cast) -> None:
    bad = {**GOOD_ROW, "公民身份号码": "15082419", "民族": "火星族"}
    response = _import(cast, roster_upload(bad))
    html = response.content.decode()
    assert response.status_code == 200
    assert "公民身份号码应为18位" in html
    assert "民族“火星族”无效" in html
    assert {e["row"] for e in response.context["problems"]} == {2}
    assert not Member.objects.filter(name="孟秀兰").exists()


def test_the_import_page_reports_the_counts_of_a_good_workbook(cast: Cast) -> None:
    response = _import(cast, roster_upload(GOOD_ROW))
    assert response.context["problems"] is None
    assert response.context["job"].result["created"] == 1
    assert "新增党员1人" in response.content.decode()
    assert Member.objects.get(name="孟秀兰").branch == cast.branch_a1


def test_the_import_page_refuses_a_file_that_is_not_a_workbook(cast: Cast) -> None:
    upload = SimpleUploadedFile("roster.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = client_for(cast.bob).post(reverse("jobs:roster_import"), {"file": upload})
    assert response.context["form"].errors["file"]


def test_the_import_template_downloads_as_a_workbook(cast: Cast) -> None:
    response = client_for(cast.cathy).get(reverse("orgs:import_template"))
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert "党员" in book.sheetnames


def test_the_export_holds_what_the_township_may_see(cast: Cast) -> None:
    response = client_for(cast.bob).get(reverse("orgs:export"))
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert "王甲" in cells and "李二妮" in cells
    assert "赵乙" not in cells


def test_the_import_page_refuses_a_workbook_over_the_size_limit(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_MAX_UPLOAD_MB = 0
    response = _import(cast, roster_upload(GOOD_ROW))
    assert response.context["form"].errors["file"]
    assert not Member.objects.filter(name="孟秀兰").exists()


def test_a_member_may_not_export_even_her_own_record(cast: Cast) -> None:
    assert client_for(cast.erin).get(reverse("orgs:export")).status_code == 403
