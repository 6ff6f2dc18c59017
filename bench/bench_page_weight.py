"""The weight of a member's pages: what a phone downloads for each of the member's main pages
(the home page, my points, my stars, the self-report form, the evaluation rounds) — the HTML
and every stylesheet and script it loads, before images — against the budget of 150 KB
(issue 18: the pages are for a 70-year-old member on a phone, often on a slow network).

A member of the test cast (erin, `zhengxing.testing`) with half a year's points — a claim approved
every week of two signed quarters — and the year's stars computed signs in as
people do (`testing.signed_in`); each page is fetched
through the whole middleware, its <link rel=stylesheet> and <script src> read from the static
files as the server would send them. Bytes as sent uncompressed (the budget holds without gzip);
the gzip size is reported beside, for what a compressing proxy would send. The charts' library
(ECharts, ~500 KB) is loaded only by pages that draw a chart, none of them a member's.
"""

from __future__ import annotations

import gzip
import re
from typing import Any

BUDGET = 150 * 1024
PAGES = (
    ("home", "home", ()),
    ("my points", "ledger:my_points", ()),
    ("my stars", "stars:my_stars", ()),
    ("self-report form", "ledger:claim_new", ()),
    ("evaluation rounds", "stars:rounds", ()),
)
ASSET = re.compile(
    r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"', re.IGNORECASE
)


def assets(html: str) -> list[str]:
    """The stylesheets and scripts a page loads, in order, each once."""
    found = [a or b for a, b in ASSET.findall(html)]
    return list(dict.fromkeys(found))


def static_bytes(url: str) -> bytes:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    path = url.split("?")[0].removeprefix(settings.STATIC_URL).lstrip("/")
    path = path.removeprefix(settings.STATIC_URL.strip("/") + "/")
    found = finders.find(path)
    if found is None:
        raise AssertionError(f"a page loads {url}, which is not among the static files")
    with open(found if isinstance(found, str) else found[0], "rb") as f:
        return f.read()


def member_with_a_year() -> Any:
    """erin of the test cast, with a claim approved every week of 2026 Q1 and Q2 (signed)
    and the year's stars computed under bayannur-532."""
    import datetime as dt

    from zhengxing.ledger.services import catalogue_from_preset
    from zhengxing.ledger.tests.conftest import Q1, Q2, approved, sign
    from zhengxing.stars.compute import recompute
    from zhengxing.stars.services import scheme_from_preset
    from zhengxing.testing import SYSTEM, build_cast

    cast = build_cast()
    rules = catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )
    for week in range(0, 25):
        day = dt.date(2026, 1, 5) + dt.timedelta(weeks=week)
        approved(cast, rules, "SMX-G02", [cast.erin_member, cast.member_a1], day)
    for quarter in (Q1, Q2):
        sign(cast, quarter)
    scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="bayannur-532"
    )
    recompute(
        county_id=cast.county.pk,
        year=2026,
        period="Y",
        now=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
    )
    return cast.erin


def run() -> list[dict[str, Any]]:
    from django.urls import reverse

    from zhengxing.testing import signed_in

    client = signed_in(member_with_a_year(), SERVER_NAME="localhost")
    rows = []
    for label, name, args in PAGES:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, f"{label}: {response.status_code}"
        html = response.content
        files = [static_bytes(url) for url in assets(html.decode())]
        raw = len(html) + sum(len(f) for f in files)
        zipped = len(gzip.compress(html)) + sum(len(gzip.compress(f)) for f in files)
        kb = round(raw / 1024, 1)
        rows.append(
            {
                "figure": f"member's {label}: HTML + CSS + JS ({len(files)} files)",
                "value": kb,
                "unit": "KB",
                "reference": "gzip",
                "reference_value": round(zipped / 1024, 1),
                "target": "< 150 KB",
                "ok": raw < BUDGET,
            }
        )
    return rows
