"""The township's integrity page (/integrity/) and its API (/api/v1/integrity/flags): the flags
in the user's scope by kind, with the evidence laid out (who scored whom), the decision on a
flag (HTMX swaps its card), the scan button; linked from the township's and the county's home
page. "Flagged to the township with the evidence, never shown to the public": a branch's
secretary, committee member or member is refused (403), another township's flag is not found
(404). The cast and the rounds: test_flags.py."""

from __future__ import annotations

import pytest

from zhengxing.integrity import ratings
from zhengxing.integrity.flags import findings_scan
from zhengxing.integrity.models import Flag
from zhengxing.testing import client_for

from .test_flags import SINCE, UNTIL, act, rated

__all__ = ["rated"]


@pytest.fixture
def flagged(rated):  # type: ignore[no-untyped-def]
    cast = rated[0]
    findings_scan(actor=act(cast.alice), county=cast.county, since=SINCE, until=UNTIL)
    return rated


@pytest.mark.parametrize("who", ["bob", "alice"])
def test_the_township_and_the_county_see_the_flags_with_their_evidence(flagged, who) -> None:  # type: ignore[no-untyped-def]
    cast, _peer, _committee, pair = flagged
    home = client_for(getattr(cast, who)).get("/")
    # the page's button, and the open flags waiting for them
    assert home.content.decode().count('href="/integrity/"') == 2
    page = client_for(getattr(cast, who)).get("/integrity/")
    assert page.status_code == 200
    html = page.content.decode()
    for flag in Flag.objects.all():
        assert f'id="flag-{flag.pk}"' in html
    # the ring's table: each of the pair scored the other, beside the others' mean
    for member in pair:
        assert member.name in html
    assert html.count("<tr>") >= 2 + 10 + 10 + 10


def test_another_township_sees_none_of_them(flagged) -> None:  # type: ignore[no-untyped-def]
    cast = flagged[0]
    html = client_for(cast.dave).get("/integrity/").content.decode()
    assert 'id="flag-' not in html
    flag = Flag.objects.get(kind=ratings.RING)
    response = client_for(cast.dave).post(
        f"/integrity/flags/{flag.pk}/status",
        {f"f{flag.pk}-status": "dismissed", f"f{flag.pk}-note": "x"},
    )
    assert response.status_code == 404
    assert Flag.objects.get(pk=flag.pk).status == "open"


@pytest.mark.parametrize("who", ["carol", "cathy", "erin", "gina"])
def test_branch_roles_and_members_are_refused(flagged, who: str) -> None:  # type: ignore[no-untyped-def]
    cast = flagged[0]
    client = client_for(getattr(cast, who))
    assert 'href="/integrity/"' not in client.get("/").content.decode()
    assert client.get("/integrity/").status_code == 403
    flag = Flag.objects.get(kind=ratings.RING)
    assert client.post(f"/integrity/flags/{flag.pk}/status", {}).status_code == 403
    assert client.post("/integrity/scan", {}).status_code == 403
    assert client.get("/api/v1/integrity/flags").status_code == 403
    response = client.post(
        f"/api/v1/integrity/flags/{flag.pk}/status",
        {"status": "dismissed", "note": "无"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_decision_swaps_the_flags_card(flagged) -> None:  # type: ignore[no-untyped-def]
    cast = flagged[0]
    flag = Flag.objects.get(kind=ratings.EXTREME)
    client = client_for(cast.bob)
    data = {f"f{flag.pk}-status": "dismissed", f"f{flag.pk}-note": "该党员确实表现突出"}
    response = client.post(
        f"/integrity/flags/{flag.pk}/status", data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<article class="card flag" id="flag-') and "该党员确实表现突出" in html
    assert Flag.objects.get(pk=flag.pk).status == "dismissed"
    # without a note it is refused, on the card
    other = Flag.objects.get(kind=ratings.RING)
    refused = client.post(
        f"/integrity/flags/{other.pk}/status",
        {f"f{other.pk}-status": "confirmed", f"f{other.pk}-note": ""},
        headers={"HX-Request": "true"},
    )
    assert "请写明核查意见" in refused.content.decode()
    assert Flag.objects.get(pk=other.pk).status == "open"
    # the dismissed one is listed under its status, not among the open
    assert f'id="flag-{flag.pk}"' not in client.get("/integrity/").content.decode()
    assert f'id="flag-{flag.pk}"' in client.get("/integrity/?status=dismissed").content.decode()


def test_the_scan_button_scans_the_township(rated) -> None:  # type: ignore[no-untyped-def]
    cast = rated[0]
    client = client_for(cast.bob)
    response = client.post("/integrity/scan", {"since": "2026-01-01", "until": "2026-12-31"})
    assert response.status_code == 302
    assert Flag.objects.count() == 4


def test_the_api_lists_and_decides(flagged) -> None:  # type: ignore[no-untyped-def]
    cast = flagged[0]
    client = client_for(cast.bob)
    listed = client.get("/api/v1/integrity/flags?status=open").json()
    assert listed["count"] == 4
    ring = next(f for f in listed["items"] if f["kind"] == ratings.RING)
    assert ring["org_name"] == cast.branch_a1.name and len(ring["evidence"]["scores"]) == 2
    response = client.post(
        f"/api/v1/integrity/flags/{ring['id']}/status",
        {"status": "confirmed", "note": "已约谈"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decided_by"]) == ("confirmed", "bob")
    refused = client.post(
        f"/api/v1/integrity/flags/{ring['id']}/status",
        {"status": "dismissed", "note": ""},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert client_for(cast.dave).get("/api/v1/integrity/flags").json()["count"] == 0
    other = client_for(cast.dave).post(
        f"/api/v1/integrity/flags/{ring['id']}/status",
        {"status": "dismissed", "note": "x"},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_a_claims_flag_is_named_in_the_words_its_detector_registered(flagged) -> None:  # type: ignore[no-untyped-def]
    cast = flagged[0]
    ring = Flag.objects.get(kind=ratings.RING)
    Flag.objects.create(
        county=cast.county,
        org=ring.org,
        kind="claim_duplicate",
        subject="claims:1,2",
        summary="同一事项申报两次",
        evidence={"claims": [1, 2]},
        found_at=ring.found_at,
    )
    html = client_for(cast.bob).get("/integrity/").content.decode()
    assert "claim_duplicate" not in html
    assert "重复" in html
