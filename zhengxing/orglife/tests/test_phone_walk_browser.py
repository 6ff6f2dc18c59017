"""Organisation life walked on a 375×740 phone by each demo role that uses it (issue 20: "Pages
for each role (member on a phone; secretary; township)"), in Debian's chromium, on the demo
county served as `make run` serves it (web/tests/served.py).

持续规范“三会一课”制度,坚持每月党员活动一次 … 创新性开展“支部开超市、党员攒积分”活动 (article 000);
年老体弱党员建言献策 (000): the elderly are members too, and many read their phone with its text
made large.

Each role starts from its home page and follows every organisation-life link it is shown; every
page passes the phone's checks (web/tests/phone_walk.py). Then each does a real task on the
phone: the secretary plans today's members' meeting and shows its sign-in code; the member
scans it (opens the address the code carries) and signs in; the secretary ticks one more
present and closes the minutes; the member redeems something in the points supermarket; the
township opens the year's meeting record and downloads its Excel; the member, and the elderly
member with large text, cast the democratic appraisal's ballot open in their branch.

What the first walk found, each now held by a check here: the phone's own text size ignored (the
page's text set in px: an elderly member's 150% changed nothing); a 404 for the site's icon on
every first page; the secretary's roll to tick (5,333 px) and the members who came to a chance
to serve as 20 px boxes, three lines a member; the branch's meetings (6,259 px, the plan form
at the bottom) and the appraisal's grades (3,876 px) as cards of a line per cell; a meeting's
"Signed in" read as 登录 (logged in); items the member cannot afford offered to redeem.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, expect

from zhengxing.web.tests.phone_walk import Walk, phone
from zhengxing.web.tests.served import Site, demo_served

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("crawl")]

ORGLIFE = ("/life/", "/p/life/")
# the demo's logins, and the elderly member's this module gives a login (ELDER)
NAMES = frozenset({"member", "secretary", "committee", "township1", "grid", "elder"})
LARGE_TEXT = 24  # px: the phone's text at 150%, as an elderly member sets it

# The longest pages at 375 px, for the demo branch's 31 members and its 30 meetings of the year
# (px; before this walk: a card of one line per cell, three to five lines per member or meeting)
BUDGETS = {
    "secretary": {
        "/life/branch/N/meetings/": 3500,  # 6,259: the plan form below thirty meeting cards
        "/life/meetings/N/": 3700,  # 5,333: the roll to tick, three lines a member
        "/life/appraisal/N/": 2500,  # 4,425: the grades, three lines a member
    },
    # 3,876 as the posted result's cards; now the open ballot, a 48 px row for each of 32
    "member": {"/life/appraisal/": 2300},
}
NUMBER = re.compile(r"\d+")

# An elderly member of the secretary's branch (年老体弱党员, 72 to 90 in the demo) with a login
# of their own, as their branch would give one.
ELDER = """
from zhengxing.core.actor import Actor
from zhengxing.orgs.models import Member, RoleAssignment
from zhengxing.orgs.services import role_grant, user_create
actor = Actor.system("phone walk")
branch = RoleAssignment.objects.get(user__username="secretary").org
elder = Member.objects.filter(branch=branch, category="elderly", user=None).earliest("birth_date")
user = user_create(actor=actor, username="elder", password="Demo-2026-zx", name=elder.name)
role_grant(actor=actor, user=user, org=branch, role="member")
Member.objects.filter(pk=elder.pk).update(user=user)
"""


@pytest.fixture(scope="module")
def site(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A copy of the demo county served for this module, with the elderly member's login (and
    no second factor: the township's is the crawl's to test)."""
    var = tmp_path_factory.mktemp("walk")
    with demo_served(built_demo, var, otp_roles="", setup=ELDER) as served:
        yield served


