"""In a real browser: the county's star board draws the distribution per township with the
vendored ECharts build (served by the app itself, nothing from the internet), with a legend
that names each colour and a tooltip that gives each count."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from zhengxing.stars.compute import recompute
from zhengxing.stars.services import scheme_from_preset
from zhengxing.testing import PASSWORD, SYSTEM, build_cast

pytestmark = pytest.mark.browser


def test_the_county_board_draws_its_chart(transactional_db: None, live_server, page: Page) -> None:
    cast = build_cast()
    scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="bayannur-532"
    )
    recompute(
        county_id=cast.county.pk,
        year=2026,
        period="Y",
        now=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
    )
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(live_server.url + "/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button.primary").click()
    page.goto(live_server.url + f"/stars/orgs/{cast.root.pk}/?year=2026")
    chart = page.locator("[data-chart=star-chart]")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart.locator("canvas").first).to_be_visible()
    drawn = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart]')).getOption()"
    )
    assert drawn["yAxis"][0]["data"] == [cast.town_a.name, cast.town_b.name]
    assert sum(sum(series["data"]) for series in drawn["series"]) == 3
    assert all(url.startswith(live_server.url) for url in requested), requested
    # the legend names each number of stars; hovering a bar shows its counts
    legend = page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-chart]'))"
        ".getModel().getComponent('legend').getData().map(d => d.get('name'))"
    )
    assert legend == [s["name"] for s in drawn["series"]] and legend
    # the tooltip is drawn on the canvas (an HTML one would write style attributes, which the
    # Content-Security-Policy refuses): hovering a bar shows it
    page.evaluate(
        "() => { window.tips = [];"
        " echarts.getInstanceByDom(document.querySelector('[data-chart]'))"
        ".on('showTip', (e) => window.tips.push(e)); }"
    )
    box = chart.locator("canvas").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 3 + 5)
    page.wait_for_function("() => window.tips.length > 0")
