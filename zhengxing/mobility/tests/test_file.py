"""“2”即“流入地、流出地按季度对账核查基础台账、共同建立流动党员档案分别归并” (article 002): the
member's joint file gathers both sides' records.

王甲 (member_a1 of A1B, mobile since March) works in 呼和浩特. His file holds, by date: his
report of where he is (20 March), the county's agreement with the chamber of commerce's mobile
members' branch (in the tree; ivan its secretary), a Q1 reconciliation difference resolved, a
phone call from cathy (his pairer), his branch's meeting he signed in to and the chamber's
meeting counted for it, a red parcel (红色包裹), a lost-contact case with a search step, and
the secretary's reminder talk. The records other than the report, the agreement and the call are
written as rows: the file reads them, the services that write them have their own tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengxing.ledger.models import ReminderTalk
from zhengxing.mobility.models import (
    Agreement,
    Contact,
    Difference,
    ElsewhereAttendance,
    InflowOrg,
    LostCase,
    Reconciliation,
    SearchStep,
    Whereabouts,
)
from zhengxing.mobility.selectors.file import Kind, member_file
from zhengxing.mobility.services import (
    agreement_sign,
    contact_log,
    inflow_org_create,
    pairing_create,
    registration_code_issue,
    whereabouts_report,
)
from zhengxing.orglife.models import Course, Lesson, Meeting, SignIn
from zhengxing.orglife.tests.conftest import plan
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.services import member_set_status, org_create, role_grant
from zhengxing.testing import PASSWORD, SYSTEM, Cast, client_for

from .conftest import NOW, as_, report_fields

pytestmark = pytest.mark.django_db

MARCH = NOW.replace(month=3, day=20)


@pytest.fixture
def chamber(cast: Cast) -> Org:
    return org_create(
        actor=SYSTEM, parent=cast.root, code="M1", name="驻呼和浩特流动党员党支部", kind="mobile"
    )


@pytest.fixture
def ivan(chamber: Org) -> User:
    """The chamber's mobile members' branch secretary: the inflow side, in the system."""
    user = User.objects.create_user(username="ivan", password=PASSWORD)
    role_grant(actor=SYSTEM, user=user, org=chamber, role="secretary")
    return user


@pytest.fixture
def wang(cast: Cast, chamber: Org) -> Member:
    member = member_set_status(
        actor=SYSTEM, member=cast.member_a1, status="mobile", on=dt.date(2026, 3, 1)
    )
    code, _issued = registration_code_issue(actor=as_(cast.carol, MARCH), member=member)
    whereabouts_report(
        actor=as_(None, MARCH), org=cast.root, **report_fields(member, code, city="呼和浩特市")
    )
    inflow = inflow_org_create(
        actor=as_(cast.alice, MARCH), county_id=cast.county.pk, name=chamber.name,
        kind="chamber", city="呼和浩特市", contact_name="王会长", contact_phone="13800008888",
        org=chamber,
    )  # fmt: skip
    agreement = agreement_sign(
        actor=as_(cast.alice, MARCH), outflow=cast.root, inflow=inflow, duties="流入地负责日常管理",
        starts_on=dt.date(2026, 3, 1), outflow_signer="旗委组织部", inflow_signer="王会长",
    )  # fmt: skip
    pairing_create(
        actor=as_(cast.carol), member=member, pairer=cast.cathy, side="outflow",
        since=dt.date(2026, 4, 1),
    )  # fmt: skip
    contact_log(
        actor=as_(cast.cathy), member=member, way="phone", on=dt.date(2026, 5, 8),
        said="询问工地安全情况",
    )  # fmt: skip
    _both_sides_rows(cast, member, agreement, inflow)
    return member


def _both_sides_rows(cast: Cast, member: Member, agreement: Agreement, inflow: InflowOrg) -> None:
    county = cast.county
    recon = Reconciliation.objects.create(
        county=county, agreement=agreement, year=2026, quarter=1, opened_at=NOW.replace(month=4)
    )
    Difference.objects.create(
        county=county, reconciliation=recon, kind="address", member=member, name=member.name,
        detail="对方：金桥开发区", outcome="核实为新地址", resolved_by=cast.carol,
        resolved_at=NOW.replace(month=4, day=10),
    )  # fmt: skip
    ours = plan(cast, on=dt.date(2026, 4, 15))
    SignIn.objects.create(county=county, meeting=ours, member=member, way="ticked", at=NOW)
    theirs = plan(cast, on=dt.date(2026, 6, 5))
    ElsewhereAttendance.objects.create(
        county=county, member=member, meeting=theirs, inflow=inflow, held_on=dt.date(2026, 6, 3),
        source="list", recorded_at=NOW,
    )  # fmt: skip
    course = Course.objects.create(county=county, title="党章学习", kind="parcel", created_at=NOW)
    Lesson.objects.create(
        county=county, course=course, member=member, branch=member.branch, state="done",
        completed_on=dt.date(2026, 2, 10), chosen_at=NOW.replace(month=2, day=1),
    )  # fmt: skip
    case = LostCase.objects.create(
        county=county, member=member, flagged_on=dt.date(2026, 1, 5), flagged_at=NOW,
        outcome="found", outcome_note="已取得联系", closed_on=dt.date(2026, 2, 1),
    )  # fmt: skip
    SearchStep.objects.create(
        county=county, case=case, on=dt.date(2026, 1, 20), way="family", what="家属提供新电话",
        by_label="carol", recorded_at=NOW,
    )  # fmt: skip
    ReminderTalk.objects.create(
        county=county, branch=member.branch, member=member, year=2026,
        held_on=dt.date(2026, 6, 25), held_by_label="carol", points_at_talk=Decimal("12.0"),
        notes="多参加线上学习", recorded_at=NOW,
    )  # fmt: skip


def test_the_joint_file_gathers_both_sides_records_in_date_order(wang: Member) -> None:
    """共同建立流动党员档案: every kind of record, oldest first, each with its side."""
    entries = member_file(member=wang)
    assert [e.on for e in entries] == sorted(e.on for e in entries)
    kinds = [e.kind for e in entries]
    assert set(kinds) == {
        Kind.WHEREABOUTS, Kind.AGREEMENT, Kind.DIFFERENCE, Kind.CONTACT, Kind.MEETING,
        Kind.ELSEWHERE, Kind.LESSON, Kind.LOST, Kind.SEARCH, Kind.TALK,
    }  # fmt: skip
    assert kinds[:4] == [Kind.LOST, Kind.SEARCH, Kind.LOST, Kind.LESSON]  # January, February
    by_kind = {e.kind: e for e in entries}
    assert by_kind[Kind.WHEREABOUTS].side == "" and "呼和浩特市" in by_kind[Kind.WHEREABOUTS].what
    assert "王会长" in by_kind[Kind.AGREEMENT].what
    assert "核实为新地址" in by_kind[Kind.DIFFERENCE].what
    assert by_kind[Kind.DIFFERENCE].by == "carol"
    assert (by_kind[Kind.CONTACT].by, by_kind[Kind.CONTACT].side) == ("cathy", "outflow")
    assert by_kind[Kind.ELSEWHERE].side == "inflow"
    assert "驻呼和浩特流动党员党支部" in by_kind[Kind.ELSEWHERE].what
    assert "红色包裹" in by_kind[Kind.LESSON].what
    assert "多参加线上学习" in by_kind[Kind.TALK].what


def test_the_files_queries_do_not_grow_with_its_records(cast: Cast, wang: Member) -> None:
    """One query per kind of record: forty more reports and contacts cost nothing more."""
    with CaptureQueriesContext(connection) as few:
        member_file(member=wang)
    pairing = Contact.objects.filter(member=wang).first()
    assert pairing is not None
    for n in range(20):
        Contact.objects.create(
            county=cast.county, pairing=pairing.pairing, member=wang, way="video",
            on=dt.date(2026, 5, 1 + n), said=f"第{n}次", logged_by=cast.cathy, logged_at=NOW,
        )  # fmt: skip
        Whereabouts.objects.create(
            county=cast.county, member=wang, reported_at=NOW.replace(month=4, day=1 + n),
            city="包头市", address="昆区", employer="工地", phone_enc="", since=dt.date(2026, 4, 1),
            expected_months=3, reason="work",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        entries = member_file(member=wang)
    assert len(entries) > 40
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


@pytest.mark.usefixtures("on_30_june")
def test_the_file_is_read_by_both_sides_and_the_member_and_nobody_else(
    cast: Cast, wang: Member, ivan: User
) -> None:
    """The outflow branch (carol, cathy), the township (bob) and the county (alice); the inflow
    organisation's secretary (ivan), under the agreement; the member himself. Not the other
    township (dave), not another member (erin), not the grid worker (gina)."""
    wang.user = User.objects.create_user(username="wang", password=PASSWORD)
    wang.save(update_fields=["user"])
    role_grant(actor=SYSTEM, user=wang.user, org=cast.branch_a1, role="member")
    url = reverse("mobility:member_file", args=[wang.pk])
    api = f"/api/v1/mobile/members/{wang.pk}/file"
    for user in (cast.carol, cast.cathy, cast.bob, cast.alice, ivan, wang.user):
        client = client_for(user)
        page = client.get(url)
        assert page.status_code == 200, user
        assert "询问工地安全情况" in page.content.decode()
        body = client.get(api).json()
        assert body["name"] == "王甲" and len(body["entries"]) == len(member_file(member=wang))
    for user in (cast.dave, cast.erin, cast.gina):
        assert client_for(user).get(url).status_code == 404, user
        assert client_for(user).get(api).status_code == 404, user


def test_the_inflow_secretary_reads_only_mobile_members_under_the_agreement(
    cast: Cast, wang: Member, ivan: User
) -> None:
    """赵乙 (B1B) is at home: the chamber's secretary has no file of his."""
    assert client_for(ivan).get(
        reverse("mobility:member_file", args=[cast.member_b1.pk])
    ).status_code == 404  # fmt: skip


