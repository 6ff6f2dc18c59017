"""In a real browser (chromium, 375 px, Chinese): the public verify page checks a posted notice
itself — the leaf hashed, its inclusion proof walked to the county's signed head, the head's
Ed25519 signature, the leaf's figures against those the notice's QR code carries — and says so
in a villager's words (issue 24, part 2). The attacks: the issue's rewrite by someone holding
the database and the key (every hash, total, notice and tree head recomputed and re-signed),
caught by the figures on the paper; a rewrite without the key, caught by the tree, which names
the figure changed; a corrupted proof and a forged signature; a browser without Ed25519, which
the page says plainly rather than claiming success; a kept heads file checked for consistency.

Issue 24: "a page where anyone pastes or scans a notice's QR code and sees whether the ledger
still matches what was posted"; 003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚
作假、评选过程不公正和结果不及时公开的情况给予通报"."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize, expect

from zhengxing.integrity import merkle
from zhengxing.integrity.kept import heads_document
from zhengxing.integrity.models import TreeHead
from zhengxing.ledger.models import Posting, QuarterClose
from zhengxing.ledger.selectors import posting_totals
from zhengxing.orgs.models import County
from zhengxing.testing import PHONE, Cast
from zhengxing.testing import run_sql as sql

from .test_kept_heads import rewrite_with_the_key

pytestmark = pytest.mark.browser

# what the page checks, in the order it says them: the leaf's path to the signed root, the
# head's signature, the leaf naming this notice, its figures against those held, the chain
CHECKS = ("tree", "signature", "names", "figures", "chain")


@pytest.fixture
def county(transactional_db: None, signed_q2: Cast) -> Cast:
    """The integrity cast (A1B's Q1 and Q2 and B1B's Q1 and Q2 signed: a tree of 4), committed
    for the live server to see."""
    return signed_q2


def qr_address(posting: Posting) -> str:
    """What the notice's QR code carries (ledger.views.public.notice_check_url), as printed."""
    totals = posting_totals(posting=posting)
    query = {
        "n": posting.slug,
        "h": posting.head_hash,
        "a": totals.additions,
        "d": totals.deductions,
    }
    return f"/p/integrity/T1/verify/?{urlencode(query)}"


def phone(browser: Browser) -> Page:
    size = ViewportSize(width=PHONE["width"], height=PHONE["height"])
    return browser.new_context(viewport=size, locale="zh-CN").new_page()


def verdict(page: Page, state: str) -> Any:
    """The page's verdict once it has one: the proof is fetched from the live server (its
    first request in a worker can take seconds on a loaded CI machine) and checked in the
    page, so longer than Playwright's 5 s is allowed before "pending" is a failure."""
    box = page.locator("[data-verdict]")
    expect(box).to_have_attribute("data-state", state, timeout=30_000)
    return box


def states(page: Page) -> dict[str, str]:
    items = page.locator("[data-findings] li")
    return {
        items.nth(i).get_attribute("data-check") or "": items.nth(i).get_attribute("data-state")
        or ""
        for i in range(items.count())
    }


def a1_q2() -> Posting:
    return Posting.objects.select_related("county").get(branch__code="A1B", year=2026, quarter=2)


