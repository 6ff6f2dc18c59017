"""The demo county's mobile members (issue 21): the roster's mobile members each report where they
are with a code from their branch (spread over five cities, some twice, the first report kept),
two inflow organisations under co-management agreements with the county — a chamber of
commerce's mobile members' branch in 呼和浩特 and an industrial park's joint branch in 包头 — and
2026 Q3 reconciled with each: the first with its differences resolved, closed and signed, the
second with one difference still open, its agreement amended once (version 2, signed again);
one member received from a county outside the system on its letter (`demo_arrival.py`); then
one member lost and found, one moved to the neighbouring county (`demo_lost.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import County, Member, Org
from zhengxing.orgs.rules import MemberStatus

from .demo_arrival import demo_amend, demo_arrival
from .demo_lost import demo_lost_and_moved
from .models import Difference, Reconciliation
from .services import (
    agreement_sign,
    difference_resolve,
    inflow_org_create,
    reconciliation_close,
    reconciliation_open,
    registration_code_issue,
    whereabouts_report,
)
from .services.reconcile import our_list

CITIES = ("呼和浩特市", "包头市", "鄂尔多斯市", "北京市", "天津市")
EMPLOYERS = (
    "建筑工地（瓦工）",
    "物流公司（司机）",
    "餐饮店（厨师）",
    "电子厂（操作工）",
    "个体经营",
)
REASONS = ("work", "work", "business", "work", "study")
Q3 = Quarter(2026, 3)


@dataclass(frozen=True)
class DemoMobilityResult:
    reports: int
    reconciliations: int


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


def _report(member: Member, root: Org, day: dt.date, n: int) -> None:
    system = Actor(user=None, label="示范数据", now=_at(day - dt.timedelta(days=2)))
    code, _found = registration_code_issue(actor=system, member=member)
    whereabouts_report(
        actor=Actor(user=None, label="public", now=_at(day), anonymous=True),
        org=root,
        name=member.name,
        id_card=member.id_card,
        code=code,
        city=CITIES[n % len(CITIES)],
        address=f"{CITIES[n % len(CITIES)]}新城区{10 + n}号",
        employer=EMPLOYERS[n % len(EMPLOYERS)],
        phone=f"1390000{n:04d}",
        since=dt.date(2025, 3, 1) + dt.timedelta(days=7 * n % 300),
        expected_months=6 + n % 18,
        reason=REASONS[n % len(REASONS)],
    )


def demo_mobility(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoMobilityResult:
    """The mobile members' demo rows on the county's tree and roster (see the module)."""
    if progress:
        progress("流动党员：去向报备、共管协议、季度对账")
    root = Org.objects.get(county=county, parent=None)
    mobile = list(
        Member.objects.filter(county=county, status=MemberStatus.MOBILE)
        .select_related("branch")
        .order_by("pk")
    )
    reports = 0
    for n, member in enumerate(mobile):
        _report(member, root, dt.date(2026, 4, 10) + dt.timedelta(days=n % 20), n + seed % 3)
        reports += 1
        if n % 4 == 0:  # reported again in Q3, from another city: the first report kept
            _report(member, root, dt.date(2026, 8, 3) + dt.timedelta(days=n % 20), n + 1)
            reports += 1
    county_actor = Actor(user=None, label="示范数据", now=_at(dt.date(2026, 3, 1)))
    signed = []
    for name, kind, city, contact in (
        ("赤峰商会驻呼和浩特流动党员党支部", "chamber", "呼和浩特市", "王会长"),
        ("包头装备制造产业园联合党支部", "joint", "包头市", "刘书记"),
    ):
        inflow = inflow_org_create(
            actor=county_actor,
            county_id=county.pk,
            name=name,
            kind=kind,
            city=city,
            contact_name=contact,
            contact_phone="13800008888",
        )
        signed.append(
            agreement_sign(
                actor=county_actor,
                outflow=root,
                inflow=inflow,
                duties="流入地党组织负责日常教育管理和组织生活；流出地党组织负责组织关系、党费收缴和"
                "每季度联络，双方每季度对账一次",
                starts_on=dt.date(2026, 3, 1),
                outflow_signer="旗委组织部",
                inflow_signer=contact,
            )
        )
    signed[1] = demo_amend(signed[1])  # version 2, signed again, before Q3 is reconciled
    day = _at(dt.date(2026, 10, 15))
    recons: list[Reconciliation] = []
    for n, agreement in enumerate(signed):
        ours = list(our_list(agreement).select_related("member").order_by("member_id"))
        rows = [
            {
                "name": w.member.name,
                "id_card": w.member.id_card,
                "address": w.address,
                "employer": "另一家公司" if i == 1 else w.employer,
                "last_contact_on": dt.date(2026, 8, 20),
                "returned": i == 2,
            }
            for i, w in enumerate(ours)
            if i != 0  # the first is unknown to them
        ]
        recon = reconciliation_open(
            actor=Actor(user=None, label="示范数据", now=day + dt.timedelta(days=n)),
            agreement=agreement,
            quarter=Q3,
            rows=rows,
        )
        recons.append(recon)
    resolver = Actor(user=None, label="示范数据", now=_at(dt.date(2026, 10, 25)))
    for difference in Difference.objects.filter(reconciliation=recons[0]).order_by("pk"):
        difference_resolve(
            actor=resolver, difference=difference, outcome="已电话核实，双方台账已更正"
        )
    reconciliation_close(
        actor=resolver,
        reconciliation=recons[0],
        outflow_signer="旗委组织部",
        inflow_signer="王会长",
    )
    # the second quarter's differences resolved but one, still open
    for difference in Difference.objects.filter(reconciliation=recons[1]).order_by("pk")[1:]:
        difference_resolve(actor=resolver, difference=difference, outcome="已与流入地核实")
    demo_arrival(county)  # a member received from a county outside the system
    moved = demo_lost_and_moved(county)  # the member found reports where he is: one more report
    return DemoMobilityResult(reports=reports + moved.found, reconciliations=len(recons))
