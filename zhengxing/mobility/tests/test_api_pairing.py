"""/api/v1/mobile's pairing and ledgers: the same services as the pages. The county: see
test_ledgers.py (cathy paired with 王甲, one call in June).

流入地和流出地基层党组织班子成员采取“一对一”“一对多”的方式与流动党员结对，每季度开展一次电话随访、
视频约访、上门走访，流出地基层党委每半年专门听取一次联络情况汇报 (article 002)
"""

from __future__ import annotations

import datetime as dt

from zhengxing.mobility.models import Contact, ContactReport, Pairing
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, client_for

from .conftest import NOW
from .test_ledgers import county

__all__ = ["county"]


def test_pairing_and_logging_through_the_api(county: Cast, api_clock: list[dt.datetime]) -> None:
    sun = Member.objects.get(name="孙丙")
    carol = client_for(county.carol)
    made = carol.post(
        "/api/v1/mobile/pairings",
        {"member_id": sun.pk, "pairer_id": county.cathy.pk, "side": "outflow",
         "since": "2026-06-21"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["pairer"] == "cathy"
    cathy = client_for(county.cathy)
    body = {"member_id": sun.pk, "way": "video", "on": "2026-06-29", "said": "视频约访"}
    logged = cathy.post("/api/v1/mobile/contacts", body, content_type="application/json")
    assert logged.status_code == 201, logged.content
    refused = carol.post("/api/v1/mobile/contacts", body, content_type="application/json")
    assert refused.status_code == 400 and "您未与“孙丙”结对" in refused.json()["detail"]
    assert Contact.objects.filter(member=sun).count() == 1
    contacts = cathy.get(f"/api/v1/mobile/pairings/{made.json()['id']}/contacts").json()
    assert [c["said"] for c in contacts] == ["视频约访"]
    duty = carol.get(f"/api/v1/mobile/duty/{county.branch_a1.pk}?quarter=2026Q2").json()
    assert {(d["member"], d["standing"]) for d in duty} == {("王甲", "done"), ("孙丙", "done")}


def test_the_report_is_signed_once_through_the_api(
    county: Cast, api_clock: list[dt.datetime]
) -> None:
    api_clock[0] = NOW + dt.timedelta(days=1)
    bob = client_for(county.bob)
    url = f"/api/v1/mobile/contact-reports/{county.town_a.pk}/2026/1"
    assert bob.get(url).json()["signed"] is False
    body = {"signer_name": "周书记", "remarks": ""}
    signed = bob.post(url + "/sign", body, content_type="application/json")
    assert signed.status_code == 201, signed.content
    assert signed.json()["lines"][0]["member"] == "王甲"
    again = bob.post(url + "/sign", body, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "conflict"
    assert ContactReport.objects.count() == 1
    assert client_for(county.dave).get(url).status_code == 404


def test_a_ledger_through_the_api(county: Cast) -> None:
    found = client_for(county.alice).get(
        f"/api/v1/mobile/ledgers/{county.root.pk}?quarter=2026Q2&limit=2"
    )
    data = found.json()
    assert (data["level"], data["count"], len(data["rows"])) == ("database", 4, 2)
    assert data["marks"] == {"moved": 1, "new": 1, "lost": 1, "returned": 1}
    assert (
        client_for(county.dave).get(f"/api/v1/mobile/ledgers/{county.root.pk}").status_code == 404
    )
    assert Pairing.objects.count() == 1
