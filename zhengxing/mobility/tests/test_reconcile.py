"""“2”即“流入地、流出地按季度对账核查基础台账、共同建立流动党员档案分别归并” (article 002)

The outflow branch A1B (carol) and an inflow organisation in 呼和浩特 outside the system sign a
co-management agreement; each quarter the two sides' lists are reconciled in the database, every
difference resolved with its outcome and by whom, then the reconciliation is closed and signed
once. The cast: see conftest.py; 王甲 reported from 呼和浩特 on 30 June 2026 (Q2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.rules import Quarter
from zhengxing.mobility.models import Agreement, Difference, ReconciliationClose
from zhengxing.mobility.services import (
    agreement_sign,
    difference_resolve,
    inflow_org_create,
    reconciliation_close,
    reconciliation_open,
    reconciliation_open_many,
    whereabouts_report,
)
from zhengxing.orgs.models import Member
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, TODAY, Cast, add_member

from .conftest import NOW, as_, report_fields

Q2 = Quarter(2026, 2)


def signed(cast: Cast, name: str, city: str) -> Agreement:
    """A1B's co-management agreement, from 1 January 2026, with an inflow organisation in `city`."""
    inflow = inflow_org_create(
        actor=as_(cast.alice),
        county_id=cast.county.pk,
        name=name,
        kind="chamber",
        city=city,
        contact_name="李书记",
        contact_phone="13800001111",
    )
    return agreement_sign(
        actor=as_(cast.carol),
        outflow=cast.branch_a1,
        inflow=inflow,
        duties="流入地负责日常教育管理，流出地负责组织关系与党费",
        starts_on=dt.date(2026, 1, 1),
        outflow_signer="张书记",
        inflow_signer="李书记",
    )


@pytest.fixture
def agreement(cast: Cast) -> Agreement:
    return signed(cast, "赤峰商会驻呼和浩特流动党员党支部", "呼和浩特市")


def line(member: Member, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": member.name,
        "id_card": member.id_card,
        "address": "赛罕区大学东街100号",
        "employer": "建筑工地（瓦工）",
        "last_contact_on": dt.date(2026, 5, 1),
        "returned": False,
    }
    values.update(overrides)
    return values


def reported(cast: Cast, member: Member, code: str, **overrides: Any) -> None:
    whereabouts_report(actor=as_(None), org=cast.root, **report_fields(member, code, **overrides))


def kinds(recon: Any) -> set[tuple[str, str]]:
    return set(Difference.objects.filter(reconciliation=recon).values_list("kind", "name"))


def test_an_inflow_organisation_is_a_party_with_a_contact(cast: Cast) -> None:
    fields: dict[str, Any] = {
        "county_id": cast.county.pk,
        "name": "某工业园区联合党支部",
        "kind": "joint",
        "city": "包头市",
        "contact_name": "王主任",
        "contact_phone": "13800002222",
    }
    found = inflow_org_create(actor=as_(cast.alice), **fields)
    assert found.contact_phone_enc and "13800002222" not in found.contact_phone_enc
    with pytest.raises(ServiceError, match="已经登记"):
        inflow_org_create(actor=as_(cast.alice), **fields)


def test_the_lists_agree_and_the_quarter_closes(
    cast: Cast, mobile: Member, code: str, agreement: Agreement
) -> None:
    reported(cast, mobile, code)
    recon = reconciliation_open(
        actor=as_(cast.carol), agreement=agreement, quarter=Q2, rows=[line(mobile)]
    )
    assert kinds(recon) == set()
    close = reconciliation_close(
        actor=as_(cast.carol), reconciliation=recon, outflow_signer="张书记", inflow_signer="李书记"
    )
    assert close.closed_at == NOW
    with pytest.raises(ServiceError, match="已签字关闭") as refused:
        reconciliation_close(
            actor=as_(cast.carol),
            reconciliation=recon,
            outflow_signer="张书记",
            inflow_signer="李书记",
        )
    assert refused.value.code == "conflict"
    assert ReconciliationClose.objects.count() == 1


def test_each_kind_of_difference_is_found(
    cast: Cast, mobile: Member, code: str, agreement: Agreement
) -> None:
    from zhengxing.mobility.services import registration_code_issue

    reported(cast, mobile, code)  # 王甲: their list has another employer
    silent = add_member(cast.county, "A1B", name="孙默")
    member_set_status(actor=SYSTEM, member=silent, status="mobile", on=TODAY)
    early = NOW - dt.timedelta(days=120)  # reported in Q1, never since: not heard from in Q2
    old, _ = registration_code_issue(actor=as_(cast.carol, early), member=silent)
    whereabouts_report(actor=as_(None, early), org=cast.root, **report_fields(silent, old))
    home = add_member(cast.county, "A1B", name="周归")
    member_set_status(actor=SYSTEM, member=home, status="mobile", on=TODAY)
    c3, _ = registration_code_issue(actor=as_(cast.carol), member=home)
    reported(cast, home, c3)
    stranger = add_member(cast.county, "B1B", name="吴外")  # not A1B's: unknown here

    recon = reconciliation_open(
        actor=as_(cast.carol),
        agreement=agreement,
        quarter=Q2,
        rows=[
            line(mobile, employer="物流公司"),
            line(home, returned=True),
            line(stranger),
        ],
    )
    assert kinds(recon) == {
        ("address", "王甲"),
        ("unknown_there", "孙默"),
        ("not_heard", "孙默"),
        ("returned", "周归"),
        ("unknown_here", "吴外"),
    }
    event = AuditEvent.objects.get(action="mobility.reconciliation.open")
    assert event.after == {"rows": 3, "differences": 5}


