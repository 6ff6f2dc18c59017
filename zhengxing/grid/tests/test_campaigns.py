"""Door-to-door campaigns (敲门行动): a campaign over some grids, the workers' visits household by
household updating who lives there, and the coverage per grid with the households not reached.

兴安盟: "结合当前疫情工作，我们开展了 敲门行动，每家每户有没有外来人口，我都要及时了解，及时汇报";
"做好入户登记、摸排走访……确保全覆盖、无死角、不漏一户、不落一人"。
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.grid import selectors, services
from zhengxing.grid.models import Campaign, Household, Resident, Visit
from zhengxing.grid.services import Arrival
from zhengxing.testing import SYSTEM, Cast

from .conftest import Place

DAY = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def as_(user: object, when: dt.datetime = DAY) -> Actor:
    return Actor(user=user, label="x", now=when)  # type: ignore[arg-type]


def campaign(cast: Cast, place: Place, **kw: object) -> Campaign:
    values: dict[str, object] = {
        "org": cast.village_a1,
        "purpose": "入户登记外来人员",
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": dt.date(2026, 3, 31),
        "grids": [place.g1, place.g2],
    }
    values.update(kw)
    return services.campaign_create(actor=as_(cast.bob), **values)  # type: ignore[arg-type]


def test_a_campaign_has_a_purpose_dates_and_grids_and_is_audited(cast: Cast, place: Place) -> None:
    c = campaign(cast, place)
    assert set(c.grids.all()) == {place.g1, place.g2}
    assert AuditEvent.objects.filter(action="grid.campaign.create", object_id=c.pk).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": dt.date(2026, 2, 1)}, "结束日期不能早于开始日期"),
        ({"grids": []}, "请选择敲门行动覆盖的网格"),
        ({"purpose": "  "}, "请填写行动目的"),
    ],
)
def test_a_bad_campaign_is_refused_in_chinese_and_nothing_written(
    cast: Cast, place: Place, change: dict[str, object], message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        campaign(cast, place, **change)
    assert not Campaign.objects.exists()


def test_a_campaign_over_another_townships_grid_is_refused(cast: Cast, place: Place) -> None:
    with pytest.raises(ServiceError, match="不在"):
        campaign(cast, place, grids=[place.g1, place.h1])
    with pytest.raises(PermissionDenied):
        campaign(cast, place, org=cast.village_b1, grids=[place.h1])


def test_a_visit_registers_who_came_and_who_went_through_the_residents(
    cast: Cast, place: Place
) -> None:
    """ "每家每户有没有外来人口，我都要及时了解": who came is registered, who went leaves."""
    c = campaign(cast, place)
    grandpa = Resident.objects.get(name="李大爷")
    visit = services.visit_record(
        actor=as_(cast.gina),
        campaign=c,
        household=place.home,
        outcome="met",
        asked="家中有无返乡人员",
        note="老人已随子女外出",
        leaving=[grandpa],
        arriving=[Arrival(name="李小明", relation="child", phone="13700000000")],
    )
    assert list(place.home.residents.values_list("name", flat=True)) == ["李小明"]
    assert visit.living == 1 and visit.left == ["李大爷"] and visit.arrived == ["李小明"]
    assert visit.worker == cast.gina
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"grid.visit.record", "grid.resident.leave", "grid.resident.add"} <= actions


def test_nobody_at_home_leaves_the_household_not_reached(cast: Cast, place: Place) -> None:
    """ "不漏一户": a knock with nobody at home does not count; the household stays on the list."""
    c = campaign(cast, place)
    services.visit_record(actor=as_(cast.gina), campaign=c, household=place.home, outcome="absent")
    assert list(selectors.not_reached(cast.gina, c)) == [place.home]
    services.visit_record(actor=as_(cast.gina), campaign=c, household=place.home, outcome="met")
    assert list(selectors.not_reached(cast.gina, c)) == []


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"outcome": "absent", "arriving": [Arrival("王五", "other")]},
            "无人在家时不能登记人员变动",
        ),
        ({"outcome": "met", "arriving": [Arrival("王五", "cousin")]}, "与户主的关系"),
        ({"outcome": "met", "arriving": [Arrival("王五", "other", "123")]}, "格式不正确"),
        ({"outcome": "maybe"}, "请选择走访结果"),
    ],
)
def test_a_bad_visit_is_refused_and_nothing_written(
    cast: Cast, place: Place, kw: dict[str, object], message: str
) -> None:
    c = campaign(cast, place)
    with pytest.raises(ServiceError, match=message):
        services.visit_record(actor=as_(cast.gina), campaign=c, household=place.home, **kw)  # type: ignore[arg-type]
    assert not Visit.objects.exists()
    assert list(place.home.residents.values_list("name", flat=True)) == ["李大爷"]


def test_a_visit_outside_the_campaigns_dates_or_grids_is_refused(cast: Cast, place: Place) -> None:
    c = campaign(cast, place, grids=[place.g2])
    with pytest.raises(ServiceError, match="不在敲门行动"):
        services.visit_record(actor=as_(cast.gina), campaign=c, household=place.home, outcome="met")
    c.grids.add(place.g1)
    late = as_(cast.gina, dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC))
    with pytest.raises(ServiceError, match="不能登记走访"):
        services.visit_record(actor=late, campaign=c, household=place.home, outcome="met")
    assert not Visit.objects.exists()


def test_a_resident_of_another_household_cannot_be_signed_out(cast: Cast, place: Place) -> None:
    c = campaign(cast, place)
    other = services.household_add(actor=SYSTEM, grid=place.g1, address="甲一村一组9号")
    stranger = services.resident_add(actor=SYSTEM, household=other, name="周邻居", relation="head")
    with pytest.raises(ServiceError, match="不是"):
        services.visit_record(
            actor=as_(cast.gina),
            campaign=c,
            household=place.home,
            outcome="met",
            leaving=[stranger],
        )
    assert Resident.objects.filter(pk=stranger.pk).exists()


def test_only_those_who_work_the_grid_record_visits(cast: Cast, place: Place) -> None:
    c = campaign(cast, place)
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=as_(cast.erin), campaign=c, household=place.home, outcome="met")


def test_coverage_per_grid_counts_households_reached_of_all_in_one_query(
    cast: Cast, place: Place
) -> None:
    """ "确保全覆盖……不漏一户": per grid, households reached of all, one query for any size."""
    c = campaign(cast, place)
    for n in range(3):
        services.household_add(actor=SYSTEM, grid=place.g2, address=f"甲一村二组{n}号")
    first = Household.objects.get(address="甲一村二组0号")
    services.visit_record(actor=as_(cast.gina), campaign=c, household=first, outcome="met")
    services.visit_record(actor=as_(cast.gina), campaign=c, household=first, outcome="met")
    services.visit_record(actor=as_(cast.gina), campaign=c, household=place.home, outcome="absent")
    with CaptureQueriesContext(connection) as queries:
        cov = selectors.coverage_of(cast.bob, c)
    assert len(queries) == 1
    rows = {g.code: (g.reached, g.households) for g in cov.grids}
    assert rows == {"G1": (0, 1), "G2": (1, 3)}
    assert (cov.reached, cov.households, cov.percent) == (1, 4, 25)
    # another township sees none of it
    assert selectors.coverage_of(cast.dave, c).grids == []


def test_the_workers_round_lists_the_households_not_reached_first(cast: Cast, place: Place) -> None:
    c = campaign(cast, place)
    services.household_add(actor=SYSTEM, grid=place.g1, address="甲一村一组1号")
    services.visit_record(actor=as_(cast.gina), campaign=c, household=place.home, outcome="met")
    rows = list(selectors.campaign_households(c, place.g1))
    assert [(h.address, h.reached) for h in rows] == [  # type: ignore[attr-defined]
        ("甲一村一组1号", False),
        ("甲一村一组 8 号", True),
    ]
