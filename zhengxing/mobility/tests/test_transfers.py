"""Moving a member's membership to another county (组织关系转接), out and in, with the history
kept: carol (secretary of A1B in county T1) sends 王甲 to 丙村 branch of county T2, where
frank is the secretary and receives him. PRACTICES §4: "one organisation holds the membership
while the member joins organisation life in both" — so the membership moves whole, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.mobility.models import Transfer
from zhengxing.mobility.selectors.transfers import transfers_in_visible_to
from zhengxing.mobility.services.transfers import transfer_out, transfer_receive
from zhengxing.orgs.models import Member, MemberEvent, Org
from zhengxing.orgs.services import county_create, county_root, org_create, role_grant
from zhengxing.testing import PASSWORD, SYSTEM, Cast

from .conftest import NOW, as_

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 20)


@pytest.fixture
def other() -> Org:
    """County T2's branch 丙村 (code C1B)."""
    county = county_create(actor=SYSTEM, code="T2", name="邻旗", region_code="150425")
    town = org_create(
        actor=SYSTEM, parent=county_root(county), code="C", name="丙镇党委", kind="township"
    )
    village = org_create(actor=SYSTEM, parent=town, code="C1", name="丙一村", kind="village")
    return org_create(
        actor=SYSTEM, parent=village, code="C1B", name="中共丙一村支部委员会", kind="branch"
    )


@pytest.fixture
def frank(other: Org) -> User:
    user = User.objects.create_user(username="frank", password=PASSWORD)
    role_grant(actor=SYSTEM, user=user, org=other, role="secretary")
    return user


def test_a_member_is_sent_out_and_received_with_the_history_on_both_sides(
    cast: Cast, other: Org, frank: User
) -> None:
    sent = transfer_out(
        actor=as_(cast.carol),
        member=cast.member_a1,
        to_county_code="T2",
        to_org_code="C1B",
        on=ON,
        note="随子女迁居",
    )
    old = Member.objects.get(pk=cast.member_a1.pk)
    assert old.status == "transferred_out"
    assert MemberEvent.objects.filter(member=old, status_to="transferred_out").exists()
    assert list(transfers_in_visible_to(frank)) == [sent]

    new = transfer_receive(actor=as_(frank), transfer=sent, on=NOW.date())
    assert (new.county_id, new.branch_id, new.status) == (other.county_id, other.pk, "active")
    assert (new.name, new.id_card_hash, new.joined_on) == (
        old.name,
        old.id_card_hash,
        old.joined_on,
    )
    sent.refresh_from_db()
    assert (sent.received_member, sent.received_on) == (new, NOW.date())
    assert Member.objects.filter(pk=old.pk).exists()  # the first county's row stays
    assert set(
        AuditEvent.objects.filter(action__startswith="mobility.transfer").values_list(
            "action", flat=True
        )
    ) == {"mobility.transfer.out", "mobility.transfer.in"}
    with pytest.raises(ServiceError, match="已经转入"):
        transfer_receive(actor=as_(frank), transfer=sent, on=NOW.date())


def test_a_transfer_to_an_organisation_that_does_not_exist_is_refused_nothing_written(
    cast: Cast, other: Org
) -> None:
    for county, code in (("T2", "NOPE"), ("T9", "C1B"), ("", "")):
        with pytest.raises(ServiceError, match=r"接收党组织.*不存在"):
            transfer_out(
                actor=as_(cast.carol),
                member=cast.member_a1,
                to_county_code=county,
                to_org_code=code,
                on=ON,
            )
    assert not Transfer.objects.exists()
    assert Member.objects.get(pk=cast.member_a1.pk).status == "active"
    assert not AuditEvent.objects.filter(action="mobility.transfer.out").exists()


def test_within_the_county_or_to_a_non_branch_is_refused(cast: Cast, other: Org) -> None:
    with pytest.raises(ServiceError, match="本旗县区内"):
        transfer_out(
            actor=as_(cast.carol),
            member=cast.member_a1,
            to_county_code="T1",
            to_org_code="B1B",
            on=ON,
        )
    with pytest.raises(ServiceError, match="不是党支部"):
        transfer_out(
            actor=as_(cast.carol),
            member=cast.member_a1,
            to_county_code="T2",
            to_org_code="C1",
            on=ON,
        )
    assert not Transfer.objects.exists()


def test_a_member_is_on_the_way_to_one_place_at_a_time(cast: Cast, other: Org) -> None:
    transfer_out(
        actor=as_(cast.carol), member=cast.member_a1, to_county_code="T2", to_org_code="C1B", on=ON
    )
    with pytest.raises(ServiceError, match="已不在本支部"):
        transfer_out(
            actor=as_(cast.carol),
            member=cast.member_a1,
            to_county_code="T2",
            to_org_code="C1B",
            on=ON,
        )
    assert Transfer.objects.count() == 1


def test_only_the_member_s_side_sends_and_only_the_receiving_side_receives(
    cast: Cast, other: Org, frank: User
) -> None:
    with pytest.raises(PermissionDenied):
        transfer_out(
            actor=as_(cast.dave),
            member=cast.member_a1,
            to_county_code="T2",
            to_org_code="C1B",
            on=ON,
        )
    sent = transfer_out(
        actor=as_(cast.carol), member=cast.member_a1, to_county_code="T2", to_org_code="C1B", on=ON
    )
    with pytest.raises(PermissionDenied):
        transfer_receive(actor=as_(cast.carol), transfer=sent, on=NOW.date())
    assert Member.objects.filter(county_id=other.county_id).count() == 0