@pytest.mark.usefixtures("on_30_june")
def test_every_mobility_page_naming_the_member_links_the_file(cast: Cast, wang: Member) -> None:
    """The list, his page, the ledger, the pairings' duty: each links his joint file; the
    member sees his own from his home page."""
    file_url = reverse("mobility:member_file", args=[wang.pk])
    carol = client_for(cast.carol)
    for page in (
        reverse("mobility:home"),
        reverse("mobility:member", args=[wang.pk]),
        reverse("mobility:ledger", args=[cast.branch_a1.pk]),
        reverse("mobility:duty", args=[cast.branch_a1.pk]),
        reverse("mobility:pairing", args=[Contact.objects.get(said="询问工地安全情况").pairing_id]),
    ):
        assert file_url in carol.get(page).content.decode(), page
    # the county's agreement: its reconciliation is the county's page
    recon = reverse("mobility:reconciliation", args=[Reconciliation.objects.get().pk])
    assert file_url in client_for(cast.alice).get(recon).content.decode()
    own = User.objects.create_user(username="wang", password=PASSWORD)
    wang.user = own
    wang.save(update_fields=["user"])
    role_grant(actor=SYSTEM, user=own, org=cast.branch_a1, role="member")
    home = client_for(own).get(reverse("home")).content.decode()
    assert file_url in home
    assert client_for(own).get(file_url).status_code == 200


def test_meetings_of_either_side_show_whose(wang: Member) -> None:
    """一方隶属、参加多重组织生活: his branch's meeting on the outflow side, the chamber's on the
    inflow side, counted for his branch's June meeting."""
    meetings = [e for e in member_file(member=wang) if e.kind in (Kind.MEETING, Kind.ELSEWHERE)]
    assert [(e.on, e.side) for e in meetings] == [
        (dt.date(2026, 4, 15), "outflow"),
        (dt.date(2026, 6, 3), "inflow"),
    ]
    assert Meeting.objects.count() == 2
