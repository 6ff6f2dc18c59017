"""In a real browser, under the Content-Security-Policy: the main pages report no violation (the
browser's `securitypolicyviolation` events and its console are both watched), and what used to
run inline still works — HTMX's search and tree, the print buttons, the points a scoring item
suggests, the star chart.

Recall the cast (zhengxing/testing.py): alice runs the county; carol is A1B's secretary; erin is
a member of A1B."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from zhengxing.ledger.models import Posting
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import catalogue_from_preset, quarter_sign_off
from zhengxing.ledger.tests.conftest import SHANGHAI, as_
from zhengxing.stars.compute import recompute
from zhengxing.stars.services import scheme_from_preset
from zhengxing.testing import PASSWORD, SYSTEM, Cast, build_cast

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
    + (e.sourceFile || "") + ":" + e.lineNumber);
});
window.print = function () { window.__printed = (window.__printed || 0) + 1; };
"""


# a quarter is signed once it has ended
JULY_1 = dt.datetime(2026, 7, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world(transactional_db: None) -> tuple[Cast, Posting]:
    cast = build_cast()
    catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )
    scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="bayannur-532"
    )
    recompute(
        county_id=cast.county.pk,
        year=2026,
        period="Y",
        now=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
    )
    close = quarter_sign_off(
        actor=as_(cast.carol, now=JULY_1), branch=cast.branch_a1, quarter=Quarter(2026, 2)
    )
    assert close.posting is not None
    return cast, close.posting


@pytest.fixture
def watched(page: Page) -> Iterator[Page]:
    """The page, with every CSP violation it meets collected; the test fails on any."""
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", on_console)
    page.add_init_script(WATCH)
    yield page
    assert console == []


def violations(page: Page) -> list[str]:
    return list(page.evaluate("() => window.__violations || []"))


def visit(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], url


def log_in(page: Page, base: str, username: str) -> None:
    visit(page, base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button.primary").click()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_the_county_pages_run_under_the_policy(
    world: tuple[Cast, Posting], live_server, watched: Page
) -> None:
    cast, posting = world
    page, base = watched, live_server.url
    visit(page, f"{base}/p/{posting.slug}/")  # the public notice, with its QR code
    log_in(page, base, "alice")

    for path in ["/", "/points/county/", "/points/rankings/", "/audit/", "/stars/plans/"]:
        visit(page, base + path)

    visit(page, f"{base}/orgs/tree/")  # HTMX loads a node's children when it is opened
    page.locator("details summary").first.click()
    expect(page.locator("details .tree-children").first).to_contain_text(cast.town_a.name[:1])
    assert violations(page) == []

    visit(page, f"{base}/orgs/members/")  # HTMX swaps the table as the search is typed
    page.fill("input[name=q]", "王甲")
    expect(page.locator("#member-table tbody tr")).to_have_count(1)
    assert violations(page) == []

    visit(page, f"{base}/orgs/members/{cast.member_a1.pk}/")
    page.locator("button[data-print]").click()
    assert page.evaluate("() => window.__printed") == 1

    visit(page, f"{base}/api/v1/docs")  # Swagger UI, from the site's own static files
    expect(page.locator(".swagger-ui .info")).to_contain_text("Zhengxing")
    assert violations(page) == []

    visit(page, f"{base}/stars/orgs/{cast.root.pk}/?year=2026")
    chart = page.locator("[data-chart=star-chart]")
    expect(chart).to_have_attribute("data-drawn", "1")
    box = chart.bounding_box()
    assert box is not None and box["height"] > 80
    for y in (0.1, 0.3, 0.5, 0.7):  # over the legend and the bars: ECharts redraws
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] * y)
    page.wait_for_timeout(300)
    assert violations(page) == []


def test_a_member_chooses_an_item_and_its_points_are_shown(
    world: tuple[Cast, Posting], live_server, watched: Page
) -> None:
    page, base = watched, live_server.url
    log_in(page, base, "erin")
    visit(page, f"{base}/points/claim/new/")
    row = page.locator(".item-row").first
    expect(row.locator(".item-points")).to_be_hidden()
    row.click()
    expect(row.locator(".item-points")).to_be_visible()
    expect(page.locator("input[name=points]")).to_be_visible()
    assert violations(page) == []


def test_the_committee_chooses_an_item_and_its_points_are_suggested(
    world: tuple[Cast, Posting], live_server, watched: Page
) -> None:
    cast, _ = world
    page, base = watched, live_server.url
    log_in(page, base, "cathy")
    visit(page, f"{base}/points/workflow/{cast.branch_a1.pk}/record/")
    select = page.locator("select[data-prefill-points]")
    option = select.locator("option[data-points]").first
    points = option.get_attribute("data-points")
    value = option.get_attribute("value")
    assert points and value

    select.select_option(value)

    expect(page.locator("input[name=points]")).to_have_value(points)
    assert violations(page) == []
