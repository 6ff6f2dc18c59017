"""The roster over the API: scoped lists at a fixed query cost, masked numbers, logged reveals,
and registration cleaned by the same `roster.clean_member` as the pages and the Excel import.

A member (or a branch named by id) outside the user's scope is a 404, as if they did not exist; a
visible member the user's role may not act on is a 403, and so is a registration into a branch,
named by code, outside the scope.

Recall the cast (zhengxing/testing.py): alice runs the county; bob township A, dave township B;
carol is secretary and cathy a committee member of branch A1B; erin is a member of A1B (李二妮).
王甲 belongs to A1B, 赵乙 to B1B.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.audit.models import AuditEvent
from zhengxing.orgs import idcard
from zhengxing.orgs.models import Member, MemberEvent
from zhengxing.orgs.services import county_create, county_root, role_grant
from zhengxing.testing import SYSTEM, TODAY, Cast, add_member, client_for, member_data

MEMBERS = "/api/v1/members"
JSON = "application/json"


def url(member: Member, suffix: str = "") -> str:
    return f"{MEMBERS}/{member.pk}{suffix}"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(m["name"] for m in response.json()["items"])


def new_member(branch_code: str = "A1B", **overrides: Any) -> dict[str, Any]:
    """A valid registration body, as a client would send it (codes, ISO dates)."""
    values = member_data(branch_code).as_dict()
    values.update(overrides)
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def record_of(member: Member, **changes: Any) -> dict[str, Any]:
    """A member's record as a PUT body, without the numbers a client never sees."""
    values = {
        "name": member.name,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date,
        "address": member.address,
        "education": member.education,
        "joined_on": member.joined_on,
        "full_on": member.full_on,
        "standing": member.standing,
        "category": member.category,
        "post": member.post,
        "branch_code": member.branch.code,
        "group_code": member.group.code if member.group else "",
        **changes,
    }
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def with_bad_check_char(number: str) -> str:
    wrong = next(c for c in idcard.CHECK_CHARS if c != number[-1])
    return number[:-1] + wrong


# --- the list -----------------------------------------------------------------------------


def test_township_lists_only_the_members_of_its_township(cast: Cast) -> None:
    assert names(client_for(cast.bob).get(MEMBERS)) == ["李二妮", "王甲"]
    assert names(client_for(cast.dave).get(MEMBERS)) == ["赵乙"]


def test_a_member_lists_only_their_own_record(cast: Cast) -> None:
    assert names(client_for(cast.erin).get(MEMBERS)) == ["李二妮"]


def test_the_member_list_filters_like_the_page(cast: Cast) -> None:
    born = dt.date(1990, 1, 1)
    woman = idcard.make("150824", born, 2)  # even sequence: female
    add_member(cast.county, "A1B", name="孙女", gender="F", birth_date=born, id_card=woman)
    alice = client_for(cast.alice)

    assert names(alice.get(MEMBERS, {"org_id": cast.town_b.pk})) == ["赵乙"]
    assert names(alice.get(MEMBERS, {"q": "王"})) == ["王甲"]
    assert names(alice.get(MEMBERS, {"gender": "F"})) == ["孙女"]
    assert names(alice.get(MEMBERS, {"q": cast.member_b1.id_card})) == ["赵乙"]


def test_list_rows_carry_masked_numbers_and_their_branch(cast: Cast) -> None:
    [row] = client_for(cast.dave).get(MEMBERS).json()["items"]

    assert row["branch"]["code"] == "B1B"
    assert row["id_card_masked"] == cast.member_b1.id_card_masked
    assert "*" in row["id_card_masked"]
    assert "id_card" not in row and "phone" not in row


