"""结对帮带、密切联络，流入地和流出地基层党组织班子成员采取“一对一”“一对多”的方式与流动党员结对，
每季度开展一次电话随访、视频约访、上门走访，流出地基层党委每半年专门听取一次联络情况汇报
(article 002)

cathy (A1B's committee) is paired with 王甲 (gone to 呼和浩特) and with a second mobile member of
A1B: one-to-many. carol, the secretary, sets the pairings up; dave (township B) sits on no
committee over A1B. An inflow organisation in the tree (a chamber's mobile members' branch, its
committee member ivan) pairs on the inflow side under its agreement with A1B.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.rules import Quarter
from zhengxing.mobility.duty import Half, Standing, standing
from zhengxing.mobility.models import Contact, ContactReport, Pairing
from zhengxing.mobility.pairings import duty_rows, overdue_rows, report_on_contacts
from zhengxing.mobility.services import (
    agreement_sign,
    contact_log,
    contact_report_sign,
    inflow_org_create,
    pairing_create,
    pairing_end,
)
from zhengxing.orgs.models import Member
from zhengxing.orgs.services import member_set_status, org_create, role_grant
from zhengxing.testing import PASSWORD, SYSTEM, TODAY, Cast, add_member

from .conftest import NOW, as_

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)
APRIL = dt.date(2026, 4, 1)
JULY_1 = NOW + dt.timedelta(days=1)


def pair(cast: Cast, member: Member, pairer: User | None = None) -> Pairing:
    return pairing_create(
        actor=as_(cast.carol),
        member=member,
        pairer=pairer or cast.cathy,
        side="outflow",
        since=APRIL,
    )


@pytest.fixture
def second(cast: Cast) -> Member:
    """孙丙, another of A1B's mobile members."""
    found = add_member(cast.county, "A1B", name="孙丙")
    return member_set_status(actor=SYSTEM, member=found, status="mobile", on=TODAY)


def test_a_committee_member_is_paired_with_several_mobile_members(
    cast: Cast, mobile: Member, second: Member
) -> None:
    """“一对一”“一对多”: cathy takes both of A1B's mobile members; each pairing audited."""
    pair(cast, mobile)
    pair(cast, second)
    assert set(
        Pairing.objects.filter(pairer=cast.cathy).values_list("member__name", flat=True)
    ) == {
        "王甲",
        "孙丙",
    }
    assert AuditEvent.objects.filter(action="mobility.pairing.create").count() == 2


def test_a_pairer_from_no_committee_over_the_member_is_refused(cast: Cast, mobile: Member) -> None:
    """班子成员: dave sits on township B's committee, not over A1B: refused, nothing written."""
    with pytest.raises(ServiceError, match="不是“王甲”流出地党组织的班子成员"):
        pair(cast, mobile, cast.dave)
    assert not Pairing.objects.exists()


def test_only_mobile_members_are_paired_and_only_once(cast: Cast, mobile: Member) -> None:
    """与流动党员结对: 赵乙 is not mobile; and cathy is paired with 王甲 once at a time."""
    with pytest.raises(PermissionDenied):  # carol's scope does not reach B1B
        pair(cast, cast.member_b1)
    with pytest.raises(ServiceError, match="不是流动党员"):
        pairing_create(
            actor=as_(cast.alice),
            member=cast.erin_member,
            pairer=cast.cathy,
            side="outflow",
            since=APRIL,
        )
    pair(cast, mobile)
    with pytest.raises(ServiceError, match="已与“王甲”结对") as refused:
        pair(cast, mobile)
    assert refused.value.code == "duplicate"
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            county=cast.county,
            member=mobile,
            pairer=cast.cathy,
            pairer_name="x",
            side="outflow",
            org=cast.branch_a1,
            since=APRIL,
            created_at=NOW,
        )


