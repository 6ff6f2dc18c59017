"""Who may hand out or change full ID numbers and phones, and what it costs them (issue 16,
items 8 and 9): the roster export asks for the password (and the code, where the role has one)
as revealing one member does, and is logged; the numbers change only by roles that may reveal
them, after re-authentication; a number already on the roster is refused in neutral words,
and the attempt is audited.

Recall the cast (zhengxing/testing.py): alice runs the county; bob township A; carol is
secretary and cathy a committee member of A1B; 王甲 belongs to A1B, 赵乙 to B1B (township B)."""

from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhengxing.accounts.reauth import REAUTH_KEY
from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs import excel
from zhengxing.orgs.models import Member
from zhengxing.orgs.services import NUMBER_REFUSED, ReauthRequired, member_register, member_update
from zhengxing.testing import PASSWORD, TODAY, Cast, client_for, member_data

EXPORT = reverse("orgs:export")
JSON = "application/json"


def exports() -> int:
    return AuditEvent.objects.filter(action="roster.export").count()


# --- the export (item 8) -------------------------------------------------------------------


def test_the_export_asks_for_the_password_again_then_downloads_and_is_logged(
    cast: Cast,
) -> None:
    client = client_for(cast.bob, password_minutes_ago=6)
    asked = client.get(EXPORT)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("reauth"))
    assert exports() == 0
    wrong = client.post(asked["Location"], {"password": "not-it"})
    assert wrong.status_code == 200 and exports() == 0
    back = client.post(asked["Location"], {"password": PASSWORD})
    assert back.status_code == 302 and back["Location"] == EXPORT
    download = client.get(back["Location"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert exports() == 1
    assert AuditEvent.objects.filter(action="auth.reauth", actor=cast.bob).exists()


def test_the_export_asks_for_the_code_too_where_the_role_has_one(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_OTP_ROLES = ("county", "township")
    device = TOTPDevice.objects.create(user=cast.alice, name="app", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    code = f"{totp(device.bin_key):06d}"
    assert client.post(reverse("otp_verify"), {"code": code}).status_code == 302
    session = client.session
    session[REAUTH_KEY] = int(time.time()) - 6 * 60
    session.save()
    asked = client.get(EXPORT)
    assert asked["Location"].startswith(reverse("reauth"))
    # the password alone is not enough
    assert client.post(asked["Location"], {"password": PASSWORD}).status_code == 200
    assert client.get(EXPORT).status_code == 302 and exports() == 0
    device.refresh_from_db()
    device.last_t = -1  # a fresh time step, as thirty seconds later
    device.throttling_failure_timestamp = None
    device.throttling_failure_count = 0
    device.save()
    back = client.post(asked["Location"], {"password": PASSWORD, "code": code})
    assert back.status_code == 302 and back["Location"] == EXPORT
    assert client.get(EXPORT).status_code == 200 and exports() == 1


# --- changing the numbers (item 9) ---------------------------------------------------------


def _put_body(member: Member, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(),
        "address": member.address,
        "education": member.education,
        "joined_on": member.joined_on.isoformat(),
        "full_on": member.full_on.isoformat() if member.full_on else None,
        "standing": member.standing,
        "category": member.category,
        "post": member.post,
        "branch_code": member.branch.code,
        "group_code": member.group.code if member.group else "",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize("field", ["id_card", "phone"])
def test_a_committee_member_may_not_send_the_numbers_through_the_api_even_unchanged(
    cast: Cast, field: str
) -> None:
    """Even the member's own number, unchanged: else a 200 for the right one and a 403 for
    the others would tell it."""
    member = cast.member_a1
    current = getattr(member, field)
    response = client_for(cast.cathy, password_minutes_ago=0).put(
        f"/api/v1/members/{member.pk}", _put_body(member, **{field: current}), content_type=JSON
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="member.update").exists()


def test_a_committee_member_still_edits_the_rest_of_the_record(cast: Cast) -> None:
    member = cast.member_a1
    response = client_for(cast.cathy, password_minutes_ago=0).put(
        f"/api/v1/members/{member.pk}", _put_body(member, post="村民小组长"), content_type=JSON
    )
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.post == "村民小组长"


def test_the_secretary_changes_a_phone_through_the_api_only_after_reauthentication(
    cast: Cast,
) -> None:
    member = cast.member_a1
    body = _put_body(member, phone="13999999999")
    stale = client_for(cast.carol, password_minutes_ago=6)
    refused = stale.put(f"/api/v1/members/{member.pk}", body, content_type=JSON)
    assert refused.status_code == 403 and "重新验证身份" in refused.json()["detail"]
    member.refresh_from_db()
    assert member.phone != "13999999999"
    fresh = client_for(cast.carol, password_minutes_ago=0)
    assert fresh.put(f"/api/v1/members/{member.pk}", body, content_type=JSON).status_code == 200
    member.refresh_from_db()
    assert member.phone == "13999999999"


def test_the_committee_members_edit_form_has_no_number_fields_and_ignores_them(
    cast: Cast,
) -> None:
    member = cast.member_a1
    client = client_for(cast.cathy, password_minutes_ago=0)
    form = client.get(reverse("orgs:member_edit", args=[member.pk])).context["form"]
    assert "id_card" not in form.fields and "phone" not in form.fields
    values = {k: ("" if v is None else str(v)) for k, v in _put_body(member).items()}
    values.update(branch=str(cast.branch_a1.pk), group="", phone="13999999999", post="会计")
    response = client.post(reverse("orgs:member_edit", args=[member.pk]), values)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.post == "会计" and member.phone != "13999999999"


def test_the_secretarys_edit_of_a_phone_sends_her_to_reauthenticate_first(cast: Cast) -> None:
    member = cast.member_a1
    client = client_for(cast.carol, password_minutes_ago=6)
    values = {k: ("" if v is None else str(v)) for k, v in _put_body(member).items()}
    values.update(branch=str(cast.branch_a1.pk), group="", phone="13999999999", id_card="")
    url = reverse("orgs:member_edit", args=[member.pk])
    response = client.post(url, values)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reauth"))
    member.refresh_from_db()
    assert member.phone != "13999999999"
    # the other fields alone need nothing more
    values["phone"] = ""
    values["post"] = "会计"
    assert client.post(url, values).status_code == 302
    member.refresh_from_db()
    assert member.post == "会计"


def test_the_service_refuses_a_number_change_without_reauthentication(cast: Cast) -> None:
    member = cast.member_a1
    data = member_data("A1B", name=member.name, birth_date=member.birth_date)
    data = type(data)(**{**data.as_dict(), "id_card": member.id_card, "phone": "13999999999"})
    with pytest.raises(ReauthRequired):
        member_update(actor=Actor.system("t", user=cast.carol), member=member, data=data, on=TODAY)


# --- a number already on the roster (item 9) ------------------------------------------------


@pytest.mark.parametrize("whose", ["member_a1", "member_b1"])
def test_a_committee_member_registering_a_number_on_the_roster_is_told_nothing_about_it(
    cast: Cast, whose: str
) -> None:
    """In her own branch (王甲) or in another township (赵乙): the same neutral words, and an
    audit row for the county to see who tried."""
    existing: Member = getattr(cast, whose)
    data = member_data(
        "A1B",
        id_card=existing.id_card,
        birth_date=existing.birth_date,
        gender=existing.gender,
        name="另一人",
    )
    before = Member.objects.count()
    client = client_for(cast.cathy, password_minutes_ago=0)
    body = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.as_dict().items()}
    response = client.post("/api/v1/members", body, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["detail"] == NUMBER_REFUSED
    assert existing.name not in response.content.decode()
    assert Member.objects.count() == before
    event = AuditEvent.objects.get(action="member.number_refused")
    assert (event.actor, event.county_id, event.object_id) == (
        cast.cathy,
        cast.county.pk,
        str(existing.pk),
    )


def test_the_register_service_audits_the_refused_number_even_as_its_own_work_rolls_back(
    cast: Cast,
) -> None:
    existing = cast.member_b1
    data = member_data("A1B", id_card=existing.id_card, birth_date=existing.birth_date)
    with pytest.raises(ServiceError) as refused:
        member_register(
            actor=Actor.system("t", user=cast.bob), county_id=cast.county.pk, data=data, on=TODAY
        )
    assert str(refused.value) == NUMBER_REFUSED  # 赵乙 is township B's: bob may not reveal
    assert AuditEvent.objects.filter(action="member.number_refused", actor=cast.bob).count() == 1


def test_the_import_page_asks_for_the_password_again_before_writing(cast: Cast) -> None:
    out = io.BytesIO()
    excel.write_workbook(out, members=[excel.member_row(member_data("A1B", name="新人").as_dict())])
    url = reverse("jobs:roster_import")
    stale = client_for(cast.carol, password_minutes_ago=6)
    upload = SimpleUploadedFile("r.xlsx", out.getvalue())
    asked = stale.post(url, {"file": upload}, HTTP_REFERER=f"http://testserver{url}")
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("reauth"))
    assert not Member.objects.filter(name="新人").exists()
    upload = SimpleUploadedFile("r.xlsx", out.getvalue())
    done = client_for(cast.carol, password_minutes_ago=0).post(url, {"file": upload})
    assert done.status_code == 302 and done["Location"].startswith("/jobs/")
    assert Member.objects.filter(name="新人").exists()
