"""In a real browser, measured: a person's name never breaks inside on a phone ("丁春/生" on the
public notice at 375 px), and a table's headers do not stack one character per line on a desk
("党/支/部" on the county view at 1280 px). Lines are counted from the text's own line boxes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from zhengxing.ledger.models import Posting
from zhengxing.ledger.services import catalogue_from_preset
from zhengxing.ledger.tests.conftest import MARCH, Q1, approved, sign
from zhengxing.testing import PASSWORD, SYSTEM, add_member, build_cast

pytestmark = pytest.mark.browser

NAMES = ["丁春生", "乌日娜", "巴特尔", "阿拉坦其其格"]

# the number of lines each matching element's text takes (distinct tops of its line boxes)
LINES = """(selector) => Array.from(document.querySelectorAll(selector)).map((el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
  return [el.textContent.trim(), tops.size];
})"""


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button.primary").click()


@pytest.fixture
def posted(transactional_db: None, settings: pytest.FixtureRequest) -> object:
    settings.ZHENGXING_OTP_ROLES = ()  # type: ignore[attr-defined]
    cast = build_cast()
    rules = catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )
    members = [add_member(cast.county, "A1B", name=name) for name in NAMES]
    approved(cast, rules, "SMX-G02", members, MARCH)
    sign(cast, Q1)
    sign(cast, Q1, cast.branch_b1)
    return cast


def test_names_stay_whole_on_a_phone(posted: object, live_server, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    posting = Posting.objects.get(branch=posted.branch_a1)  # type: ignore[attr-defined]
    page.goto(f"{live_server.url}/p/{posting.slug}/")
    lines = dict(page.evaluate(LINES, ".notice-lines td.name"))
    assert set(NAMES) <= set(lines)
    assert {name: n for name, n in lines.items() if n != 1} == {}

    sign_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/points/rankings/?year=2026")
    lines = dict(page.evaluate(LINES, "#ranking-table td.name a"))
    assert set(NAMES) <= set(lines)
    assert {name: n for name, n in lines.items() if n != 1} == {}


def test_headers_do_not_stack_characters_at_1280(posted: object, live_server, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "alice")
    for url in ("/points/county/?year=2026", f"/points/townships/{posted.town_a.pk}/?year=2026"):  # type: ignore[attr-defined]
        page.goto(live_server.url + url)
        headers = page.evaluate(LINES, "thead th")
        assert headers, url
        # a header may take two lines, never one character on each
        stacked = [(text, n) for text, n in headers if n > 2 or (n > 1 and len(text) <= 4)]
        assert stacked == [], url
