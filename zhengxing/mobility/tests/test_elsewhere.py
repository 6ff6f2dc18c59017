"""One membership, organisation life in several places (一方隶属、参加多重组织生活, article 002):
王甲 (member_a1, mobile, of A1B) takes part in the organisation life of the chamber of
commerce's mobile members' branch in 呼和浩特, under a co-management agreement with the county;
it counts for A1B's members' meeting of the same month (30 June 2026), its record and points
(the county's 100-point year: attending 三会一课 +2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.mobility.models import Agreement, ElsewhereAttendance, InflowOrg
from zhengxing.mobility.services import agreement_sign, inflow_org_create
from zhengxing.mobility.services.elsewhere import (
    elsewhere_attend_at_inflow,
    elsewhere_attend_from_list,
)
from zhengxing.orglife import services as life
from zhengxing.orglife.models import Meeting, SignIn
from zhengxing.orglife.tests.conftest import hundred, plan
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.services import member_set_status, org_create, role_grant
from zhengxing.testing import PASSWORD, SYSTEM, Cast

from .conftest import NOW, as_

pytestmark = pytest.mark.django_db
__all__ = ["hundred"]
THERE = dt.date(2026, 6, 20)


@pytest.fixture
def mobile(cast: Cast) -> Member:
    return member_set_status(
        actor=SYSTEM, member=cast.member_a1, status="mobile", on=dt.date(2026, 3, 1)
    )


@pytest.fixture
def chamber(cast: Cast) -> Org:
    """The chamber of commerce's mobile members' branch, in the county's tree."""
    return org_create(
        actor=SYSTEM, parent=cast.root, code="M1", name="驻呼和浩特流动党员党支部", kind="mobile"
    )


@pytest.fixture
def inflow(cast: Cast, chamber: Org) -> InflowOrg:
    return inflow_org_create(
        actor=as_(cast.alice),
        county_id=cast.county.pk,
        name=chamber.name,
        kind="chamber",
        city="呼和浩特市",
        contact_name="王会长",
        contact_phone="13800008888",
        org=chamber,
    )


@pytest.fixture
def agreement(cast: Cast, inflow: InflowOrg) -> Agreement:
    return agreement_sign(
        actor=as_(cast.alice),
        outflow=cast.root,
        inflow=inflow,
        duties="流入地负责日常组织生活",
        starts_on=dt.date(2026, 3, 1),
        outflow_signer="旗委组织部",
        inflow_signer="王会长",
    )


@pytest.fixture
def own(cast: Cast, mobile: Member, hundred: RuleCatalogue) -> Meeting:
    """A1B's members' meeting on 30 June, 王甲 on its roll."""
    return plan(cast)


@pytest.fixture
def hank(chamber: Org) -> User:
    user = User.objects.create_user(username="hank", password=PASSWORD)
    role_grant(actor=SYSTEM, user=user, org=chamber, role="secretary")
    return user


def _points(meeting: Meeting) -> dict[str, Decimal]:
    return dict(
        LedgerEntry.objects.filter(
            claim__origin_kind="meeting", claim__origin_id=meeting.pk
        ).values_list("member__name", "points")
    )


def test_attendance_from_the_inflow_list_counts_for_the_own_meeting_and_its_points(
    cast: Cast, mobile: Member, agreement: Agreement, inflow: InflowOrg, own: Meeting
) -> None:
    """ "明确流动党员组织关系一方隶属、参加多重组织生活的要求" (article 002)"""
    elsewhere_attend_from_list(
        actor=as_(cast.carol), meeting=own, member=mobile, inflow=inflow, held_on=THERE
    )
    assert SignIn.objects.filter(meeting=own, member=mobile).exists()
    closed = life.meeting_close(actor=as_(cast.carol), meeting=own, minutes="学习党章")
    assert closed.present == 1
    assert _points(own)["王甲"] == Decimal(2)


def test_the_inflow_organisation_in_the_system_records_it_at_its_own_meeting(
    cast: Cast, mobile: Member, agreement: Agreement, chamber: Org, hank: User, own: Meeting
) -> None:
    theirs = life.meeting_plan(
        actor=as_(hank),
        branch=chamber,
        kind="theme_day",
        held_on=THERE,
        place="商会会议室",
        agenda="主题党日",
    )
    found = elsewhere_attend_at_inflow(actor=as_(hank), inflow_meeting=theirs, member=mobile)
    assert (found.meeting, found.source, found.inflow_meeting) == (own, "sign_in", theirs)
    assert SignIn.objects.filter(meeting=own, member=mobile).exists()


def test_once_per_meeting(
    cast: Cast, mobile: Member, agreement: Agreement, inflow: InflowOrg, own: Meeting
) -> None:
    elsewhere_attend_from_list(
        actor=as_(cast.carol), meeting=own, member=mobile, inflow=inflow, held_on=THERE
    )
    with pytest.raises(ServiceError, match="已经计入"):
        elsewhere_attend_from_list(
            actor=as_(cast.carol), meeting=own, member=mobile, inflow=inflow, held_on=THERE
        )
    assert ElsewhereAttendance.objects.count() == 1


def test_refusals_in_chinese_nothing_written(
    cast: Cast, mobile: Member, inflow: InflowOrg, own: Meeting
) -> None:
    with pytest.raises(ServiceError, match="没有在该日生效的共管协议"):
        elsewhere_attend_from_list(
            actor=as_(cast.carol), meeting=own, member=mobile, inflow=inflow, held_on=THERE
        )
    agreement_sign(
        actor=as_(cast.alice),
        outflow=cast.root,
        inflow=inflow,
        duties="流入地负责日常组织生活",
        starts_on=dt.date(2026, 3, 1),
        outflow_signer="旗委组织部",
        inflow_signer="王会长",
    )
    with pytest.raises(ServiceError, match="同一个月"):
        elsewhere_attend_from_list(
            actor=as_(cast.carol),
            meeting=own,
            member=mobile,
            inflow=inflow,
            held_on=dt.date(2026, 5, 20),
        )
    with pytest.raises(ServiceError, match="不是流动党员"):
        elsewhere_attend_from_list(
            actor=as_(cast.carol),
            meeting=own,
            member=cast.erin_member,
            inflow=inflow,
            held_on=THERE,
        )
    with pytest.raises(PermissionDenied):
        elsewhere_attend_from_list(
            actor=as_(cast.dave), meeting=own, member=mobile, inflow=inflow, held_on=THERE
        )
    assert not ElsewhereAttendance.objects.exists()
    assert not SignIn.objects.exists()
    assert NOW.date() == own.held_on
