"""The supervision's pages and API: "记录督查结论" from a flag on the township's integrity page,
prefilled; the findings listed for the township and for the branch's secretary (the finding and
its deduction, not the flags' evidence); the public sees the deduction with its category on the
targets' results page, never the flags; the API under /api/v1/integrity/supervision. The cast
and the catalogue: test_supervision.py."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from zhengxing.integrity.models import Flag, SupervisionFinding
from zhengxing.integrity.supervision import supervision_record
from zhengxing.targets.models import TargetCatalogue, TargetEntry
from zhengxing.testing import Cast, api_token, bearer, client_for

from .test_supervision import FACTS, NOW, act, catalogue, score

__all__ = ["catalogue"]
JSON = "application/json"
RAW = "评议人甲给评议人乙打了100分"  # a flag's raw evidence: never shown to the branch


@pytest.fixture
def flag(cast: Cast, catalogue: TargetCatalogue) -> Flag:
    return Flag.objects.create(
        county=cast.county, org=cast.branch_a1, kind="quarter_late", subject="quarter_late:x",
        summary="2026年第二季度积分未签字确认，超过期限（2026-07-30）32天", evidence={"raw": RAW},
        found_at=NOW,
    )  # fmt: skip


def test_the_flag_leads_to_the_form_prefilled(cast: Cast, flag: Flag) -> None:
    flags_page = client_for(cast.bob).get("/integrity/").content.decode()
    link = f"/integrity/supervision/new?flag={flag.pk}"
    assert link in flags_page
    html = client_for(cast.bob).get(link).content.decode()
    assert cast.branch_a1.name in html
    assert '<option value="late" selected>' in html  # a late sign-off suggests 评定不及时
    assert flag.summary in html  # the facts start from the flag's summary
    assert f'name="flags" value="{flag.pk}" id="id_flags_0" checked' in html  # cited already


def test_recording_from_the_page_deducts_and_lists_the_finding(cast: Cast, flag: Flag) -> None:
    response = client_for(cast.bob).post(
        "/integrity/supervision/new",
        {
            "flag": flag.pk,
            "org": cast.branch_a1.pk,
            "kind": "late",
            "year": 2026,
            "facts": FACTS,
            "points": "3",
            "flags": [flag.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    finding = SupervisionFinding.objects.get()
    assert list(finding.flags.all()) == [flag] and finding.points == Decimal("3.0")
    assert score(cast)[1] == Decimal("-3.0")
    listed = client_for(cast.bob).get(response["Location"]).content.decode()
    assert finding.ref in listed and FACTS in listed and flag.summary in listed


def test_a_refused_deduction_shows_its_chinese_reason_and_writes_nothing(
    cast: Cast, flag: Flag
) -> None:
    response = client_for(cast.bob).post(
        "/integrity/supervision/new",
        {"org": cast.branch_a1.pk, "kind": "late", "year": 2025, "facts": FACTS, "points": "3"},
    )
    assert response.status_code == 200
    assert "2025年没有已发布的目标清单" in response.content.decode()
    assert not SupervisionFinding.objects.exists()


def test_the_secretary_sees_the_finding_and_its_deduction_not_the_flags(
    cast: Cast, flag: Flag
) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS,
        points=4, flag_ids=[flag.pk],
    )  # fmt: skip
    home = client_for(cast.carol).get("/").content.decode()
    assert 'href="/integrity/supervision/"' in home
    page = client_for(cast.carol).get("/integrity/supervision/")
    assert page.status_code == 200
    html = page.content.decode()
    assert finding.ref in html and FACTS in html and "4.0" in html
    assert flag.summary not in html and RAW not in html and "/withdraw" not in html
    # nor may the secretary record one, nor withdraw it
    assert client_for(cast.carol).get("/integrity/supervision/new").status_code == 403
    withdraw = client_for(cast.carol).post(
        f"/integrity/supervision/{finding.pk}/withdraw", {"reason": "x"}
    )
    assert withdraw.status_code == 403


@pytest.mark.parametrize("who", ["dave", "gina"])
def test_another_township_and_a_grid_worker_see_nothing(cast: Cast, flag: Flag, who: str) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS, points=4
    )
    response = client_for(getattr(cast, who)).get("/integrity/supervision/")
    assert response.status_code in (200, 403)
    assert finding.ref not in response.content.decode()


def test_a_member_is_refused(cast: Cast, flag: Flag) -> None:
    assert client_for(cast.erin).get("/integrity/supervision/").status_code == 403


def test_the_township_withdraws_from_the_page(cast: Cast, flag: Flag) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS, points=4
    )
    response = client_for(cast.bob).post(
        f"/integrity/supervision/{finding.pk}/withdraw", {"reason": "已补签，撤回"}
    )
    assert response.status_code == 302
    assert SupervisionFinding.objects.get().status == "withdrawn"
    assert score(cast)[1] == Decimal("0.0")


def test_the_public_sees_the_deduction_with_its_category_not_the_flags(
    cast: Cast, flag: Flag
) -> None:
    finding = supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="faked", year=2026, facts=FACTS,
        points=4, flag_ids=[flag.pk],
    )  # fmt: skip
    html = client_for(cast.erin).get(f"/p/targets/{cast.county.code}/?year=2026").content.decode()
    assert "弄虚作假" in html and "-4.0" in html
    assert flag.summary not in html and RAW not in html and FACTS not in html
    client = client_for(cast.bob)
    client.post(f"/integrity/supervision/{finding.pk}/withdraw", {"reason": "复核不属实"})
    html = client_for(cast.erin).get(f"/p/targets/{cast.county.code}/?year=2026").content.decode()
    assert "弄虚作假" in html and "撤销" in html


def test_the_page_fits_a_phone(cast: Cast, flag: Flag) -> None:
    supervision_record(
        actor=act(cast.bob), branch=cast.branch_a1, kind="late", year=2026, facts=FACTS, points=4
    )
    for url in ("/integrity/supervision/", f"/integrity/supervision/new?flag={flag.pk}"):
        html = client_for(cast.bob).get(url).content.decode()
        assert 'name="viewport"' in html and "<table" not in html  # cards, no wide tables


# --- the API ----------------------------------------------------------------------------------


def test_the_api_records_lists_and_withdraws(cast: Cast, flag: Flag) -> None:
    bob = bearer(api_token("bob"))
    created = client_for(cast.bob).post(
        "/api/v1/integrity/supervision",
        json.dumps(
            {
                "org_id": cast.branch_a1.pk,
                "kind": "unpublished",
                "year": 2026,
                "facts": FACTS,
                "points": "2.5",
                "flag_ids": [flag.pk],
            }
        ),
        content_type=JSON,
        headers=bob,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "unpublished" and body["points"] == "2.5"
    assert body["flag_ids"] == [flag.pk] and body["status"] == "recorded"
    entry = TargetEntry.objects.get(pk=int(body["deduction_ref"]))
    assert entry.source == "unpublished" and entry.points == Decimal("-2.5")

    carol = bearer(api_token("carol"))
    listed = client_for(cast.carol).get("/api/v1/integrity/supervision", headers=carol).json()
    assert [f["ref"] for f in listed["items"]] == [body["ref"]]
    assert client_for(cast.carol).get("/api/v1/integrity/flags", headers=carol).status_code == 403

    url = f"/api/v1/integrity/supervision/{body['id']}/withdraw"
    refused = client_for(cast.carol).post(
        url, json.dumps({"reason": "x"}), content_type=JSON, headers=carol
    )
    assert refused.status_code == 403
    done = client_for(cast.bob).post(
        url, json.dumps({"reason": "已补公示"}), content_type=JSON, headers=bob
    )
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    again = client_for(cast.bob).post(
        url, json.dumps({"reason": "再撤"}), content_type=JSON, headers=bob
    )
    assert again.status_code == 400 and again.json()["code"] == "conflict"


def test_the_api_refuses_out_of_reach_and_bad_points(cast: Cast, flag: Flag) -> None:
    payload = {"org_id": cast.branch_a1.pk, "kind": "late", "year": 2026, "facts": FACTS}
    dave = client_for(cast.dave).post(
        "/api/v1/integrity/supervision",
        json.dumps(payload | {"points": "3"}),
        content_type=JSON,
        headers=bearer(api_token("dave")),
    )
    assert dave.status_code == 404  # another township's branch: not found
    bob = client_for(cast.bob).post(
        "/api/v1/integrity/supervision",
        json.dumps(payload | {"points": "25"}),
        content_type=JSON,
        headers=bearer(api_token("bob")),
    )
    assert bob.status_code == 400 and "0.5到20分" in bob.json()["detail"]
    assert not SupervisionFinding.objects.exists()
