"""/api/v1/mobile: the public's report (no login), the scope's mobile members, a member's
reports and a code issued — the same services as the pages. The cast: see conftest.py."""

from __future__ import annotations

from django.test import Client

from zhengxing.mobility.models import Whereabouts
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, client_for

from .test_pages import form_data


def test_the_public_reports_through_the_api_and_bad_input_is_chinese(
    cast: Cast, mobile: Member, code: str, on_30_june: None
) -> None:
    body = {"org": cast.root.public_ref, **form_data(mobile, code)}
    response = Client().post("/api/v1/mobile/reports", body, content_type="application/json")
    assert response.status_code == 201, response.content
    again = Client().post("/api/v1/mobile/reports", body, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "conflict"
    assert "已经使用过" in again.json()["detail"]
    assert mobile.id_card not in again.content.decode()
    assert Whereabouts.objects.count() == 1


def test_the_secretary_issues_a_code_and_reads_the_reports(
    cast: Cast, mobile: Member, on_30_june: None
) -> None:
    client = client_for(cast.carol)
    issued = client.post(f"/api/v1/mobile/members/{mobile.pk}/codes")
    assert issued.status_code == 201
    code = issued.json()["code"]
    body = {"org": cast.branch_a1.public_ref, **form_data(mobile, code)}
    assert (
        Client().post("/api/v1/mobile/reports", body, content_type="application/json").status_code
        == 201
    )
    listed = client.get("/api/v1/mobile/members").json()
    assert [(m["name"], m["city"]) for m in listed["items"]] == [("王甲", "呼和浩特市")]
    (report,) = client.get(f"/api/v1/mobile/members/{mobile.pk}/reports").json()
    assert report["phone"] == "139******78" and report["reason"] == "work"


def test_outside_the_scope_a_404(cast: Cast, mobile: Member) -> None:
    client = client_for(cast.dave)
    assert client.post(f"/api/v1/mobile/members/{mobile.pk}/codes").status_code == 404
    assert client.get("/api/v1/mobile/members").json()["items"] == []
