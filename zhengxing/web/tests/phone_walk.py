"""A role walking a part of the site on a phone, as its people would (the phone walks:
orglife/tests/test_phone_walk_browser.py): from a start page it follows every link into that
part it is shown, and checks each page it opens at 375×740 —

- it opens (200) and nothing on it is wider than the phone: not the page, not any element
  (a table in a .table-scroll scrolls inside its box, which is fine);
- every form control is on the screen and labelled (a <label>, aria-label or aria-labelledby);
- a primary button, and a box to tick with its label, is at least 40 px high, a thumb's width;
- no heading, button, label or table header is left in English on the Chinese page;
- nothing went wrong behind it: no console error, no failed request, no request to another
  origin (every script, style and font is served by the site itself).

Each problem is kept with the page and role it was found on, so a failing test lists them all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, Response
from playwright.sync_api import Error as PlaywrightError

from .crawl import FILES, NUMBER, english_words
from .served import log_in

VIEWPORT = {"width": 375, "height": 740}
TAP = 40  # px: the least height of a primary button

# What one page shows that a person on a phone would trip over (each a list of strings)
CHECKS = (Path(__file__).parent / "phone_walk.js").read_text()


@dataclass
class Walk:
    """One role on a phone: the pages it opened, and every problem it found on them."""

    role: str
    page: Page
    base: str
    names: frozenset[str] = frozenset()
    visited: list[str] = field(default_factory=list)
    heights: dict[str, int] = field(default_factory=dict)  # px, of each page opened
    problems: list[str] = field(default_factory=list)
    _where: str = "/"

    def problem(self, what: str) -> None:
        self.problems.append(f"{self.role} {self._where}: {what}")

    def open(self, path: str) -> Response | None:
        """Open a page of the site and check it (the module's docstring)."""
        self._where = path.removeprefix(self.base)
        try:
            response = self.page.goto(self.base + self._where, wait_until="load")
        except PlaywrightError as e:  # a download (an Excel): its status by a plain request
            if "Download is starting" not in str(e):
                raise
            status = self.page.request.get(self.base + self._where).status
            if status != 200:
                self.problem(f"HTTP {status}")
            return None
        self.visited.append(self._where)
        if response is None or response.status != 200:
            self.problem(f"HTTP {response.status if response else '?'}")
            return response
        if self.html():
            self.check()
        return response

    def tap(self, target: Locator) -> None:
        """Tap a link or a button that opens a page, and check the page it opens."""
        with self.page.expect_navigation(wait_until="load"):
            target.click()
        self.check()

    def html(self) -> bool:
        return bool(self.page.evaluate("document.contentType === 'text/html'"))

    def check(self) -> None:
        """Check the page as it stands (after a tap as well as after opening it)."""
        self._where = self.page.url.removeprefix(self.base)
        found = self.page.evaluate(CHECKS, TAP)
        self.heights[self._where] = found["height"]
        if found["scroll"] > found["width"]:
            self.problem(f"the page is {found['scroll']}px wide on a {found['width']}px phone")
        for wide in found["wide"]:
            self.problem(f"wider than the phone: {wide}")
        for control in found["controls"]:
            self.problem(control)
        for small in found["small"]:
            self.problem(f"a tap target under {TAP}px: {small}")
        english = english_words("\n".join(found["words"]), names=self.names)
        if english:
            self.problem(f"English: {' '.join(sorted(set(english)))}")

    def links(self, prefixes: Sequence[str]) -> list[str]:
        """The links on the page into the part being walked (`prefixes`), in page order."""
        hrefs: list[str] = self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        found = []
        for href in hrefs:
            link = urldefrag(href)[0]
            if link.startswith(self.base) and urlsplit(link).path.startswith(tuple(prefixes)):
                found.append(link.removeprefix(self.base))
        return list(dict.fromkeys(found))

    def follow(
        self,
        starts: Iterable[str],
        prefixes: Sequence[str],
        *,
        limit: int = 30,
        same_shape: int = 2,
        skip: Sequence[str] = (),
    ) -> None:
        """Breadth-first from `starts`, every link into `prefixes` the role is shown, at most
        `same_shape` of one shape (differing in numbers or query) and `limit` pages in all;
        a file (Excel) is fetched for its status only."""
        queue = deque(starts)
        seen = set(queue)
        shapes: dict[str, int] = {}
        opened = 0
        while queue and opened < limit:
            path = queue.popleft()
            if urlsplit(path).path.endswith(FILES):
                status = self.page.request.get(self.base + path).status
                if status != 200:
                    self._where = path
                    self.problem(f"HTTP {status}")
                continue
            response = self.open(path)
            opened += 1
            if response is None or response.status != 200 or not self.html():
                continue
            for link in self.links(prefixes):
                if link in seen or link.startswith(tuple(skip)):
                    continue
                seen.add(link)
                shape = NUMBER.sub("N", urlsplit(link).path)
                shapes[shape] = shapes.get(shape, 0) + 1
                if shapes[shape] <= same_shape:
                    queue.append(link)


def phone(
    browser: Browser, base: str, username: str | None, *, font_px: int | None = None
) -> tuple[BrowserContext, Page, list[str]]:
    """A phone (375×740, Chinese) signed in as `username` (a visitor when None), and the list
    that collects what went wrong behind its pages: console errors, uncaught exceptions,
    failed requests and requests to another origin. `font_px`: the phone's text size setting
    (an elderly member's large text), as the browser's default font size."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    behind: list[str] = []

    def where() -> str:
        return page.url.removeprefix(base)

    page.on(
        "console",
        lambda m: (
            behind.append(f"{where()}: console {m.type}: {m.text}") if m.type == "error" else None
        ),
    )
    page.on("pageerror", lambda e: behind.append(f"{where()}: script error: {e}"))

    def failed(r: Request) -> None:
        if r.failure == "net::ERR_ABORTED":
            # cancelled, not failed: a download (an Excel) the browser saves instead of showing,
            # or the favicon still loading when the walk moved on (a missing file answers 404,
            # which `response` reports, and a blocked one another error)
            return
        behind.append(f"{where()}: request failed: {r.url} {r.failure}")

    page.on("requestfailed", failed)

    def response(r: Response) -> None:
        if r.status >= 400:
            behind.append(f"{where()}: HTTP {r.status} for {r.url.removeprefix(base)}")

    def request(url: str) -> None:
        if not url.startswith((base, "data:", "blob:", "about:")):
            behind.append(f"{where()}: a request to another origin: {url}")

    page.on("response", response)
    page.on("request", lambda r: request(r.url))
    if font_px is not None:
        cdp = context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": font_px, "fixed": font_px}})
    if username is not None:
        log_in(page, base, username)
    return context, page, behind
