"""In a real browser on a phone (375×812): the pages a secretary, a member and a villager use
most, with a realistic amount on them (branch A1B of 32 members, half in its Party group).

Page heights at 375 px before this work (issue 18): the review queue of 43 claims 25,443 px
(a card each), the public ballot of 32 people 3,569 px (a box each, every name twice). The
budgets below keep them within a few screens; nothing is wider than the phone, the controls
are big enough for a thumb, and what the pages do without a reload is checked as it happens.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, FloatRect, Page, expect

from zhengxing.core.actor import Actor
from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.ledger.services import catalogue_from_preset, claim_record_many
from zhengxing.orgs.models import Member
from zhengxing.stars.ballots import codes_issue
from zhengxing.stars.rounds import round_create
from zhengxing.testing import PHONE, SYSTEM, Cast, add_member, build_cast, phone_page

pytestmark = pytest.mark.browser

REVIEW_BUDGET = 4000  # px, for 43 claims (25,443 before)
BALLOT_BUDGET = 3000  # px, for 32 people (3,569 before)


def _now_as(user) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=user, label=user.get_username(), now=timezone.now())


@pytest.fixture
def village(transactional_db: None) -> tuple[Cast, list[Member], RuleCatalogue]:
    """Branch A1B with 32 members (its two of the cast and 30 more, half in its Party group),
    under the county's Sanmenxia rules for this year."""
    cast = build_cast()
    more = [
        add_member(cast.county, "A1B", name=f"村民{n:02d}", group_code="A1B-G1" if n % 2 else "")
        for n in range(30)
    ]
    rules = catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=timezone.localdate().year,
        preset="sanmenxia",
    )  # fmt: skip
    return cast, [cast.erin_member, cast.member_a1, *more], rules


def _size(page: Page) -> tuple[int, int]:
    """(height, width) of the whole page."""
    return (
        page.evaluate("document.documentElement.scrollHeight"),
        page.evaluate("document.documentElement.scrollWidth"),
    )


def _box(page: Page, selector: str) -> FloatRect:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _record(
    cast: Cast, rules: RuleCatalogue, code: str, members: list[Member], day: dt.date
) -> None:
    claim_record_many(
        actor=_now_as(cast.cathy), branch=cast.branch_a1, item=rules.items.get(code=code),
        members=members, occurred_on=day, place="村委会",
        description=f"{code} 清扫积雪、调解纠纷等，写得长一些，像真的申报一样",
        idempotency_key=f"{code}{day}",
    )  # fmt: skip