def test_a_signed_quarter_scanned_from_its_qr_code_matches(
    county: Cast, live_server: Any, browser: Browser
) -> None:
    page = phone(browser)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(live_server.url + qr_address(a1_q2()))
    expect(verdict(page, "ok")).to_contain_text("与公示一致")
    assert states(page) == dict.fromkeys(CHECKS, "ok")
    figures = page.locator("[data-figures] tr")
    assert figures.count() == 3 and page.locator("[data-figures] tr.bad").count() == 0
    assert "共4项" in page.locator("[data-check=tree]").inner_text()
    # computed here: the root the browser walked to is the signed one, in the folded detail
    head = TreeHead.objects.get(county=county.county, size=4)
    assert page.locator("details.technical").get_attribute("open") is None
    assert (page.locator("[data-detail]").text_content() or "").count(head.root_hash) == 2
    assert float(page.locator("[data-verify]").get_attribute("data-ms") or "nan") < 1000
    # nothing from another site; the page fits the phone
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_rewrite_with_the_key_is_caught_by_the_figures_on_paper(
    county: Cast, live_server: Any, browser: Browser
) -> None:
    """The issue's attack: the database and the key in the forger's hands. The tree and its
    signature now hold for the rewritten quarter; what the QR code carried does not."""
    printed = qr_address(a1_q2())  # on the notice board since the sign-off
    rewrite_with_the_key(county)
    page = phone(browser)
    page.goto(live_server.url + printed)
    expect(verdict(page, "bad")).to_contain_text("与公示不一致")
    assert states(page) == {**dict.fromkeys(CHECKS, "ok"), "figures": "bad"}
    bad = page.locator("[data-figures] tr.bad")
    assert sorted(bad.nth(i).get_attribute("data-figure") or "" for i in range(bad.count())) == [
        "additions",
        "code",
    ]
    row = page.locator("[data-figures] tr[data-figure=additions]")
    expect(row).to_contain_text("21.0")  # as posted
    expect(row).to_contain_text("71.0")  # as the ledger now says
    # the check code typed from paper (16 digits, spaced as printed) is caught the same way
    code = " ".join(printed.split("h=")[1][i : i + 4] for i in range(0, 16, 4))
    page.goto(
        f"{live_server.url}/p/integrity/T1/verify/?{urlencode({'n': a1_q2().slug, 'h': code})}"
    )
    verdict(page, "bad")
    assert page.locator("[data-figures] tr.bad").get_attribute("data-figure") == "code"


def test_a_rewrite_without_the_key_is_caught_by_the_tree_which_names_the_figure(
    county: Cast, live_server: Any, browser: Browser
) -> None:
    close = QuarterClose.objects.get(branch=county.branch_a1, year=2026, quarter=2)
    sql("UPDATE ledger_quarterclose SET bonus_total = bonus_total + 50 WHERE id = %s", [close.pk])
    page = phone(browser)
    page.goto(live_server.url + qr_address(a1_q2()))
    expect(verdict(page, "bad")).to_contain_text("与公示不一致")
    tree = page.locator("[data-check=tree]")
    assert tree.get_attribute("data-state") == "bad"
    expect(tree).to_contain_text("签字后")
    expect(tree).to_contain_text("加分（贡献）合计签字时为 21.0，现为 71.0")
    assert states(page)["figures"] == "bad"


@pytest.mark.parametrize(
    ("spoil", "check"),
    [
        (lambda d: d["proof"].__setitem__(0, "00" * 32), "tree"),
        (lambda d: d["head"].__setitem__("root", "11" * 32), "tree"),
        (lambda d: d["head"].__setitem__("signature", d["head"]["signature"][::-1]), "signature"),
        (lambda d: d["head"].__setitem__("timestamp", d["head"]["timestamp"] + 1), "signature"),
    ],
    ids=["a corrupted proof", "another root", "a forged signature", "another moment"],
)
def test_a_corrupted_answer_from_the_server_is_reported_as_failure(
    county: Cast, live_server: Any, browser: Browser, spoil: Any, check: str
) -> None:
    page = phone(browser)

    def corrupted(route: Route) -> None:
        answer = route.fetch()
        data = answer.json()
        spoil(data)
        route.fulfill(response=answer, body=json.dumps(data))

    page.route("**/proof", corrupted)
    page.goto(live_server.url + qr_address(a1_q2()))
    expect(verdict(page, "bad")).to_contain_text("与公示不一致")
    assert states(page)[check] == "bad"