def test_the_member_list_costs_the_same_queries_for_5_and_500_rows(cast: Cast) -> None:
    for _ in range(30):
        add_member(cast.county, "A1B", group_code="A1B-G1")
    alice = client_for(cast.alice)

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = alice.get(MEMBERS, {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, 33)
        return len(ctx.captured_queries)

    # session, user, role assignments, own member record, count, one page with branch and group
    assert queries(5) == queries(500) == 6


# --- one member ---------------------------------------------------------------------------


def test_a_member_of_another_township_is_404(cast: Cast) -> None:
    response = client_for(cast.bob).get(url(cast.member_b1))

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该对象", "code": "not_found"}


def test_a_member_record_shows_masked_numbers_and_the_history(cast: Cast) -> None:
    response = client_for(cast.carol).get(url(cast.member_a1))

    body = response.json()
    assert response.status_code == 200
    assert body["id_card_masked"] == cast.member_a1.id_card_masked
    assert body["phone_masked"] == cast.member_a1.phone_masked
    assert cast.member_a1.id_card not in response.content.decode()
    assert cast.member_a1.phone not in response.content.decode()
    assert [e["kind"] for e in body["events"]] == ["registered"]


def test_a_committee_member_may_not_reveal_the_numbers(cast: Cast) -> None:
    response = client_for(cast.cathy).post(url(cast.member_a1, "/reveal"))

    assert response.status_code == 403
    assert response.json() == {"detail": "无权操作该对象", "code": "out_of_scope"}
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


def test_a_secretary_reveals_the_numbers_and_the_look_is_logged(cast: Cast) -> None:
    response = client_for(cast.carol).post(url(cast.member_a1, "/reveal"))

    assert response.status_code == 200
    assert response.json() == {"id_card": cast.member_a1.id_card, "phone": cast.member_a1.phone}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="member.reveal")
    assert (event.actor, event.object_id) == (cast.carol, str(cast.member_a1.pk))


# --- registering --------------------------------------------------------------------------


def test_a_secretary_registers_a_member_of_their_branch(cast: Cast) -> None:
    body = new_member(group_code="A1B-G1", name="新党员")

    response = client_for(cast.carol).post(MEMBERS, body, content_type=JSON)

    assert response.status_code == 201, response.content
    member = Member.objects.get(pk=response.json()["id"])
    assert (member.name, member.branch, member.group) == ("新党员", cast.branch_a1, cast.group_a1)
    assert member.id_card == body["id_card"]
    assert response.json()["events"][0]["kind"] == "registered"


def test_a_bad_id_check_character_is_400_and_nothing_is_written(cast: Cast) -> None:
    body = new_member()
    body["id_card"] = with_bad_check_char(body["id_card"])
    before = Member.objects.count(), AuditEvent.objects.count()

    response = client_for(cast.carol).post(MEMBERS, body, content_type=JSON)

    assert response.status_code == 400
    assert {"field": "id_card", "message": "公民身份号码校验位错误"} in response.json()["errors"]
    assert "公民身份号码校验位错误" in response.json()["detail"]
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_every_invalid_field_is_listed(cast: Cast) -> None:
    body = new_member(ethnicity="火星族", phone="12345")

    response = client_for(cast.carol).post(MEMBERS, body, content_type=JSON)

    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"ethnicity", "phone"}


def test_an_id_already_on_the_county_roster_is_400(cast: Cast) -> None:
    b1 = cast.member_b1
    body = record_of(b1, name="另一人", id_card=b1.id_card, phone="", status="active")
    before = Member.objects.count()

    response = client_for(cast.alice).post(MEMBERS, body, content_type=JSON)

    assert response.status_code == 400
    # alice may reveal 赵乙's numbers anyway: she is told whose it is (others: neutral words)
    assert response.json()["detail"] == "该公民身份号码已登记：赵乙（中共乙一村支部委员会）"
    assert Member.objects.count() == before


def test_a_branch_outside_the_scope_looks_like_no_branch_at_all(cast: Cast) -> None:
    response = client_for(cast.bob).post(MEMBERS, new_member("B1B"), content_type=JSON)

    assert response.status_code == 400
    assert response.json()["detail"] == "所在党组织代码“B1B”不存在"
    assert not Member.objects.filter(branch=cast.branch_b1).exclude(pk=cast.member_b1.pk).exists()


def test_a_value_outside_the_codes_is_refused_by_the_schema(cast: Cast) -> None:
    response = client_for(cast.carol).post(MEMBERS, new_member(gender="男性"), content_type=JSON)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "gender"]