def _db(site: Site, sql: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(site.database) as db:
        return list(db.execute(sql, params))


@pytest.mark.parametrize(
    ("role", "font_px"),
    [("member", None), ("elder", LARGE_TEXT), ("secretary", None), ("township1", None)],
)
def test_each_role_walks_organisation_life_on_a_phone(
    role: str, font_px: int | None, site: Site, browser: Browser
) -> None:
    context, page, behind = phone(browser, site.base, role, font_px=font_px)
    try:
        walk = Walk(role, page, site.base, names=NAMES)
        if font_px is not None:  # the phone's large text reaches the page's text
            size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert size >= font_px, size
        walk.follow(["/"], ORGLIFE, limit=40)
    finally:
        context.close()
    assert not walk.problems + behind, "\n".join(walk.problems + behind)
    pages = {p.split("?")[0] for p in walk.visited}
    assert len(pages) >= 12, walk.visited
    for shape, budget in BUDGETS.get(role, {}).items():
        heights = {p: h for p, h in walk.heights.items() if NUMBER.sub("N", p) == shape}
        assert heights and max(heights.values()) <= budget, (shape, heights)


def _member_name(site: Site, username: str) -> str:
    ((name,),) = _db(
        site,
        "SELECT m.name FROM orgs_member m JOIN auth_user u ON u.id = m.user_id "
        "WHERE u.username = ?",
        username,
    )
    return str(name)


def _redeemed(site: Site, username: str) -> int:
    """The receipts of the member who logs in as `username`, as the shop's ledger holds them."""
    ((n,),) = _db(
        site,
        "SELECT count(*) FROM orglife_shopentry e JOIN orgs_member m ON m.id = e.member_id "
        "JOIN auth_user u ON u.id = m.user_id WHERE e.kind = 'redeem' AND u.username = ?",
        username,
    )
    return int(n)


def test_a_meeting_signed_in_by_scanning_closed_and_the_shop_and_the_record(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    """The tasks, each on a phone; each page they pass through is checked as in the walk."""
    phones = {role: phone(browser, site.base, role) for role in ("secretary", "member")}
    secretary = Walk("secretary", phones["secretary"][1], site.base, names=NAMES)
    member = Walk("member", phones["member"][1], site.base, names=NAMES)
    carol, erin = secretary.page, member.page
    try:
        # the secretary plans today's branch members' meeting
        secretary.tap(carol.locator('main a[href="/life/"]').first)
        secretary.tap(carol.locator('main a[href$="/meetings/"]').first)
        plan = carol.locator("form", has=carol.locator("select[name=kind]"))
        plan.locator("select[name=kind]").select_option("members")
        plan.locator("input[name=place]").fill("村委会会议室")
        plan.locator("textarea[name=agenda]").fill("学习党的二十届三中全会精神；讨论冬季防火")
        secretary.tap(plan.locator("button.primary"))
        expect(carol.locator(".messages")).to_contain_text("会议")
        meeting = carol.url.removeprefix(site.base)
        meeting_id = int(meeting.strip("/").rsplit("/", 1)[1])
        # … and shows its sign-in code on her phone: the code carries the address a scan opens
        secretary.tap(carol.locator('main a[href$="/qr/"]'))
        address = carol.locator("#live-code svg title").text_content() or ""
        assert address.startswith(site.base + "/life/s/"), address

        # the member scans it: the address opens on her phone, one button signs her in
        member.open(address)
        member.tap(erin.locator("main button.primary"))
        assert erin.url == site.base + meeting, erin.url
        expect(erin.locator("#mine")).to_contain_text("已签到")
        ((signed,),) = _db(
            site,
            "SELECT count(*) FROM orglife_signin s JOIN orgs_member m ON m.id = s.member_id "
            "JOIN auth_user u ON u.id = m.user_id WHERE s.meeting_id = ? AND u.username = ?",
            meeting_id,
            "member",
        )
        assert signed == 1

        # the secretary ticks one more present (without a phone) and closes the minutes
        secretary.open(meeting)
        # her line on the roll says she signed in (已签到: "Signed in" was read as 登录, logged in)
        signed_in = carol.locator("#roll .picked", has_text=_member_name(site, "member"))
        expect(signed_in).to_contain_text("已签到")
        carol.locator("#roll input[type=checkbox]").first.check()
        secretary.tap(carol.locator("#roll button.primary[form=tick]"))
        carol.locator("textarea[name=minutes]").fill("到会党员学习了全会精神，布置了冬季防火。")
        secretary.tap(carol.locator("form[action$='/close/'] button.primary"))
        expect(carol.locator(".messages")).to_contain_text("积分")
        ((closed, present),) = _db(
            site,
            "SELECT m.closed_at, (SELECT count(*) FROM orglife_signin s WHERE s.meeting_id = m.id) "
            "FROM orglife_meeting m WHERE m.id = ?",
            meeting_id,
        )
        assert closed is not None and present == 2, (closed, present)

        # the member redeems something in the points supermarket, from her home page
        before = _redeemed(site, "member")
        member.open("/")
        member.tap(erin.locator('main a[href="/life/shop/"]').first)
        # what she cannot afford says so before she taps (she has 3 points; oil takes 15)
        expect(erin.locator(".shop-item .why-not").first).to_contain_text("积分不足")
        item = erin.locator("form.shop-item", has=erin.locator("details.confirm")).first
        item.locator("summary").click()  # the second look: what it costs, and no undoing it
        member.check()
        member.tap(item.locator(".confirm-panel button.primary"))
        expect(erin.locator(".messages li").first).not_to_have_class("error")
        assert _redeemed(site, "member") == before + 1
    finally:
        for context, _, _ in phones.values():
            context.close()

    # the township opens the year's meeting record and downloads its Excel
    context, clerk, behind = phone(browser, site.base, "township1")
    township = Walk("township1", clerk, site.base, names=NAMES)
    try:
        township.tap(clerk.locator('main a[href="/life/"]').first)
        township.tap(clerk.locator('main a[href^="/life/record/"]').first)
        with clerk.expect_download() as download:
            clerk.locator('main a[href*="/xlsx"]').click()
        saved = tmp_path / "record.xlsx"
        download.value.save_as(saved)
    finally:
        context.close()
    sheet = openpyxl.load_workbook(saved).active
    assert sheet is not None
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "乌兰村支部委员会" in cells, cells[:300]

    found = secretary.problems + member.problems + township.problems
    found += [*phones["secretary"][2], *phones["member"][2], *behind]
    assert not found, "\n".join(found)


def _ballots_cast(site: Site, username: str) -> tuple[int, int]:
    """The grades the member who logs in as `username` has cast in their branch's open round,
    and how many of the branch have voted."""
    ((mine, voters),) = _db(
        site,
        "SELECT (SELECT count(*) FROM orglife_appraisalballot b WHERE b.round_id = r.id "
        "AND b.voter_id = m.id), (SELECT count(DISTINCT voter_id) FROM orglife_appraisalballot b "
        "WHERE b.round_id = r.id) FROM orglife_appraisalround r "
        "JOIN orgs_member m ON m.branch_id = r.branch_id JOIN auth_user u ON u.id = m.user_id "
        "WHERE r.posted_at IS NULL AND u.username = ?",
        username,
    )
    return int(mine), int(voters)


@pytest.mark.parametrize(
    ("role", "font_px", "budget"), [("member", None, 2300), ("elder", LARGE_TEXT, 4500)]
)
def test_a_member_casts_the_appraisal_ballot_on_a_phone(
    role: str, font_px: int | None, budget: int, site: Site, browser: Browser
) -> None:
    """The year's appraisal open in the demo's branch ("通过年终民主评议党员大会", 003), its ballot
    on a phone by a member and by an elderly member with large text: a row a member, nothing chosen
    beforehand; 优秀 counted against the cap as she taps, one too many said at once; the link
    to the next not graded brings it onto the screen; casting with some left is stopped and
    they are marked; cast whole, it is counted and shown back. Every page passes the phone's
    checks; the ballot of 32 stays within `budget` px (it was four lines of radio buttons a
    member)."""
    context, page, behind = phone(browser, site.base, role, font_px=font_px)
    walk = Walk(role, page, site.base, names=NAMES)
    mine, voters = _ballots_cast(site, role)
    assert mine == 0
    try:
        walk.open("/")
        walk.tap(page.locator('main a[href="/life/appraisal/"]').first)
        form = page.locator("form[data-appraisal]")
        rows = form.locator(".ballot-row")
        n = rows.count()
        assert n >= 20 and walk.heights["/life/appraisal/"] <= budget
        expect(form.locator("input:checked")).to_have_count(0)  # not even 合格
        allowed = int(form.get_attribute("data-allowed") or "0")
        assert allowed >= 1
        tally = form.locator(".appraisal-tally")
        for i in range(allowed + 1):
            rows.nth(i).locator("label.grade-excellent").click()
        expect(tally.locator("[data-excellent]")).to_have_text(str(allowed + 1))
        expect(tally.locator("[data-excellent-box]")).to_have_class(re.compile(r"\bover\b"))
        expect(tally.locator("[data-note]")).to_contain_text(f"优秀最多{allowed}人")
        rows.nth(allowed).locator("label.grade-qualified").click()  # the extra one: 合格
        expect(tally.locator("[data-excellent-box]")).not_to_have_class(re.compile(r"\bover\b"))
        expect(tally.locator("[data-note]")).to_be_hidden()
        expect(tally).to_contain_text(f"已评 {allowed + 1}/{n}")
        # the next not graded comes onto the screen, above the tally at the foot
        tally.locator("[data-next]").click()
        expect(rows.nth(allowed + 1)).to_be_in_viewport()
        # cast with the rest left: stopped, the rest marked, nothing sent
        form.locator("#cast").click()
        expect(tally.locator("[data-note]")).to_contain_text(f"还有{n - allowed - 1}人未评")
        expect(form.locator(".ballot-row.todo")).to_have_count(n - allowed - 1)
        assert _ballots_cast(site, role) == (0, voters)
        for i in range(allowed + 1, n):
            rows.nth(i).locator(
                "label.grade-basic" if i == n - 1 else "label.grade-qualified"
            ).click()
        expect(tally).to_contain_text(f"已评 {n}/{n}")
        expect(tally.locator("[data-next]")).to_be_hidden()
        expect(form.locator(".ballot-row.todo")).to_have_count(0)
        walk.tap(form.locator("#cast"))
        expect(page.locator(".messages")).to_contain_text(f"你的选票已计入：{voters + 1}/")
        expect(page.locator("#voters")).to_contain_text("你已投票")
        expect(page.locator("form[data-appraisal] input:checked")).to_have_count(n)
    finally:
        context.close()
    assert _ballots_cast(site, role) == (n, voters + 1)
    assert not walk.problems + behind, "\n".join(walk.problems + behind)


# The grid and the mobile members' pages added last session (issues 21, 22), walked the same way
GRID_AND_MOBILE = ("/grid/", "/mobile/", "/p/grid/", "/p/mobile/")


@pytest.mark.parametrize(
    ("role", "reached"),
    [
        # the member received on a letter from outside the system, and their joint file
        ("secretary", ("/mobile/transfers/arrive/", "/mobile/members/N/file/", "/mobile/qr/N/")),
        ("grid", ("/grid/needs/", "/grid/need/N/", "/grid/household/N/")),
        ("member", ("/mobile/transfers/",)),
        ("township1", ("/mobile/qr/N/", "/grid/campaigns/")),
    ],
)
def test_each_role_walks_the_grid_and_mobile_members_on_a_phone(
    role: str, reached: tuple[str, ...], site: Site, browser: Browser
) -> None:
    """The member's joint file (/mobile/members/N/file/), arrivals (/mobile/transfers/arrive/)
    and the grid's needs, among every page of the two each role is shown (from its home page,
    and the transfers' page, where arrivals are listed). Found on the way: the mobile members'
    registration sheet 557 px wide (its address unbroken), boxes to tick 35 px high (every
    label of a box, site-wide), and a grid worker shown the button to receive an arrival (403)
    and an arrival's joint file (404)."""
    context, page, behind = phone(browser, site.base, role)
    try:
        walk = Walk(role, page, site.base, names=NAMES)
        walk.follow(["/", "/mobile/transfers/"], GRID_AND_MOBILE, limit=40)
    finally:
        context.close()
    assert not walk.problems + behind, "\n".join(walk.problems + behind)
    shapes = {NUMBER.sub("N", p.split("?")[0]) for p in walk.visited}
    assert set(reached) <= shapes, (reached, walk.visited)
