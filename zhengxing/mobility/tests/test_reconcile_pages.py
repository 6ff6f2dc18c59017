"""The reconciliation's pages and API: the agreement page opens a quarter from the inflow side's
spreadsheet, the reconciliation page resolves each difference and closes once, the API does the
same through the same services. The cast: see conftest.py and test_reconcile.py."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengxing.mobility.models import Agreement, Difference, Reconciliation, ReconciliationClose
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, client_for

from .test_reconcile import agreement, line, reported

__all__ = ["agreement"]


def workbook(rows: list[dict[str, Any]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "公民身份号码", "地址", "工作单位", "最近联系日期", "是否返乡"])
    for r in rows:
        sheet.append(
            [
                r["name"],
                r["id_card"],
                r["address"],
                r["employer"],
                r["last_contact_on"],
                "是" if r["returned"] else "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("inflow.xlsx", out.getvalue())


def test_a_quarter_reconciled_from_the_inflow_sides_spreadsheet_and_closed(
    cast: Cast, mobile: Member, code: str, agreement: Agreement, on_30_june: None
) -> None:
    reported(cast, mobile, code)
    client = client_for(cast.carol)
    home = client.get(reverse("mobility:home")).content.decode()
    url = reverse("mobility:agreement", args=[agreement.pk])
    assert url in home
    response = client.post(
        url,
        {"year": 2026, "quarter": 2, "rows": workbook([line(mobile, employer="物流公司")])},
    )
    recon = Reconciliation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mobility:reconciliation", args=[recon.pk])
    page_url = response["Location"]
    assert "2026年第二季度" in client.get(url).content.decode()  # the quarter in words
    page = client.get(page_url).content.decode()
    assert "王甲" in page and "物流公司" in page
    (difference,) = Difference.objects.filter(reconciliation=recon)
    refused = client.post(page_url, {"op": "close", "outflow_signer": "张", "inflow_signer": "李"})
    assert "还有1处差异未核实" in refused.content.decode()
    client.post(page_url, {"op": "resolve", "difference": difference.pk, "outcome": "已换工作"})
    difference.refresh_from_db()
    assert difference.outcome == "已换工作" and difference.resolved_by == cast.carol
    client.post(page_url, {"op": "close", "outflow_signer": "张", "inflow_signer": "李"})
    assert ReconciliationClose.objects.get().outflow_signer == "张"
    assert "张" in client.get(page_url).content.decode()


def test_another_township_sees_no_agreement(cast: Cast, agreement: Agreement) -> None:
    client = client_for(cast.dave)
    assert client.get(reverse("mobility:agreement", args=[agreement.pk])).status_code == 404


def test_the_api_reconciles_resolves_and_closes_once(
    cast: Cast, mobile: Member, code: str, agreement: Agreement, on_30_june: None
) -> None:
    reported(cast, mobile, code)
    client = client_for(cast.carol)
    row = {**line(mobile), "last_contact_on": "2026-05-01"}
    opened = client.post(
        f"/api/v1/mobile/agreements/{agreement.pk}/reconciliations",
        {"year": 2026, "quarter": 2, "rows": [row, {**row, "name": "重复"}]},
        content_type="application/json",
    )
    assert opened.status_code == 400 and "出现了两次" in opened.json()["detail"]
    opened = client.post(
        f"/api/v1/mobile/agreements/{agreement.pk}/reconciliations",
        {"year": 2026, "quarter": 2, "rows": []},
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert [d["kind"] for d in body["differences"]] == ["unknown_there"]
    close = f"/api/v1/mobile/reconciliations/{body['id']}/close"
    signers = {"outflow_signer": "张", "inflow_signer": "李"}
    assert client.post(close, signers, content_type="application/json").status_code == 400
    resolved = client.post(
        f"/api/v1/mobile/differences/{body['differences'][0]['id']}/resolve",
        {"outcome": "流入地补登"},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json()["outcome"] == "流入地补登"
    closed = client.post(close, signers, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["closed"] is True
    again = client.post(close, signers, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "conflict"
    listed = client.get("/api/v1/mobile/agreements").json()["items"]
    assert [a["inflow"]["city"] for a in listed] == ["呼和浩特市"]


def test_the_api_registers_an_inflow_organisation_and_signs_an_agreement(cast: Cast) -> None:
    client = client_for(cast.bob)  # 甲镇's township committee
    inflow = client.post(
        "/api/v1/mobile/inflow-orgs",
        {
            "county_id": cast.county.pk,
            "name": "驻京办流动党员党支部",
            "kind": "office",
            "city": "北京市",
            "contact_name": "刘主任",
            "contact_phone": "13800003333",
        },
        content_type="application/json",
    )
    assert inflow.status_code == 201 and "contact_phone" not in inflow.json()
    signed = client.post(
        "/api/v1/mobile/agreements",
        {
            "outflow_id": cast.town_a.pk,
            "inflow_id": inflow.json()["id"],
            "duties": "流入地组织学习，流出地管理组织关系",
            "starts_on": "2026-01-01",
            "outflow_signer": "甲镇党委书记",
            "inflow_signer": "刘主任",
        },
        content_type="application/json",
    )
    assert signed.status_code == 201, signed.content
    # 乙镇 cannot sign for 甲镇
    other = client_for(cast.dave).post(
        "/api/v1/mobile/agreements",
        {**signed.json(), "outflow_id": cast.town_a.pk, "inflow_id": inflow.json()["id"]},
        content_type="application/json",
    )
    assert other.status_code == 404