def test_a_user_with_roles_in_two_counties_must_name_the_county(cast: Cast) -> None:
    other = county_create(actor=SYSTEM, code="T2", name="另一旗")
    role_grant(actor=SYSTEM, user=cast.bob, org=county_root(other), role="county")
    bob = client_for(cast.bob)

    unnamed = bob.post(MEMBERS, new_member(), content_type=JSON)
    named = bob.post(MEMBERS, {**new_member(), "county_id": cast.county.pk}, content_type=JSON)

    assert unnamed.status_code == 400
    assert unnamed.json() == {"detail": "请用 county_id 指明旗县区", "code": "invalid"}
    assert named.status_code == 201, named.content


def test_naming_a_county_without_a_role_there_is_404(cast: Cast) -> None:
    other = county_create(actor=SYSTEM, code="T2", name="另一旗")
    body = {**new_member(), "county_id": other.pk}

    assert client_for(cast.bob).post(MEMBERS, body, content_type=JSON).status_code == 404


# --- changing -----------------------------------------------------------------------------


def test_a_full_update_keeps_the_numbers_it_was_not_sent(cast: Cast) -> None:
    body = record_of(cast.member_a1, name="王甲乙", post="村委会主任")

    response = client_for(cast.carol).put(url(cast.member_a1), body, content_type=JSON)

    assert response.status_code == 200, response.content
    member = Member.objects.get(pk=cast.member_a1.pk)
    assert (member.name, member.post) == ("王甲乙", "村委会主任")
    assert (member.id_card, member.phone) == (cast.member_a1.id_card, cast.member_a1.phone)
    assert not MemberEvent.objects.filter(member=member).exclude(kind="registered").exists()


def test_a_changed_branch_in_a_full_update_is_recorded_as_a_transfer(cast: Cast) -> None:
    body = record_of(cast.member_a1, branch_code="B1B")

    response = client_for(cast.alice).put(url(cast.member_a1), body, content_type=JSON)

    assert response.status_code == 200, response.content
    assert [e["kind"] for e in response.json()["events"]] == ["registered", "transfer"]


def test_a_full_update_with_a_bad_id_is_400_and_changes_nothing(cast: Cast) -> None:
    body = record_of(
        cast.member_a1, name="改名", id_card=with_bad_check_char(cast.member_a1.id_card)
    )

    response = client_for(cast.carol).put(url(cast.member_a1), body, content_type=JSON)

    assert response.status_code == 400
    assert Member.objects.get(pk=cast.member_a1.pk).name == "王甲"


def test_a_transfer_is_kept_in_the_history(cast: Cast) -> None:
    response = client_for(cast.alice).post(
        url(cast.member_a1, "/transfer"),
        {"to_branch_id": cast.branch_b1.pk, "on": TODAY.isoformat(), "note": "搬迁"},
        content_type=JSON,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["branch"]["code"] == "B1B"
    assert [e["kind"] for e in body["events"]] == ["registered", "transfer"]
    transfer = MemberEvent.objects.get(member=cast.member_a1, kind="transfer")
    assert (transfer.branch_from, transfer.branch_to, transfer.note) == (
        cast.branch_a1,
        cast.branch_b1,
        "搬迁",
    )


def test_a_township_cannot_transfer_into_another_township(cast: Cast) -> None:
    response = client_for(cast.bob).post(
        url(cast.member_a1, "/transfer"),
        {"to_branch_id": cast.branch_b1.pk, "on": TODAY.isoformat()},
        content_type=JSON,
    )

    assert response.status_code == 404  # branch B1B is outside bob's scope
    assert not MemberEvent.objects.filter(kind="transfer").exists()


def test_a_status_change_is_dated_in_the_history(cast: Cast) -> None:
    response = client_for(cast.carol).post(
        url(cast.member_a1, "/status"),
        {"status": "mobile", "on": TODAY.isoformat(), "note": "外出务工"},
        content_type=JSON,
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["status_since"]) == (
        "mobile",
        TODAY.isoformat(),
    )
    event = MemberEvent.objects.get(member=cast.member_a1, kind="status")
    assert (event.status_from, event.status_to) == ("active", "mobile")


def test_an_unchanged_status_is_400(cast: Cast) -> None:
    response = client_for(cast.carol).post(
        url(cast.member_a1, "/status"),
        {"status": "active", "on": TODAY.isoformat()},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "状态没有变化", "code": "invalid"}
