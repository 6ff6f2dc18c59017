"""The monthly report of needs per grid, station and organisation, and its Excel.

兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.core.actor import Actor
from zhengxing.grid import services
from zhengxing.grid.report import needs_month
from zhengxing.testing import Cast, client_for

from .conftest import Place

T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def at(hours: float) -> Actor:
    return Actor(user=None, label="x", now=T0 + dt.timedelta(hours=hours))


def june(place: Place) -> None:
    """Three needs in June: one done in time and rated satisfied, one done late, one left open
    past its due time; and one in July, not counted."""
    kw = {"household": place.home, "category": "living", "urgency": "normal", "text": "买菜"}
    kept = services.need_raise(actor=at(0), **kw)  # type: ignore[arg-type]
    services.need_move(actor=at(2), need=kept, to="done", answer="已买")
    services.need_rate(actor=at(3), ref=kept.ref, solved=True, satisfied=True)
    slow = services.need_raise(actor=at(0), **kw)  # type: ignore[arg-type]
    services.need_move(actor=at(48), need=slow, to="done", answer="晚了")
    services.need_raise(actor=at(10), **kw)  # type: ignore[arg-type]
    services.need_raise(actor=at(24 * 40), **kw)  # type: ignore[arg-type]


def test_the_month_counts_received_done_late_and_ratings_per_grid_and_station(
    cast: Cast, place: Place
) -> None:
    june(place)
    report = needs_month(user=cast.bob, org=cast.town_a, year=2026, month=6)
    g1 = next(line for line in report.grids if line.name == "第一网格")
    assert g1.figures == {"received": 3, "done": 2, "late": 2, "satisfied": 1, "unsatisfied": 0}
    assert [p.name for p in report.posts] == ["甲一村党群服务站"]
    assert report.total.figures["received"] == 3
    # another township's report does not hold it
    other = needs_month(user=cast.dave, org=cast.town_b, year=2026, month=6)
    assert other.total.figures["received"] == 0


def test_the_report_page_and_its_excel(cast: Cast, place: Place) -> None:
    june(place)
    bob = client_for(cast.bob)
    assert reverse("grid:needs_report") in bob.get(reverse("grid:needs")).text
    url = reverse("grid:needs_report") + f"?org={cast.town_a.pk}&month=2026-06"
    assert "第一网格" in bob.get(url).text
    sheet = bob.get(url + "&format=xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[2] == ("甲一村党群服务站", "第一网格", 3, 2, 2, 1, 0)
    assert rows[-1][1:3] == ("合计", 3)