def test_a_browser_without_ed25519_is_told_plainly_not_given_success(
    county: Cast, live_server: Any, browser: Browser
) -> None:
    page = phone(browser)
    page.add_init_script(
        """(() => {
          const original = crypto.subtle.importKey.bind(crypto.subtle);
          crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
            algorithm && algorithm.name === "Ed25519"
              ? Promise.reject(new DOMException("no Ed25519", "NotSupportedError"))
              : original(format, key, algorithm, ...rest);
        })();"""
    )
    page.goto(live_server.url + qr_address(a1_q2()))
    box = verdict(page, "unsupported")
    expect(box).to_contain_text("未能完成核验")
    expect(page.locator("[data-check=signature]")).to_contain_text("签名【未】核验")
    assert "一致" not in box.inner_text()


def test_a_kept_heads_file_is_checked_for_consistency(
    county: Cast, live_server: Any, browser: Browser
) -> None:
    three = heads_document(county=county.county, heads=[TreeHead.objects.get(size=3)])
    four = heads_document(county=county.county, heads=[TreeHead.objects.get(size=4)])
    page = phone(browser)
    page.goto(live_server.url + "/p/integrity/T1/")
    page.get_by_role("link", name="在浏览器中核验公示或自己留存的树头文件").click()
    page.fill("[data-kept] textarea", json.dumps(three))
    page.locator("[data-kept] button").click()
    out = page.locator("[data-kept-verdict]")
    expect(out).to_have_attribute("data-state", "ok")
    expect(page.locator("[data-kept-findings]")).to_contain_text("共4项的树原样保留了您留存的前3项")
    # the rewrite: the head of 4 kept before it is no longer extended
    rewrite_with_the_key(county)
    page.fill("[data-kept] textarea", json.dumps(four))
    page.locator("[data-kept] button").click()
    expect(out).to_have_attribute("data-state", "bad")
    expect(out).to_contain_text("【不】包含")
    # a file that is not one
    page.fill("[data-kept] textarea", "{}")
    page.locator("[data-kept] button").click()
    expect(page.locator("[data-kept-findings]")).to_contain_text("这不是留存的树头文件")


def test_the_browser_walks_proofs_as_the_server_makes_them_for_every_small_tree(
    transactional_db: None, live_server: Any, browser: Browser
) -> None:
    """verify.js's inclusion and consistency checks (RFC 9162 §2.1.3.2, §2.1.4.2) against
    merkle.py's proofs, for every place and every pair of sizes up to 17 leaves (every shape of
    a tree's right edge), and each proof with one hash spoiled, which must fail."""
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(17)]
    cases: list[list[Any]] = []
    for n in range(1, 18):
        root = merkle.tree_root(leaves[:n]).hex()
        for i in range(n):
            path = [p.hex() for p in merkle.inclusion_proof(i, leaves[:n])]
            cases.append(["inclusion", i, n, leaves[i].hex(), path, root])
        for m in range(1, n + 1):
            proof = [p.hex() for p in merkle.consistency_proof(m, leaves[:n])]
            cases.append(["consistency", m, n, merkle.tree_root(leaves[:m]).hex(), proof, root])
    County.objects.create(code="T1", name="示范旗")
    page = browser.new_page()
    page.goto(live_server.url + "/p/integrity/T1/verify/")
    outcomes = page.evaluate(
        """async (cases) => {
          const V = window.ZhengxingVerify, h = V.bytesOfHex;
          const holds = async ([kind, a, n, first, path, root]) => kind === "inclusion"
            ? V.hexOf(await V.rootFromInclusion(a, n, h(first), path.map(h)) || []) === root
            : V.consistencyHolds(a, n, h(first), h(root), path.map(h));
          const spoil = (path) => path.map((p, i) => i === path.length - 1 ? "00".repeat(32) : p);
          const out = [];
          for (const c of cases) {
            const bad = [...c.slice(0, 4), spoil(c[4]), c[5]];
            const spoiled = c[4].length ? await holds(bad) : false;
            out.push([await holds(c), spoiled]);
          }
          return out;
        }""",
        cases,
    )
    assert len(outcomes) == len(cases) == 153 + 153
    assert all(good for good, _ in outcomes)
    assert not any(spoiled for _, spoiled in outcomes)
