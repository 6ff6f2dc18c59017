"""The grid cast on top of the named cast (zhengxing/testing.py):

甲镇党委 (A)        centre 甲镇党群服务中心
└── 甲一村 (A1)      station 甲一村党群服务站 > grid G1 "第一网格" (head 张网格长; worker gina)
                                          > grid G2 "第二网格" (no people yet)
乙镇党委 (B)        centre 乙镇党群服务中心 > station 乙一村党群服务站 > grid H1 (dave's)
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from zhengxing.grid import services
from zhengxing.grid.models import Grid, Household, ServicePost
from zhengxing.testing import SYSTEM, Cast


@dataclass
class Place:
    centre: ServicePost
    station: ServicePost
    g1: Grid
    g2: Grid
    h1: Grid
    home: Household  # in G1, with 李大爷 and his phone


@pytest.fixture
def place(cast: Cast) -> Place:
    centre = services.post_create(
        actor=SYSTEM, org=cast.town_a, tier="centre", name="甲镇党群服务中心"
    )
    station = services.post_create(
        actor=SYSTEM, org=cast.village_a1, tier="station", name="甲一村党群服务站", parent=centre
    )
    g1 = services.grid_create(
        actor=SYSTEM, post=station, org=cast.village_a1, code="G1", name="第一网格"
    )
    g2 = services.grid_create(
        actor=SYSTEM, post=station, org=cast.village_a1, code="G2", name="第二网格"
    )
    services.grid_person_add(
        actor=SYSTEM, grid=g1, duty="head", name="张网格长", phone="13900000001"
    )
    services.grid_person_add(
        actor=SYSTEM, grid=g1, duty="worker", name="刘网格员", phone="13900000002", user=cast.gina
    )
    centre_b = services.post_create(
        actor=SYSTEM, org=cast.town_b, tier="centre", name="乙镇党群服务中心"
    )
    station_b = services.post_create(
        actor=SYSTEM, org=cast.village_b1, tier="station", name="乙一村党群服务站", parent=centre_b
    )
    h1 = services.grid_create(
        actor=SYSTEM, post=station_b, org=cast.village_b1, code="H1", name="乙一网格"
    )
    home = services.household_add(actor=SYSTEM, grid=g1, address="甲一村一组 8 号")
    services.resident_add(
        actor=SYSTEM, household=home, name="李大爷", relation="head", phone="13812345678"
    )
    return Place(centre=centre, station=station, g1=g1, g2=g2, h1=h1, home=home)
