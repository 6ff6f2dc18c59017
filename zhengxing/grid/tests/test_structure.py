"""The grid's structure: 中心、站、点, 两员三长, each household in exactly one grid (不漏一户)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.grid import selectors, services
from zhengxing.grid.models import Household, Resident
from zhengxing.testing import SYSTEM, Cast

from .conftest import Place


def as_(user: object) -> Actor:
    return Actor.system("x", user=user)  # type: ignore[arg-type]


def test_a_station_sits_under_a_centre_and_a_point_under_a_station(
    cast: Cast, place: Place
) -> None:
    with pytest.raises(ServiceError, match="党群服务站应设在党群服务中心之下"):
        services.post_create(actor=SYSTEM, org=cast.village_a1, tier="station", name="孤站")
    with pytest.raises(ServiceError, match="党群服务点应设在党群服务站之下"):
        services.post_create(
            actor=SYSTEM, org=cast.village_a1, tier="point", name="点", parent=place.centre
        )
    point = services.post_create(
        actor=SYSTEM, org=cast.branch_a1, tier="point", name="一组服务点", parent=place.station
    )
    assert point.parent == place.station


def test_a_household_in_a_second_grid_is_refused_in_chinese_and_nothing_written(
    cast: Cast, place: Place
) -> None:
    """ "不漏一户" and no household twice: the same address in G2 names the grid holding it."""
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match="已登记在网格“第一网格”，一户只能在一个网格"):
        services.household_add(actor=as_(cast.gina), grid=place.g2, address="甲一村一组8号")
    assert Household.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_the_database_refuses_one_household_in_two_grids(place: Place) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.create(
            county_id=place.g2.county_id,
            grid=place.g2,
            address="x",
            address_key=place.home.address_key,
            created_at=place.home.created_at,
        )


def test_a_grid_worker_adds_households_in_the_village_only(cast: Cast, place: Place) -> None:
    added = services.household_add(actor=as_(cast.gina), grid=place.g2, address="甲一村二组1号")
    assert added.grid == place.g2
    assert AuditEvent.objects.filter(action="grid.household.add", object_id=added.pk).exists()
    with pytest.raises(PermissionDenied):
        services.household_add(actor=as_(cast.gina), grid=place.h1, address="乙一村1号")
    with pytest.raises(PermissionDenied):  # a grid worker does not set up grids
        services.grid_create(
            actor=as_(cast.gina), post=place.station, org=cast.village_a1, code="G9", name="九"
        )


def test_one_grid_head_per_grid(place: Place) -> None:
    with pytest.raises(ServiceError, match="已有网格长"):
        services.grid_person_add(
            actor=SYSTEM, grid=place.g1, duty="head", name="王二", phone="13900000009"
        )


def test_a_residents_phone_is_encrypted_and_masked(place: Place) -> None:
    resident = Resident.objects.get(name="李大爷")
    assert "13812345678" not in resident.phone_enc
    assert resident.phone == "13812345678"
    assert resident.phone_masked == "138******78"


def test_a_party_member_is_linked_to_one_household(cast: Cast, place: Place) -> None:
    """党员中心户: a member lives in one household; a second is refused."""
    services.resident_add(
        actor=as_(cast.gina),
        household=place.home,
        name="王甲",
        relation="child",
        member=cast.member_a1,
    )
    other = services.household_add(actor=SYSTEM, grid=place.g2, address="甲一村二组2号")
    with pytest.raises(ServiceError, match="党员王甲已登记在“甲一村一组 8 号”"):
        services.resident_add(
            actor=SYSTEM, household=other, name="王甲", relation="head", member=cast.member_a1
        )
    with pytest.raises(ServiceError, match="只能关联本旗县区、您可见的党员"):
        services.resident_add(
            actor=as_(cast.gina),
            household=other,
            name="赵乙",
            relation="head",
            member=cast.member_b1,
        )


def test_the_gaps_list_a_grid_without_worker_empty_households_and_members_not_placed(
    cast: Cast, place: Place
) -> None:
    empty = services.household_add(actor=SYSTEM, grid=place.g2, address="甲一村二组3号")
    gaps = selectors.gaps_of(place.g2)
    assert gaps.no_head and gaps.no_worker
    assert list(gaps.empty_households) == [empty]
    assert cast.member_a1 in gaps.members_not_placed
    full = selectors.gaps_of(place.g1)
    assert not full.no_head and not full.no_worker and not full.empty_households


def test_a_unit_in_a_grid(cast: Cast, place: Place) -> None:
    unit = services.unit_add(
        actor=as_(cast.gina), grid=place.g1, name="甲一超市", kind="shop", contact_name="钱老板"
    )
    assert unit.grid == place.g1
    with pytest.raises(ServiceError, match="未知的单位类型"):
        services.unit_add(actor=SYSTEM, grid=place.g1, name="甲", kind="bank")


def test_a_grid_worker_sees_the_grids_of_their_village_only(cast: Cast, place: Place) -> None:
    assert set(selectors.grids_visible_to(cast.gina)) == {place.g1, place.g2}
    assert set(selectors.grids_visible_to(cast.dave)) == {place.h1}
    assert set(selectors.grids_visible_to(cast.alice)) == {place.g1, place.g2, place.h1}
