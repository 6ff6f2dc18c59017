"""In a real browser on a phone (375×812): a member and her branch's secretary walk the star
pages from their home pages. Nothing is wider than the screen, every link they follow opens,
a period reads 年度 (not "Y"), and a box to tick is big enough for a thumb."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from zhengxing.testing import Cast, phone_page

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 375, "height": 812}


def _fits(page: Page, path: str) -> None:
    """The page opens and nothing on it is wider than the phone."""
    assert page.locator("h1").first.inner_text() != "Not Found", path
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (path, width)


def test_a_member_and_her_secretary_walk_the_star_pages_on_a_phone(
    scored: Cast, live_server, browser: Browser
) -> None:
    base = live_server.url
    erin: Page = phone_page(browser, base, "erin")
    erin.get_by_role("link", name="评议", exact=True).click()  # her home page's 评议
    _fits(erin, "/stars/rounds/")
    assert "上半年" in erin.locator("table").inner_text()
    erin.locator("table a").first.click()  # a round, and back to her list
    erin.locator("main p a", has_text="评议").last.click()
    _fits(erin, "back to /stars/rounds/")
    erin.goto(base + "/stars/me/")
    _fits(erin, "/stars/me/")
    assert "达标星" in erin.locator("main").inner_text()  # her named stars, each with why
    erin.goto(base + "/stars/me/choices/?year=2026")
    _fits(erin, "/stars/me/choices/")
    box = erin.locator("input[type=checkbox]").first.bounding_box()
    assert box is not None and box["height"] >= 18, box

    carol: Page = phone_page(browser, base, "carol")
    branch = scored.branch_a1.pk
    for path in (
        "/stars/board/",
        f"/stars/orgs/{branch}/plan/?year=2026",
        f"/stars/orgs/{branch}/posts/?year=2026",
        f"/stars/orgs/{branch}/named/?year=2026",
        "/stars/rounds/",
        "/stars/todo/",
        "/stars/reserve/",
        f"/stars/members/{scored.member_a1.pk}/?year=2026",
    ):
        carol.goto(base + path)
        _fits(carol, path)
    carol.goto(base + f"/stars/orgs/{branch}/plan/?year=2026")
    carol.locator("main p a", has_text="报星计划").last.click()  # back to a plans list she sees
    _fits(carol, "back from the plan")
