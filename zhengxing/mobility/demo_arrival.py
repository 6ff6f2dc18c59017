"""The demo county's member received from outside the system and its amended agreement (issue
21): 周新, of a community Party committee in 成都市武侯区 (a county not in the system), arrives
at the county's first branch on the sending committee's letter of introduction (its number and
date kept) and joins the roster from that day; and the industrial park's agreement is amended
once before Q3 — a monthly contact added to the duties from 1 July — version 2 signed again by
both sides, the first kept, superseded. All through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs import idcard
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.roster import MemberData

from .models import Agreement, Arrival
from .services.agreements import agreement_amend
from .services.arrivals import arrival_record

ARRIVED = dt.date(2026, 8, 18)
AMENDED = dt.date(2026, 6, 15)
MONTHLY = "；自2026年7月起，流入地党组织每月向流出地党组织通报一次流动党员动态"


def _as(day: dt.date) -> Actor:
    moment = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())
    return Actor(user=None, label="示范数据", now=moment)


def demo_amend(agreement: Agreement) -> Agreement:
    """The agreement's second version: its duties with a monthly report added, from 1 July,
    signed again by both sides (the inflow side three days before it is recorded)."""
    return agreement_amend(
        actor=_as(AMENDED),
        agreement=agreement,
        duties=agreement.duties + MONTHLY,
        starts_on=dt.date(2026, 7, 1),
        outflow_signer=agreement.outflow_signer,
        inflow_signer=agreement.inflow_signer,
        inflow_signed_on=AMENDED - dt.timedelta(days=3),
    )


def demo_arrival(county: County) -> Arrival | None:
    """周新 received into the county's first branch (by path) on the letter of 成都市
    武侯区's community committee; none when the county has no branch."""
    branch = Org.objects.filter(county=county, kind="branch").order_by("path").first()
    if branch is None:
        return None
    born = dt.date(1991, 5, 12)
    data = MemberData(
        name="周新",
        gender="M",
        ethnicity="汉族",
        birth_date=born,
        id_card=idcard.make("510107", born, 317),  # 武侯区's code: not the demo roster's
        phone="13981234567",
        address=f"{branch.name}辖区",
        education="college",
        joined_on=dt.date(2015, 6, 28),
        full_on=dt.date(2016, 6, 28),
        standing="full",
        category="ordinary",
        post="",
        branch_code=branch.code,
        group_code="",
        status="active",
        mobile_whereabouts="",
        mobile_reason="",
    )
    return arrival_record(
        actor=_as(ARRIVED),
        county_id=county.pk,
        data=data,
        from_county="四川省成都市武侯区",
        from_org="中共成都市武侯区某街道某社区委员会",
        contact_name="刘书记",
        contact_phone="028-85551234",
        letter_no="武组转字〔2026〕第018号",
        letter_on=ARRIVED - dt.timedelta(days=6),
        arrived_on=ARRIVED,
    )