def test_the_review_queue_of_43_claims_on_a_phone(village, live_server, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    cast, members, rules = village
    today = timezone.localdate()
    _record(cast, rules, "SMX-G02", members, today)
    _record(cast, rules, "SMX-G04", members[:11], today - dt.timedelta(days=1))
    carol = phone_page(browser, live_server.url, "carol")
    carol.goto(live_server.url + f"/points/workflow/{cast.branch_a1.pk}/review/")
    expect(carol.locator("#review-counts")).to_have_text("43条申报待审核")
    height, width = _size(carol)
    assert width <= PHONE["width"] and height <= REVIEW_BUDGET, (height, width)
    assert carol.locator(".queue-row").count() == 43
    line = _box(carol, ".queue-line")
    assert 44 <= line["height"] <= 64, line  # one line per claim
    # one tap approves a claim: its line says so, and the count follows without a reload
    carol.locator(".queue-quick button").first.click()
    expect(carol.locator(".queue-row.decided")).to_have_count(1)
    expect(carol.locator("#review-counts")).to_have_text("42条申报待审核")
    # the filter by member
    carol.select_option("select[name=member]", label="王甲")
    carol.locator(".queue-filters button").click()
    expect(carol.locator(".queue-row")).to_have_count(2)  # his snow and his mediation
    # approving all asks first, saying it cannot be undone
    carol.locator("#confirm-approve-all summary").click()
    expect(carol.locator("#confirm-approve-all .confirm-panel")).to_contain_text("此操作不能撤销")
    carol.locator("#confirm-approve-all button[name=confirm]").click()
    expect(carol.locator(".messages")).to_contain_text("已批准2条申报")
    expect(carol.locator("#review-counts")).to_contain_text("40条申报待审核")


def test_the_sign_off_button_is_off_and_says_why_while_claims_wait(
    village, live_server, browser: Browser
) -> None:  # type: ignore[no-untyped-def]
    cast, members, rules = village
    last_quarter_day = dt.date(timezone.localdate().year, 9, 30)  # Q3, ended
    _record(cast, rules, "SMX-G02", members[:3], last_quarter_day)
    carol = phone_page(browser, live_server.url, "carol")
    year = last_quarter_day.year
    carol.goto(live_server.url + f"/points/workflow/{cast.branch_a1.pk}/sign-off/?quarter={year}Q3")
    button = carol.locator(".confirm-off button")
    expect(button).to_be_disabled()
    style = button.evaluate(
        "b => [getComputedStyle(b).cursor, getComputedStyle(b).backgroundColor]"
    )
    assert style[0] == "not-allowed" and style[1] != "rgb(192, 22, 29)", style  # not red
    expect(carol.locator(".why-not")).to_contain_text("还有3条申报待审核")


def test_the_public_ballot_of_32_people_on_a_phone(village, live_server, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    cast, _, _ = village
    now = timezone.now()
    round_ = round_create(
        actor=_now_as(cast.carol), org=cast.branch_a1, year=now.year, period="Y",
        kind="public", name="群众评议",
        indicators=[{"code": "T", "name": "综合评价", "max": "100"}],
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10),
    )  # fmt: skip
    [code] = codes_issue(actor=_now_as(cast.carol), round_=round_, count=1)
    villager = phone_page(browser, live_server.url)
    villager.goto(live_server.url + f"/p/stars/rounds/{round_.pk}/vote/?code={code}")
    height, width = _size(villager)
    assert width <= PHONE["width"] and height <= BALLOT_BUDGET, (height, width)
    assert villager.locator(".ballot-row").count() == 32
    row = _box(villager, ".ballot-row")
    assert row["height"] <= 70, row  # one line per person
    grade = _box(villager, ".grade")
    assert grade["height"] >= 44 and grade["width"] >= 44, grade
    expect(villager.locator(".ballot-progress")).to_have_text("已评 0/32")
    first = villager.locator(".ballot-row").first
    first.locator(".grade", has_text="优秀").click()
    expect(first.locator("input.ballot-score")).to_have_value("95.0")
    expect(villager.locator(".ballot-progress")).to_have_text("已评 1/32")
    second = villager.locator(".ballot-row").nth(1)
    second.locator("input.ballot-score").fill("101")
    expect(villager.locator(".ballot-progress")).to_have_text("已评 2/32")
    villager.locator("form button.primary").click()
    # refused beside its row, the first row kept as tapped
    expect(villager.locator(".ballot-row.has-error")).to_have_count(1)
    expect(villager.locator(".ballot-row.has-error .ballot-errors")).to_contain_text("0至100分")
    expect(villager.locator(".ballot-row").first.locator("input.ballot-score")).to_have_value(
        "95.0"
    )


def test_a_member_reports_in_three_taps_from_her_home_page(
    village, live_server, browser: Browser
) -> None:  # type: ignore[no-untyped-def]
    cast, _, _ = village
    erin = phone_page(browser, live_server.url, "erin")
    taps = 0
    erin.locator('main a[href="/points/claim/new/"]').first.click()  # a button on her home page
    taps += 1
    assert "SMX-" not in erin.locator("main").inner_text()
    expect(erin.locator(".item-points").first).to_be_hidden()  # no points until chosen
    expect(erin.locator(".field-points")).to_be_hidden()
    item = erin.locator(".item-row", has_text="调解邻里纠纷")
    assert _box(erin, ".item-row")["height"] >= 44
    item.click()
    taps += 1
    expect(item.locator(".item-points")).to_be_visible()
    expect(item.locator(".item-points")).to_contain_text("5分")
    expect(erin.locator(".field-points")).to_be_visible()
    erin.fill("input[name=place]", "村口")
    erin.fill("textarea[name=description]", "调解两户人家的宅基地纠纷")
    assert _box(erin, "button.wide")["height"] >= 44
    erin.locator("button.wide").click()
    taps += 1
    expect(erin.locator(".messages")).to_contain_text("申报已提交")
    assert taps == 3 and Claim.objects.filter(member=cast.erin_member).count() == 1
    _, width = _size(erin)
    assert width <= PHONE["width"]


def test_registering_for_a_party_group_on_a_phone(village, live_server, browser: Browser) -> None:  # type: ignore[no-untyped-def]
    cast, members, _ = village
    carol = phone_page(browser, live_server.url, "carol")
    carol.goto(live_server.url + f"/points/workflow/{cast.branch_a1.pk}/record/")
    _, width = _size(carol)
    assert width <= PHONE["width"]
    label = _box(carol, ".pick-list label")
    assert label["height"] >= 44, label
    carol.locator("[data-pick]", has_text="第一党小组").click()
    in_group = 1 + 15  # 李二妮 and half the thirty
    expect(carol.locator(".pick-list input:checked")).to_have_count(in_group)
    expect(carol.locator("[data-ticked]")).to_have_text(str(in_group))
    carol.locator(".pick-list label", has_text="王甲").click()  # the name ticks the box
    expect(carol.locator("[data-ticked]")).to_have_text(str(in_group + 1))
    carol.locator("[data-pick=all]").click()
    expect(carol.locator(".pick-list input:checked")).to_have_count(len(members))
    assert re.search(r"/record/$", carol.url)  # ticked in place, no reload
