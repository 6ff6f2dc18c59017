"""Names with invisible characters (zero-width spaces and joiners, direction marks, embeddings,
overrides and isolates, the BOM, other format characters) look like someone else's on a public
notice: refused with a Chinese message wherever a name enters (issue 16, item 12).

Recall the cast (zhengxing/testing.py): alice runs the county; carol is secretary of A1B."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhengxing.core.errors import ServiceError
from zhengxing.orgs import excel, roster
from zhengxing.orgs.imports import ImportFailed, roster_import
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import hidden_characters, name_problem
from zhengxing.orgs.services import org_create, org_update, user_create
from zhengxing.testing import SYSTEM, TODAY, Cast, member_data

# one of each kind the issue names, and a few more of category Cf
HIDDEN = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202b",
    "\u202c",  # pop directional formatting
    "\u202d",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2067",
    "\u2068",
    "\u2069",  # pop directional isolate
    "\ufeff",  # zero-width no-break space (BOM)
    "\u00ad",  # soft hyphen
    "\u2060",  # word joiner
    "\u061c",  # Arabic letter mark
    "\U000e0041",  # tag latin capital A
]
WANG = "王\u200b甲"  # looks like 王甲


@pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_every_invisible_character_makes_a_name_invalid(char: str) -> None:
    problem = name_problem(f"王{char}甲")
    assert problem is not None and f"U+{ord(char):04X}" in problem and "看不见的字符" in problem


@pytest.mark.parametrize("name", ["王甲", "阿拉腾·其木格", "Anna Müller", "布和朝鲁", "王 甲"])
def test_real_names_pass(name: str) -> None:
    assert name_problem(name) is None and hidden_characters(name) == []


def test_the_roster_refuses_the_name_for_the_page_the_api_and_the_import_alike() -> None:
    raw = member_data("A1B", name=WANG).as_dict()
    with pytest.raises(roster.RowInvalid) as invalid:
        roster.clean_member(raw, today=TODAY)
    assert [key for key, _ in invalid.value.errors] == ["name"]


def test_the_registration_page_refuses_the_name(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.carol)
    data = member_data("A1B", name=WANG).as_dict()
    post = {k: v for k, v in data.items() if k not in ("branch_code", "group_code")}
    post.update(branch=cast.branch_a1.pk, status="active")
    response = client.post(reverse("orgs:member_new"), post)
    assert response.status_code == 200
    assert "看不见的字符" in str(response.context["form"].errors["name"])
    assert not Member.objects.filter(name=WANG).exists()


def test_the_api_refuses_the_name(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.carol)
    data = member_data("A1B", name="\u202e甲王").as_dict()
    payload = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    response = client.post("/api/v1/members", payload, content_type="application/json")
    assert response.status_code == 400, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert not Member.objects.filter(name="\u202e甲王").exists()


def test_the_import_refuses_a_member_name_and_an_org_name(cast: Cast) -> None:
    out = io.BytesIO()
    excel.write_workbook(
        out,
        members=[excel.member_row(member_data("A1B", name=WANG).as_dict())],
        orgs=[
            excel.org_row(
                {"code": "A2", "name": "甲二\ufeff村", "kind": "village", "parent_code": "A"}
            )
        ],
    )
    out.seek(0)
    with pytest.raises(ImportFailed) as failed:
        roster_import(actor=SYSTEM, county=cast.county, file=out, today=TODAY)
    problems = {(e.sheet, e.column) for e in failed.value.errors if "看不见的字符" in e.message}
    assert problems == {(excel.MEMBER_SHEET, "姓名"), (excel.ORG_SHEET, "组织名称")}
    assert not Org.objects.filter(code="A2").exists()


def test_the_import_page_lists_the_name_problem(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.alice)
    out = io.BytesIO()
    excel.write_workbook(out, members=[excel.member_row(member_data("A1B", name=WANG).as_dict())])
    upload = SimpleUploadedFile("r.xlsx", out.getvalue())
    response = client.post(reverse("jobs:roster_import"), {"file": upload}, follow=True)
    assert any("看不见的字符" in e["message"] for e in response.context["problems"])


def test_organisations_and_users_refuse_hidden_characters_in_their_names(cast: Cast) -> None:
    with pytest.raises(ServiceError, match="看不见的字符"):
        org_create(actor=SYSTEM, parent=cast.town_a, code="A9", name="甲九\u200d村", kind="village")
    with pytest.raises(ServiceError, match="书记姓名"):
        org_update(actor=SYSTEM, org=cast.branch_a1, secretary_name="张\u2066三")
    with pytest.raises(ServiceError, match="看不见的字符"):
        user_create(actor=SYSTEM, username="zhang", password="x" * 12, name="张\u200b三")
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.secretary_name == "" and not Org.objects.filter(code="A9").exists()