def test_the_inflow_side_pairs_under_an_agreement(cast: Cast, mobile: Member) -> None:
    """流入地和流出地基层党组织班子成员 … 结对: ivan of the chamber's mobile members' branch (in the
    tree) is paired once A1B has an agreement with it; an inflow organisation outside the system
    has no login to pair."""
    branch = org_create(
        actor=SYSTEM, parent=cast.root, code="M1", name="驻呼商会流动党员党支部", kind="mobile"
    )
    ivan = User.objects.create_user(username="ivan", password=PASSWORD)
    role_grant(actor=SYSTEM, user=ivan, org=branch, role="secretary")
    inflow = inflow_org_create(
        actor=as_(cast.alice),
        county_id=cast.county.pk,
        name="驻呼商会流动党员党支部",
        kind="chamber",
        city="呼和浩特市",
        contact_name="王会长",
        contact_phone="13800001111",
        org=branch,
    )
    outside = inflow_org_create(
        actor=as_(cast.alice),
        county_id=cast.county.pk,
        name="外省某园区联合党支部",
        kind="joint",
        city="天津市",
        contact_name="刘书记",
        contact_phone="13800002222",
    )
    args: dict[str, Any] = {"member": mobile, "pairer": ivan, "side": "inflow", "since": APRIL}
    with pytest.raises(ServiceError, match="尚未签订共管协议"):
        pairing_create(actor=as_(cast.carol), inflow=inflow, **args)
    with pytest.raises(ServiceError, match="不在系统中"):
        pairing_create(actor=as_(cast.carol), inflow=outside, **args)
    agreement_sign(
        actor=as_(cast.carol),
        outflow=cast.branch_a1,
        inflow=inflow,
        duties="共管",
        starts_on=dt.date(2026, 1, 1),
        outflow_signer="张",
        inflow_signer="王",
    )
    found = pairing_create(actor=as_(ivan), inflow=inflow, **args)
    assert (found.side, found.org_id) == ("inflow", branch.pk)
    contact_log(
        actor=as_(ivan), member=mobile, way="visit", on=TODAY, said="上门走访，了解务工情况"
    )
    assert Contact.objects.get().pairing == found


def test_a_contact_is_logged_by_the_pairer(cast: Cast, mobile: Member) -> None:
    """每季度开展一次电话随访、视频约访、上门走访: how, the day, what was said; audited."""
    found = pair(cast, mobile)
    contact = contact_log(
        actor=as_(cast.cathy),
        member=mobile,
        way="phone",
        on=dt.date(2026, 5, 8),
        said="电话随访：在工地务工，身体很好，按时交纳党费",
    )
    assert (contact.pairing, contact.way, contact.member) == (found, "phone", mobile)
    assert AuditEvent.objects.filter(action="mobility.contact.log", object_id=mobile.pk).exists()


@pytest.mark.parametrize(
    ("who", "way", "on", "said", "message"),
    [
        ("carol", "phone", dt.date(2026, 5, 8), "电话", "您未与“王甲”结对"),
        ("dave", "phone", dt.date(2026, 5, 8), "电话", "您未与“王甲”结对"),
        ("cathy", "letter", dt.date(2026, 5, 8), "电话", "请选择联络方式"),
        ("cathy", "phone", dt.date(2026, 7, 8), "电话", "不能晚于今天"),
        ("cathy", "phone", dt.date(2026, 3, 8), "电话", "早于结对日期"),
        ("cathy", "video", dt.date(2026, 5, 8), "  ", "请填写联络内容"),
    ],
)
def test_a_contact_outside_the_loggers_pairing_is_refused(
    cast: Cast, mobile: Member, who: str, way: str, on: dt.date, said: str, message: str
) -> None:
    """A contact logged for a member not in the logger's pairing (carol set it up, cathy is the
    pairer), or with a bad way, day or text: refused in Chinese, nothing written."""
    pair(cast, mobile)
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match=message):
        contact_log(actor=as_(getattr(cast, who)), member=mobile, way=way, on=on, said=said)
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_ended_pairing_takes_no_more_contacts(cast: Cast, mobile: Member) -> None:
    found = pair(cast, mobile)
    pairing_end(actor=as_(cast.carol), pairing=found, on=TODAY)
    with pytest.raises(ServiceError, match="您未与“王甲”结对"):
        contact_log(actor=as_(cast.cathy), member=mobile, way="phone", on=TODAY, said="电话")
    with pytest.raises(ServiceError, match="已经结束"):
        pairing_end(actor=as_(cast.carol), pairing=found, on=TODAY)


@pytest.mark.parametrize(
    ("contacts", "today", "expected"),
    [
        (1, dt.date(2026, 5, 1), Standing.DONE),
        (0, dt.date(2026, 5, 1), Standing.DUE),
        (0, dt.date(2026, 6, 30), Standing.DUE),
        (0, dt.date(2026, 7, 1), Standing.OVERDUE),
        (2, dt.date(2026, 9, 1), Standing.DONE),
    ],
)
def test_the_quarterly_duty(contacts: int, today: dt.date, expected: Standing) -> None:
    """每季度开展一次: at least one contact a quarter; none, overdue once the quarter has ended."""
    assert standing(contacts_in_quarter=contacts, quarter=Q2, today=today) == expected


