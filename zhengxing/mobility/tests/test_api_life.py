"""/api/v1/mobile for "5" and "6": the same services as the pages — org life at the inflow
organisation counted (from its list and at its own meeting), the airing, lost contact flagged,
searched and closed, a transfer refused when its destination does not exist and received when
it does. On 30 June 2026 (`on_30_june`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from zhengxing.ledger.models import RuleCatalogue
from zhengxing.mobility.models import Agreement, ElsewhereAttendance, InflowOrg, LostCase, Transfer
from zhengxing.orglife import services as life
from zhengxing.orglife.tests.conftest import hundred, plan
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import as_
from .test_elsewhere import agreement, chamber, hank, inflow
from .test_transfers import frank, other

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_30_june")]
__all__ = ["agreement", "chamber", "frank", "hank", "hundred", "inflow", "other"]


def _post(user: User, url: str, body: dict[str, Any] | None = None) -> Any:
    return client_for(user).post(url, body or {}, content_type="application/json")


@pytest.fixture
def away(cast: Cast) -> Member:
    return member_set_status(
        actor=SYSTEM, member=cast.member_a1, status="mobile", on=dt.date(2025, 10, 1)
    )


def test_org_life_elsewhere_through_the_api(
    cast: Cast,
    away: Member,
    agreement: Agreement,
    inflow: InflowOrg,
    chamber: Org,
    hank: User,
    hundred: RuleCatalogue,
) -> None:
    """一方隶属、参加多重组织生活 (article 002)"""
    own = plan(cast)
    body = {
        "member_id": away.pk,
        "meeting_id": own.pk,
        "inflow_id": inflow.pk,
        "held_on": "2026-06-20",
    }
    assert _post(cast.dave, "/api/v1/mobile/elsewhere", body).status_code == 404
    response = _post(cast.carol, "/api/v1/mobile/elsewhere", body)
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "list"
    again = _post(cast.carol, "/api/v1/mobile/elsewhere", body)
    assert again.status_code == 400 and again.json()["code"] == "duplicate"
    # the inflow organisation in the system, at its own meeting, for a member under agreement
    theirs = life.meeting_plan(
        actor=as_(hank),
        branch=chamber,
        kind="lecture",
        held_on=dt.date(2026, 6, 21),
        place="商会",
        agenda="党课",
    )
    guest = _post(hank, f"/api/v1/mobile/meetings/{theirs.pk}/guests", {"member_id": away.pk})
    assert guest.status_code == 400 and guest.json()["code"] == "duplicate"  # counted already
    stranger = _post(
        hank, f"/api/v1/mobile/meetings/{theirs.pk}/guests", {"member_id": cast.member_b1.pk}
    )
    assert stranger.status_code == 404  # 赵乙 is not mobile: not among the guests
    assert ElsewhereAttendance.objects.count() == 1
    rows = client_for(cast.carol).get("/api/v1/mobile/airing?year=2026").json()["items"]
    assert [r["name"] for r in rows] == ["王甲"]


def test_lost_contact_through_the_api(cast: Cast, away: Member) -> None:
    """失联: no organisation life and no dues for six months or more (PRACTICES §0)"""
    client = client_for(cast.carol)
    due = client.get(f"/api/v1/mobile/lost/due?org={cast.branch_a1.pk}").json()["items"]
    assert [(d["name"], d["open_case"]) for d in due] == [("王甲", False)]
    flagged = _post(cast.carol, f"/api/v1/mobile/lost/flag?org={cast.branch_a1.pk}")
    assert flagged.status_code == 201
    (case,) = flagged.json()
    base = f"/api/v1/mobile/lost/{case['id']}"
    assert _post(cast.carol, base + "/reason", {"reason": "abroad"}).json()["reason"] == "abroad"
    step = {"on": "2026-06-29", "way": "visit", "what": "上门走访，家中无人"}
    assert _post(cast.carol, base + "/steps", step).status_code == 201
    closed = _post(cast.carol, base + "/close", {"outcome": "procedure", "note": "按规定停止党籍"})
    assert closed.json()["outcome"] == "procedure"
    twice = _post(cast.carol, base + "/close", {"outcome": "found", "note": "x"})
    assert twice.status_code == 400 and twice.json()["code"] == "conflict"
    assert LostCase.objects.get().outcome == "procedure"


def test_transfers_through_the_api(cast: Cast, other: Org, frank: User) -> None:
    url = f"/api/v1/mobile/members/{cast.member_a1.pk}/transfer"
    refused = _post(
        cast.carol, url, {"to_county_code": "T2", "to_org_code": "ZZ", "on": "2026-06-30"}
    )
    assert refused.status_code == 400 and "不存在" in refused.json()["detail"]
    assert not Transfer.objects.exists()
    sent = _post(
        cast.carol, url, {"to_county_code": "T2", "to_org_code": "C1B", "on": "2026-06-30"}
    )
    assert sent.status_code == 201, sent.content
    incoming = client_for(frank).get("/api/v1/mobile/transfers?direction=in").json()["items"]
    assert [t["id"] for t in incoming] == [sent.json()["id"]]
    received = _post(
        frank, f"/api/v1/mobile/transfers/{sent.json()['id']}/receive", {"on": "2026-06-30"}
    )
    assert received.status_code == 200 and received.json()["received_member_id"]
