"""流出地党组织与流入地党组织签署共管协议 (article 002): who does what, from when, signed by both.

A1B's agreement with the chamber in 呼和浩特 (signed by carol on 30 June, in force from
1 January) changes: a signed agreement is never edited in place — the change is a new version
both sides sign again, the first kept as signed with the quarter reconciled under it, and new
reconciliations open under the version in force only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.rules import Quarter
from zhengxing.mobility.models import Agreement
from zhengxing.mobility.services import reconciliation_open
from zhengxing.mobility.services.agreements import agreement_amend
from zhengxing.testing import Cast, client_for

from .conftest import as_
from .test_reconcile import signed

pytestmark = pytest.mark.django_db

NEW_DUTIES = "流入地负责日常教育管理和季度联络，流出地负责组织关系与党费"


@pytest.fixture
def agreement(cast: Cast) -> Agreement:
    return signed(cast, "赤峰商会驻呼和浩特流动党员党支部", "呼和浩特市")


def amend(cast: Cast, agreement: Agreement, **overrides: Any) -> Agreement:
    values: dict[str, Any] = {
        "duties": NEW_DUTIES,
        "starts_on": dt.date(2026, 7, 1),
        "outflow_signer": "张书记",
        "inflow_signer": "王会长",
        "inflow_signed_on": dt.date(2026, 6, 30),
    }
    values.update(overrides)
    return agreement_amend(actor=as_(cast.carol), agreement=agreement, **values)


def test_a_change_is_a_new_version_signed_again_the_first_kept(
    cast: Cast, agreement: Agreement
) -> None:
    """The new version carries the new terms and both new signatures; the first stays as both
    sides signed it, marked superseded; the audit row holds the terms before and after."""
    reconciliation_open(
        actor=as_(cast.carol), agreement=agreement, quarter=Quarter(2026, 2), rows=[]
    )
    second = amend(cast, agreement)
    assert (second.version, second.supersedes_id, second.duties) == (2, agreement.pk, NEW_DUTIES)
    assert (second.inflow_signer, second.inflow_signed_on) == ("王会长", dt.date(2026, 6, 30))
    first = Agreement.objects.get(pk=agreement.pk)
    assert first.duties == "流入地负责日常教育管理，流出地负责组织关系与党费"
    assert first.inflow_signer == "李书记" and first.superseded_at is not None
    assert first.reconciliations.count() == 1
    event = AuditEvent.objects.get(action="mobility.agreement.amend")
    assert event.before is not None and event.after is not None
    assert event.before["duties"] == first.duties and event.before["version"] == 1
    assert event.after["duties"] == NEW_DUTIES and event.after["starts_on"] == "2026-07-01"


def test_a_superseded_version_is_neither_changed_nor_reconciled(
    cast: Cast, agreement: Agreement
) -> None:
    """Two edits racing on the same version: the second finds it superseded; and a quarter
    is reconciled under the version in force."""
    amend(cast, agreement)
    with pytest.raises(ServiceError, match="已有新版本（第2版）"):
        amend(cast, agreement, duties="另一种改法")
    with pytest.raises(ServiceError, match="已被新版本取代"):
        reconciliation_open(
            actor=as_(cast.carol), agreement=agreement, quarter=Quarter(2026, 2), rows=[]
        )
    assert Agreement.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duties": "流入地负责日常教育管理，流出地负责组织关系与党费",
          "starts_on": dt.date(2026, 1, 1)}, "都没有变化"),
        ({"inflow_signer": " "}, "请填写流入地签字人"),
        ({"outflow_signer": ""}, "请填写流出地签字人"),
        ({"inflow_signed_on": dt.date(2026, 7, 1)}, "不能晚于今天"),
        ({"inflow_signed_on": dt.date(2026, 6, 29)}, "不能早于原协议"),
    ],
)  # fmt: skip
def test_bad_changes_are_refused_in_chinese_nothing_written(
    cast: Cast, agreement: Agreement, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        amend(cast, agreement, **overrides)
    assert Agreement.objects.get().superseded_at is None
    assert not AuditEvent.objects.filter(action="mobility.agreement.amend").exists()


def test_only_the_outflow_side_changes_it(cast: Cast, agreement: Agreement) -> None:
    """dave (the other township) may not."""
    with pytest.raises(PermissionDenied):
        agreement_amend(
            actor=as_(cast.dave), agreement=agreement, duties="改", starts_on=dt.date(2026, 7, 1),
            outflow_signer="甲", inflow_signer="乙", inflow_signed_on=dt.date(2026, 6, 30),
        )  # fmt: skip


@pytest.mark.usefixtures("on_30_june")
def test_the_edit_page_signs_a_new_version(cast: Cast, agreement: Agreement) -> None:
    """carol opens the agreement, follows its edit link, and signs the new version; the first
    version's page then points to it and offers no reconciliation."""
    carol = client_for(cast.carol)
    page = carol.get(reverse("mobility:agreement", args=[agreement.pk])).content.decode()
    edit = reverse("mobility:agreement_edit", args=[agreement.pk])
    assert edit in page
    assert carol.get(edit).status_code == 200
    response = carol.post(
        edit,
        {"duties": NEW_DUTIES, "starts_on": "2026-07-01", "outflow_signer": "张书记",
         "inflow_signer": "王会长", "inflow_signed_on": "2026-06-30"},
    )  # fmt: skip
    second = Agreement.objects.get(version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("mobility:agreement", args=[second.pk])
    old = carol.get(reverse("mobility:agreement", args=[agreement.pk])).content.decode()
    assert reverse("mobility:agreement", args=[second.pk]) in old
    assert edit not in old and 'enctype="multipart/form-data"' not in old
    refused = carol.post(
        reverse("mobility:agreement_edit", args=[second.pk]),
        {"duties": NEW_DUTIES, "starts_on": "2026-07-01", "outflow_signer": "张书记",
         "inflow_signer": "", "inflow_signed_on": "2026-06-30"},
    )  # fmt: skip
    assert refused.status_code == 200 and Agreement.objects.count() == 2
    assert client_for(cast.cathy).get(edit).status_code == 200  # committee manages too
    assert client_for(cast.dave).get(edit).status_code == 404


def test_put_and_patch_make_new_versions(
    cast: Cast, agreement: Agreement, api_clock: list[dt.datetime]
) -> None:
    """PUT gives every term; PATCH keeps the terms left out; both ask for the signatures."""
    carol = client_for(cast.carol)
    signatures = {"outflow_signer": "张书记", "inflow_signer": "王会长",
                  "inflow_signed_on": "2026-06-30"}  # fmt: skip
    put = carol.put(
        f"/api/v1/mobile/agreements/{agreement.pk}",
        {"duties": NEW_DUTIES, "starts_on": "2026-07-01", **signatures},
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    assert (put.json()["version"], put.json()["supersedes_id"]) == (2, agreement.pk)
    patch = carol.patch(
        f"/api/v1/mobile/agreements/{put.json()['id']}",
        {"starts_on": "2026-08-01", **signatures},
        content_type="application/json",
    )
    assert patch.status_code == 200, patch.content
    assert (patch.json()["version"], patch.json()["duties"]) == (3, NEW_DUTIES)
    again = carol.patch(
        f"/api/v1/mobile/agreements/{agreement.pk}",
        {"duties": "再改", **signatures},
        content_type="application/json",
    )
    assert again.status_code == 400 and "新版本" in again.json()["detail"]
    unsigned = carol.patch(
        f"/api/v1/mobile/agreements/{patch.json()['id']}",
        {"duties": "再改"},
        content_type="application/json",
    )
    assert unsigned.status_code == 422
    assert client_for(cast.dave).put(
        f"/api/v1/mobile/agreements/{agreement.pk}",
        {"duties": "改", "starts_on": "2026-07-01", **signatures},
        content_type="application/json",
    ).status_code == 404  # fmt: skip