def test_closing_is_refused_while_a_difference_is_unresolved(
    cast: Cast, mobile: Member, code: str, agreement: Agreement
) -> None:
    reported(cast, mobile, code)
    recon = reconciliation_open(actor=as_(cast.carol), agreement=agreement, quarter=Q2, rows=[])
    (difference,) = Difference.objects.filter(reconciliation=recon)
    with pytest.raises(ServiceError, match="还有1处差异未核实"):
        reconciliation_close(
            actor=as_(cast.carol), reconciliation=recon, outflow_signer="张", inflow_signer="李"
        )
    assert not ReconciliationClose.objects.exists()
    with pytest.raises(ServiceError, match="请填写核实结果"):
        difference_resolve(actor=as_(cast.carol), difference=difference, outcome=" ")
    done = difference_resolve(
        actor=as_(cast.cathy), difference=difference, outcome="已电话联系流入地，补报名单"
    )
    assert done.resolved_by == cast.cathy and done.resolved_at == NOW
    reconciliation_close(
        actor=as_(cast.carol), reconciliation=recon, outflow_signer="张", inflow_signer="李"
    )
    with pytest.raises(ServiceError, match="已签字关闭"):
        difference_resolve(actor=as_(cast.carol), difference=difference, outcome="改")


def test_bad_lists_and_other_townships_are_refused(
    cast: Cast, mobile: Member, agreement: Agreement
) -> None:
    with pytest.raises(ServiceError, match="第1行：公民身份号码"):
        reconciliation_open(
            actor=as_(cast.carol),
            agreement=agreement,
            quarter=Q2,
            rows=[line(mobile, id_card="123")],
        )
    with pytest.raises(ServiceError, match="出现了两次"):
        reconciliation_open(
            actor=as_(cast.carol), agreement=agreement, quarter=Q2, rows=[line(mobile)] * 2
        )
    with pytest.raises(PermissionDenied):
        reconciliation_open(actor=as_(cast.dave), agreement=agreement, quarter=Q2, rows=[])
    with pytest.raises(ServiceError, match="尚未开始"):
        reconciliation_open(
            actor=as_(cast.carol), agreement=agreement, quarter=Quarter(2026, 3), rows=[]
        )
    assert not agreement.reconciliations.exists()
    reconciliation_open(actor=as_(cast.carol), agreement=agreement, quarter=Q2, rows=[])
    with pytest.raises(ServiceError, match="对账已经开始"):
        reconciliation_open(actor=as_(cast.carol), agreement=agreement, quarter=Q2, rows=[])


def test_a_county_quarter_at_once_finds_what_each_agreement_finds_alone(
    cast: Cast, mobile: Member, code: str, agreement: Agreement
) -> None:
    """“流入地、流出地按季度对账核查基础台账” (article 002): the county's quarter reconciled in one
    batch (`reconciliation_open_many`) gives each agreement the differences it has alone."""
    from django.db import transaction

    from zhengxing.mobility.services import registration_code_issue

    reported(cast, mobile, code)  # 王甲 in 呼和浩特: another employer on their list
    away = add_member(cast.county, "A1B", name="赵远")
    member_set_status(actor=SYSTEM, member=away, status="mobile", on=TODAY)
    c2, _ = registration_code_issue(actor=as_(cast.carol), member=away)
    reported(cast, away, c2, city="包头市")  # in 包头, missing from that list
    home = add_member(cast.county, "A1B", name="周归")
    member_set_status(actor=SYSTEM, member=home, status="mobile", on=TODAY)
    c3, _ = registration_code_issue(actor=as_(cast.carol), member=home)
    reported(cast, home, c3, city="包头市")
    stranger = add_member(cast.county, "B1B", name="吴外")
    baotou = signed(cast, "某工业园区联合党支部", "包头市")
    lists = [
        (agreement, [line(mobile, employer="物流公司"), line(stranger)]),
        (baotou, [line(home, returned=True)]),
    ]

    class Undo(Exception):
        pass

    alone = []
    with pytest.raises(Undo), transaction.atomic():
        for a, rows in lists:
            alone.append(
                kinds(
                    reconciliation_open(actor=as_(cast.carol), agreement=a, quarter=Q2, rows=rows)
                )
            )
        raise Undo
    together = reconciliation_open_many(actor=as_(cast.carol), quarter=Q2, lists=lists)
    assert [kinds(r) for r in together] == alone
    assert alone == [
        {("address", "王甲"), ("unknown_here", "吴外")},
        {("unknown_there", "赵远"), ("returned", "周归")},
    ]
    assert [r.agreement_id for r in together] == [agreement.pk, baotou.pk]
    events = AuditEvent.objects.filter(action="mobility.reconciliation.open").order_by("pk")
    assert [e.after for e in events] == [
        {"rows": 2, "differences": 2},
        {"rows": 1, "differences": 2},
    ]
    with pytest.raises(ServiceError, match="对账已经开始"):
        reconciliation_open_many(actor=as_(cast.carol), quarter=Q2, lists=lists[1:])
    with pytest.raises(PermissionDenied):
        reconciliation_open_many(actor=as_(cast.dave), quarter=Quarter(2026, 1), lists=lists)
