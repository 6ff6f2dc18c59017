"""The meetings' API: the same services as the pages, errors as {"detail", "code"}."""

from __future__ import annotations

import pytest

from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.orglife.models import SignIn
from zhengxing.testing import Cast, client_for

from .conftest import TODAY

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_plan_show_the_code_sign_in_close_and_the_record(
    cast: Cast, hundred: RuleCatalogue, api_clock: list
) -> None:
    carol, erin = client_for(cast.carol), client_for(cast.erin)
    planned = carol.post(
        "/api/v1/life/meetings",
        {
            "branch_id": cast.branch_a1.pk,
            "kind": "lecture",
            "held_on": TODAY.isoformat(),
            "place": "村部",
            "agenda": "党课：乡村振兴",
        },
        content_type=JSON,
    )
    assert planned.status_code == 201, planned.content
    meeting = planned.json()
    assert {r["name"] for r in meeting["roll"]} == {"王甲", "李二妮"}
    url = f"/api/v1/life/meetings/{meeting['id']}"
    # a member may not show the code: only those who run the meeting
    assert erin.get(f"{url}/code").status_code == 403
    code = carol.get(f"{url}/code").json()["code"]
    signed = erin.post("/api/v1/life/sign-in", {"code": code}, content_type=JSON)
    assert signed.status_code == 201 and signed.json()["way"] == "qr"
    twice = erin.post("/api/v1/life/sign-in", {"code": code}, content_type=JSON)
    assert twice.status_code == 400
    assert twice.json() == {"detail": "您已经签到过了，不必重复签到", "code": "duplicate"}
    wang = cast.member_a1.pk
    assert (
        carol.post(
            f"{url}/excuse",
            {"member_id": wang, "excuse": "leave", "reason": "生病"},
            content_type=JSON,
        ).json()["excuse"]
        == "leave"
    )
    closed = carol.post(f"{url}/close", {"minutes": "讲授党课"}, content_type=JSON)
    assert closed.json() == {"present": 1, "absent": 0, "points_entered": 1}
    entry = LedgerEntry.objects.select_related("claim").get(member=cast.erin_member)
    assert entry.claim is not None and entry.claim.origin_id == meeting["id"]
    late = erin.post("/api/v1/life/sign-in", {"code": code}, content_type=JSON)
    assert late.json()["code"] == "conflict"
    record = (
        client_for(cast.bob)
        .get(f"/api/v1/life/orgs/{cast.town_a.pk}/meeting-record?year=2026")
        .json()
    )
    lecture = next(k for k in record[0]["kinds"] if k["kind"] == "lecture")
    assert (lecture["held"], lecture["due"], lecture["missing"]) == (1, 1, 0)
    listed = carol.get(f"/api/v1/life/branches/{cast.branch_a1.pk}/meetings?year=2026").json()
    assert [m["id"] for m in listed] == [meeting["id"]]


def test_out_of_scope_is_404_and_bad_input_is_chinese(
    cast: Cast, hundred: RuleCatalogue, api_clock: list
) -> None:
    dave = client_for(cast.dave)
    refused = dave.post(
        "/api/v1/life/meetings",
        {
            "branch_id": cast.branch_a1.pk,
            "kind": "members",
            "held_on": TODAY.isoformat(),
            "place": "村部",
            "agenda": "议程",
        },
        content_type=JSON,
    )
    assert refused.status_code == 404
    bad = client_for(cast.carol).post(
        "/api/v1/life/meetings",
        {
            "branch_id": cast.branch_a1.pk,
            "kind": "members",
            "held_on": TODAY.isoformat(),
            "place": "村部",
            "agenda": " ",
        },
        content_type=JSON,
    )
    assert bad.status_code == 400 and bad.json()["detail"] == "请填写会议议程"
    nonsense = client_for(cast.erin).post("/api/v1/life/sign-in", {"code": "x"}, content_type=JSON)
    assert nonsense.status_code == 400 and "签到码无效" in nonsense.json()["detail"]
    assert SignIn.objects.count() == 0


def test_the_county_sets_what_a_kind_earns_and_how_many_a_year(
    cast: Cast, hundred: RuleCatalogue, api_clock: list
) -> None:
    from zhengxing.orglife import services

    alice = client_for(cast.alice)
    body = {"attend_code": "BF-Z02", "absence_code": "", "per_year": 6}
    assert alice.put("/api/v1/life/rules/members", body, content_type=JSON).status_code == 200
    items = services.life_items(branch=cast.branch_a1, activity="members", year=2026)
    assert (items.attend.code if items.attend else None, items.absence) == ("BF-Z02", None)
    record = (
        client_for(cast.bob)
        .get(f"/api/v1/life/orgs/{cast.town_a.pk}/meeting-record?year=2026")
        .json()
    )
    assert next(k for k in record[0]["kinds"] if k["kind"] == "members")["required"] == 6
    assert (
        client_for(cast.bob).put("/api/v1/life/rules/members", body, content_type=JSON).status_code
        == 403
    )  # a township does not set the county's rules
    assert alice.put("/api/v1/life/rules/picnic", body, content_type=JSON).status_code == 400
