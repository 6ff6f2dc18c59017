"""The target points' and the secretaries' review's pages walked on a 375×740 phone (issue 25:
"Pages for the unit's Party staff, the assessors (phone, on site), the county and the
public"), in Debian's chromium, on the demo county served as `make run` serves it
(web/tests/served.py), with the helpers of web/tests/phone_walk.py.

"建立目标工作台账，采取日常考评和现场考评相结合的方式，对目标完成情况进行评审，结果实时公示"
and "党建第一责任人述职评议" (article 004, Sanmenxia).

Each role starts from its home page and the two parts' index pages and follows every link into
them it is shown; every page passes the phone's checks (200, nothing wider than the phone,
controls labelled, buttons a thumb high, no English left, nothing failing behind it). Then the
tasks, each on a phone: the village's secretary reports progress with a photo; the township
scores it from its queue; the county and the township score the open on-site visit and the
township, its leader, closes it; the second township's review panel scores a report."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from zhengxing.web.tests.crawl import NUMBER
from zhengxing.web.tests.phone_walk import Walk, phone
from zhengxing.web.tests.served import Site, demo_served

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("crawl")]

PARTS = ("/targets/", "/p/targets/", "/dutyreports/", "/p/dutyreports/")
NAMES = frozenset({"county", "township1", "township2", "secretary", "cunwei", "zhibu2"})
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

# The village the demo's open on-site visit is to gets a login for its secretary (cunwei), who
# keeps its target ledger; the second township holds a review of one of its branches, the
# branch's secretary (zhibu2) has submitted the report, the meeting is open, the township's
# login on its panel.
SETUP = """
from django.utils import timezone
from zhengxing.core.actor import Actor
from zhengxing.dutyreports import services as duty
from zhengxing.orgs.demo import PASSWORD
from zhengxing.orgs.models import Org, RoleAssignment
from zhengxing.orgs.services import role_grant, user_create
from zhengxing.targets.models import OnsiteVisit
actor = Actor.system("phone walk")
unit = OnsiteVisit.objects.get(status="open").unit
staff = user_create(actor=actor, username="cunwei", password=PASSWORD, name="村党组织书记")
role_grant(actor=actor, user=staff, org=unit, role="secretary")
town = RoleAssignment.objects.select_related("org", "user").get(user__username="township2")
branch = Org.objects.filter(path__startswith=town.org.path, kind="branch").order_by("path")[0]
writer = user_create(actor=actor, username="zhibu2", password=PASSWORD, name="支部书记")
role_grant(actor=actor, user=writer, org=branch, role="secretary")
now = timezone.now()
lead = Actor(user=town.user, label="township2", now=now)
rnd = duty.round_create(actor=lead, org=town.org, year=now.year)
duty.round_panel_add(actor=lead, round=rnd, user=town.user)
held = duty.round_unit_add(actor=lead, round=rnd, org=branch)
duty.report_submit(
    actor=Actor(user=writer, label="zhibu2", now=now), unit=held,
    text="本年度履行党建第一责任人职责情况：召开支部党员大会12次，讲党课4次。",
)
duty.round_open(actor=lead, round=rnd)
"""


@pytest.fixture(scope="module")
def site(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    var = tmp_path_factory.mktemp("walk-targets")
    with demo_served(built_demo, var, otp_roles="", setup=SETUP) as served:
        yield served


def _db(site: Site, sql: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(site.database) as db:
        return list(db.execute(sql, params))


def _count(site: Site, sql: str, *params: object) -> int:
    ((n,),) = _db(site, sql, *params)
    return int(n)


@pytest.mark.parametrize(
    ("role", "reached"),
    [
        ("cunwei", ("/targets/unit/N/",)),  # the unit's Party staff
        ("township1", ("/targets/queue/", "/targets/visits/N/", "/targets/onsite/N/")),
        ("county", ("/targets/catalogues/N/", "/targets/catalogues/new/", "/targets/visits/N/")),
        ("township2", ("/dutyreports/N/", "/dutyreports/report/N/")),
        ("secretary", ("/dutyreports/unit/N/",)),
    ],
)
def test_each_role_walks_the_targets_and_the_review_on_a_phone(
    role: str, reached: tuple[str, ...], site: Site, browser: Browser
) -> None:
    context, page, behind = phone(browser, site.base, role)
    try:
        walk = Walk(role, page, site.base, names=NAMES)
        walk.follow(["/", "/targets/?year=2026", "/dutyreports/"], PARTS, limit=30)
    finally:
        context.close()
    assert not walk.problems + behind, "\n".join(walk.problems + behind)
    shapes = {NUMBER.sub("N", p.split("?")[0]) for p in walk.visited}
    assert set(reached) <= shapes, (reached, walk.visited)


def test_the_public_walks_the_results_on_a_phone(site: Site, browser: Browser) -> None:
    ((code,),) = _db(
        site,
        "SELECT DISTINCT c.code FROM orgs_county c "
        "JOIN targets_targetcatalogue t ON t.county_id = c.id",
    )
    ((ref,),) = _db(
        site,
        "SELECT DISTINCT o.public_ref FROM dutyreports_reviewround r "
        "JOIN orgs_org o ON o.county_id = r.county_id AND o.parent_id IS NULL "
        "WHERE r.state = 'closed'",  # the county's page (its root's reference) lists its rounds
    )
    context, page, behind = phone(browser, site.base, None)
    try:
        walk = Walk("visitor", page, site.base, names=NAMES)
        walk.follow([f"/p/targets/{code}/", f"/p/dutyreports/{ref}/"], PARTS, limit=10)
    finally:
        context.close()
    assert not walk.problems + behind, "\n".join(walk.problems + behind)
    assert len(walk.visited) >= 2, walk.visited


def test_progress_scored_a_visit_scored_and_closed_and_a_review_scored(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    photo = tmp_path / "meeting.png"
    photo.write_bytes(PNG)
    found: list[str] = []

    contexts: list[tuple[BrowserContext, list[str]]] = []

    def on_phone(role: str) -> Walk:
        context, page, behind = phone(browser, site.base, role)
        contexts.append((context, behind))
        return Walk(role, page, site.base, names=NAMES)

    try:
        # the village's secretary reports progress with a photo
        cunwei = on_phone("cunwei")
        cunwei.open("/targets/?year=2026")
        cunwei.tap(cunwei.page.locator('main a[href^="/targets/unit/"]').first)
        form = cunwei.page.locator("form", has=cunwei.page.locator("select[name=code]"))
        form.locator("textarea[name=text]").fill("11月召开党员大会，学习全会精神")
        form.locator("input[name=value]").fill("3")
        form.locator("input[name=evidence]").set_input_files(str(photo))
        before = _count(site, "SELECT count(*) FROM targets_targetentry WHERE kind = 'progress'")
        cunwei.tap(form.locator("button.primary"))
        expect(cunwei.page.locator(".messages li").first).not_to_have_class("error")
        assert (
            _count(site, "SELECT count(*) FROM targets_targetentry WHERE kind = 'progress'")
            == before + 1
        )

        # the township scores it from its queue
        town = on_phone("township1")
        town.open("/targets/?year=2026")
        town.tap(town.page.locator('main a[href^="/targets/queue/"]').first)
        mine = town.page.locator("form", has_text="11月召开党员大会").first
        mine.locator("input[name=points]").fill("1")
        town.tap(mine.locator("button.primary"))
        assert (
            _count(
                site,
                "SELECT count(*) FROM targets_targetentry d JOIN targets_targetentry p "
                "ON p.id = d.submission_id WHERE d.kind = 'daily' AND p.text LIKE '11月召开%'",
            )
            == 1
        )

        # the county scores the open visit on its phone; then the township, which leads it
        county = on_phone("county")
        county.open("/targets/?year=2026")
        county.tap(county.page.locator('main a[href^="/targets/visits/"]').first)
        visit = county.page.url.removeprefix(site.base)
        for box in county.page.locator("#checklist input[inputmode=decimal]").all():
            box.fill("3")
        county.tap(county.page.locator("#checklist button.primary"))
        town.open(visit)
        for box in town.page.locator("#checklist input[inputmode=decimal]").all():
            box.fill("4")
        town.tap(town.page.locator("#checklist button.primary"))
        town.page.locator("details#confirm-close summary").click()
        town.check()
        town.tap(town.page.locator("#confirm-close .confirm-panel button.primary"))
        visit_id = int(visit.strip("/").rsplit("/", 1)[1])
        ((status,),) = _db(site, "SELECT status FROM targets_onsitevisit WHERE id = ?", visit_id)
        assert status == "closed"
        # each target's score is the two assessors' mean: (3 + 4) / 2
        points = _db(
            site,
            "SELECT DISTINCT points FROM targets_targetentry "
            "WHERE visit_id = ? AND kind = 'onsite'",
            visit_id,
        )
        assert [float(p) for (p,) in points] == [3.5]

        # the second township's panel scores the branch secretary's report
        panel = on_phone("township2")
        panel.open("/dutyreports/")
        panel.tap(panel.page.locator('main a[href^="/dutyreports/"]:not([href$="rubric/"])').first)
        panel.tap(panel.page.locator('main a[href^="/dutyreports/report/"]').first)
        score = panel.page.locator("form", has=panel.page.locator("input[name^=item_]"))
        for box in score.locator("input[name^=item_]").all():
            box.fill("1")
        panel.tap(score.locator("button.primary"))
        assert (
            _count(
                site,
                "SELECT count(*) FROM dutyreports_score s JOIN dutyreports_panelmember p "
                "ON p.id = s.panelist_id JOIN auth_user u ON u.id = p.user_id "
                "WHERE u.username = 'township2'",
            )
            == 1
        )
        for w in (cunwei, town, county, panel):
            found += w.problems
    finally:
        for context, behind in contexts:
            context.close()
            found += behind
    assert not found, "\n".join(found)
