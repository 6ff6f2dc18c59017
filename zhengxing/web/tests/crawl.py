"""The crawl's parts (test_crawl.py): a role follows every link it is shown, breadth-first and
bounded, in a real browser, and each page is checked at a phone's width and a desk's — its
status, its width, English left in the Chinese page, and full ID numbers and phones.

The checks on text are plain functions, tested on their own (test_crawl_checks.py)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from zhengxing.testing import ENGLISH_ALLOWED

PHONE_WIDTH, DESK_WIDTH = 375, 1280
HEIGHT = 800

LATIN_ALLOWED = ENGLISH_ALLOWED  # one list for this crawl and the Chinese-pages test
# a Latin word, with the digits and marks that make it a code or a login (township1, A1B)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]*")

# an 18-character ID number, or a mainland mobile number, standing alone
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
# what the pages' own codes look like around a word: a slug or a scheme's name (bayannur-532,
# sanmenxia-5star) is typed by a person, not a sentence left untranslated
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
# an address shown on the page (the notice's own, under its QR code)
ADDRESS = re.compile(r"(?:https?://[^\s/]+)?/[\w\-./?=&%#]+")


def english_words(text: str, *, names: Iterable[str] = ()) -> list[str]:
    """The Latin words in a Chinese page's text that are neither names nor codes: a sentence
    or a label left in English. `names` are what the data holds (usernames, a scheme's slug)."""
    allowed = LATIN_ALLOWED | set(names)
    text = SLUG.sub(" ", ADDRESS.sub(" ", text))
    found = []
    for word in WORD.findall(text):
        if word in allowed or word.strip("'’") in allowed:
            continue
        if any(c.isdigit() for c in word):
            continue  # a code: A1B, Q1, SMX-G01
        if any(c.isupper() for c in word[1:]) or (word.isupper() and len(word) > 1):
            continue  # a code or an acronym: SMX, QR, TOTP, ID
        if len(word) == 1:
            continue  # a letter standing for something: Q, H, X in an ID number
        found.append(word)
    return found


def full_numbers(text: str) -> list[str]:
    """Full ID numbers and mobile numbers in the text (a masked one, 1504**********12 or
    139****5678, is neither)."""
    return ID_NUMBER.findall(text) + PHONE.findall(text)


def full_id_numbers(text: str) -> list[str]:
    return ID_NUMBER.findall(text)


@dataclass
class Problem:
    url: str
    what: str

    def __str__(self) -> str:
        return f"{self.url}: {self.what}"


@dataclass
class Crawl:
    """What one role saw: the pages visited in order, and every problem found on them."""

    role: str
    visited: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    public_links: set[str] = field(default_factory=set)  # the public pages it was shown


# links a crawl does not follow: another origin, leaving, switching language, the admin site
SKIP = ("/accounts/logout/", "/i18n/", "/admin/", "/static/")
# links that are files, fetched for their status only
FILES = (".xlsx", ".csv", ".pdf", ".png", ".svg", ".json", ".jpg", ".jpeg")
# how many links of one shape are followed: differing only in their numbers or query string
# (one member's page and the next, pages of a list, filters)
SAME_SHAPE = 3
NUMBER = re.compile(r"\d+")


def crawl(
    page: Page,
    *,
    base: str,
    role: str,
    starts: Sequence[str] = ("/",),
    limit: int = 60,
    may_see_ids: bool = False,
    may_see_phones: bool = False,
    names: Iterable[str] = (),
    allowed: dict[str, str] | None = None,
    screens: Path | None = None,
    main_pages: int = 6,
) -> Crawl:
    """Visit, breadth-first from `starts`, every link of `base` the role is shown, at most
    `limit` pages; each at PHONE_WIDTH and DESK_WIDTH. `allowed` maps a problem's text (a
    substring) to why it is let through for now. The first `main_pages` pages are photographed
    at both widths into `screens`."""
    result = Crawl(role)
    allowed = allowed or {}
    names = set(names)
    queue: deque[str] = deque(base + start for start in starts)
    seen = set(queue)
    per_shape: dict[str, int] = {}
    files_checked: set[str] = set()

    def problem(url: str, what: str) -> None:
        text = f"{url.removeprefix(base)}: {what}"
        if not any(key in text for key in allowed):
            result.problems.append(Problem(url.removeprefix(base), what))

    page.set_viewport_size({"width": PHONE_WIDTH, "height": HEIGHT})
    while queue and len(result.visited) < limit:
        url = queue.popleft()
        try:
            response = page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as e:  # a download: its status by a plain request
            status = page.request.get(url).status
            if status >= 400:
                problem(url, f"HTTP {status}")
            elif "Download" not in str(e) and "ERR_ABORTED" not in str(e):
                problem(url, f"failed: {e}")
            continue
        result.visited.append(url.removeprefix(base))
        if response is None or response.status >= 400:
            problem(url, f"HTTP {response.status if response else '?'}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        _check_page(page, url, names, may_see_ids, may_see_phones, problem)
        index = len(result.visited)
        if screens is not None and index <= main_pages:
            slug = f"{role}-{index:02d}"
            page.screenshot(path=str(screens / f"{slug}-{PHONE_WIDTH}.png"), full_page=True)
        page.set_viewport_size({"width": DESK_WIDTH, "height": HEIGHT})
        wide = _overflow(page, DESK_WIDTH)
        if wide:
            problem(url, f"wider than {DESK_WIDTH}px: {wide}")
        if screens is not None and index <= main_pages:
            page.screenshot(path=str(screens / f"{slug}-{DESK_WIDTH}.png"), full_page=True)
        page.set_viewport_size({"width": PHONE_WIDTH, "height": HEIGHT})

        hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if not link.startswith(base) or parts.path.startswith(SKIP) or link in seen:
                continue
            seen.add(link)
            if parts.path.startswith("/p/"):
                result.public_links.add(link.removeprefix(base))
            if parts.path.endswith(FILES) or parts.path.startswith("/media/"):
                if parts.path not in files_checked:
                    files_checked.add(parts.path)
                    status = page.request.get(link).status
                    if status >= 400:
                        problem(link, f"HTTP {status} (linked from {url.removeprefix(base)})")
                continue
            shape = NUMBER.sub("N", parts.path)
            per_shape[shape] = per_shape.get(shape, 0) + 1
            if per_shape[shape] > SAME_SHAPE:
                continue
            queue.append(link)
    return result


def _overflow(page: Page, width: int) -> str:
    """'' when the page fits the width; else how wide it is and the widest element's tag."""
    scroll: int = page.evaluate("document.documentElement.scrollWidth")
    if scroll <= width + 1:
        return ""
    culprit: str = page.evaluate(
        """(w) => {
          for (const e of document.body.querySelectorAll('*')) {
            const r = e.getBoundingClientRect();
            if (r.right > w + 1 && e.children.length === 0)
              return e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                + ' ' + (e.textContent || '').trim().slice(0, 30);
          }
          return '';
        }""",
        width,
    )
    return f"{scroll}px ({culprit})"


def _check_page(
    page: Page,
    url: str,
    names: set[str],
    may_see_ids: bool,
    may_see_phones: bool,
    problem: object,
) -> None:
    report = problem  # (url, what) -> None
    assert callable(report)
    wide = _overflow(page, PHONE_WIDTH)
    if wide:
        report(url, f"wider than {PHONE_WIDTH}px: {wide}")
    text: str = page.inner_text("body")
    values: list[str] = page.eval_on_selector_all(
        "input:not([type=hidden]), textarea", "els => els.map(e => e.value)"
    )
    shown = text + "\n" + "\n".join(values)
    english = english_words(text, names=names)
    if english:
        report(url, f"English: {' '.join(sorted(set(english))[:12])}")
    if not may_see_ids and full_id_numbers(shown):
        report(url, "a full ID number")
    if not may_see_phones and PHONE.findall(shown):
        report(url, "a full phone number")