def test_who_is_overdue_is_listed_for_the_branch_and_the_township(
    cast: Cast, mobile: Member, second: Member
) -> None:
    """王甲 was called in Q2, 孙丙 not: on 30 June 孙丙 is due, from 1 July overdue — on A1B's list
    and on township A's, and on no list of township B."""
    pair(cast, mobile)
    pair(cast, second)
    contact_log(
        actor=as_(cast.cathy), member=mobile, way="video", on=dt.date(2026, 6, 2), said="视频"
    )
    rows = duty_rows(org=cast.branch_a1, quarter=Q2, today=TODAY)
    assert [(r.member, r.standing) for r in rows] == [("孙丙", "due"), ("王甲", "done")]
    for org in (cast.branch_a1, cast.town_a):
        late = overdue_rows(org=org, quarter=Q2, today=JULY_1.date())
        assert [(r.member, r.standing, r.pairer) for r in late] == [("孙丙", "overdue", "cathy")]
    assert overdue_rows(org=cast.town_b, quarter=Q2, today=JULY_1.date()) == []


def test_the_half_years_report_is_generated_from_the_log(
    cast: Cast, mobile: Member, second: Member
) -> None:
    """流出地基层党委每半年专门听取一次联络情况汇报: each pairing's contacts per quarter, the last
    one, the quarters missed (孙丙, paired in April, missed Q2; Q1 it did not run)."""
    pair(cast, mobile)
    pair(cast, second)
    contact_log(
        actor=as_(cast.cathy), member=mobile, way="video", on=dt.date(2026, 6, 2), said="视频"
    )
    contact_log(
        actor=as_(cast.cathy), member=mobile, way="phone", on=dt.date(2026, 6, 9), said="电话"
    )
    report = report_on_contacts(org=cast.town_a, half=Half(2026, 1), today=JULY_1.date())
    by_name = {line.member: line for line in report.lines}
    assert (by_name["王甲"].second_quarter, by_name["王甲"].last_on) == (2, dt.date(2026, 6, 9))
    assert by_name["孙丙"].overdue_quarters == 1
    assert (report.members, report.contacts, report.overdue) == (2, 2, 1)
    assert report.ways == {"video": 1, "phone": 1}


def test_the_report_is_signed_once_after_the_half_year(cast: Cast, mobile: Member) -> None:
    """每半年 … 联络情况汇报, signed once: not before the half-year ends; a second signature is
    refused, and the database holds one per organisation and half-year whatever races."""
    pair(cast, mobile)
    h1 = Half(2026, 1)
    with pytest.raises(ServiceError, match="尚未结束"):
        contact_report_sign(actor=as_(cast.bob), org=cast.town_a, half=h1, signer_name="周书记")
    with pytest.raises(PermissionDenied):
        contact_report_sign(actor=as_(cast.dave, JULY_1), org=cast.town_a, half=h1, signer_name="x")
    found = contact_report_sign(
        actor=as_(cast.bob, JULY_1),
        org=cast.town_a,
        half=h1,
        signer_name="周书记",
        remarks="联络总体到位，孙丙须加强",
    )
    assert (found.pairings, found.overdue, found.lines[0]["member"]) == (1, 1, "王甲")
    assert AuditEvent.objects.filter(action="mobility.contact_report.sign").count() == 1
    with pytest.raises(ServiceError, match="已经签署") as again:
        contact_report_sign(
            actor=as_(cast.bob, JULY_1), org=cast.town_a, half=h1, signer_name="周书记"
        )
    assert again.value.code == "conflict"
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactReport.objects.create(
            county=cast.county,
            org=cast.town_a,
            year=2026,
            half=1,
            pairings=0,
            members=0,
            contacts=0,
            overdue=0,
            signer_name="x",
            signed_at=NOW,
        )


def test_today_is_the_counties_day_not_the_servers(cast: Cast, mobile: Member) -> None:
    """At 01:30 in Beijing (17:30 UTC the day before) a pairing and a contact of that Beijing
    day are today's, not the future's: the services read the day in the site's time zone."""
    from zhengxing.core.actor import Actor

    night = dt.datetime(2026, 5, 7, 17, 30, tzinfo=dt.UTC)  # 8 May, 01:30 in Beijing
    may_8 = dt.date(2026, 5, 8)
    found = pairing_create(
        actor=Actor(user=cast.carol, label="carol", now=night),
        member=mobile,
        pairer=cast.cathy,
        side="outflow",
        since=may_8,
    )
    contact = contact_log(
        actor=Actor(user=cast.cathy, label="cathy", now=night),
        member=mobile,
        way="phone",
        on=may_8,
        said="电话随访：凌晨下班后通话",
    )
    assert (found.since, contact.on) == (may_8, may_8)
    with pytest.raises(ServiceError, match="不能晚于今天"):
        pairing_create(
            actor=Actor(user=cast.carol, label="carol", now=night),
            member=mobile,
            pairer=cast.carol,
            side="outflow",
            since=dt.date(2026, 5, 9),
        )
