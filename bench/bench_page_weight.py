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
(ECharts, ~500 KB) is loaded only by pages that draw a chart, none of them a member's. Beside
them, the public phone form a mobile member opens from a QR code (issue 21), against 100 KB.
"""

from __future__ import annotations

from typing import Any

BUDGET = 150 * 1024
MOBILE_FORM_BUDGET = 100 * 1024
PAGES = (
    ("home", "home", ()),
    ("my points", "ledger:my_points", ()),
    ("my stars", "stars:my_stars", ()),
    ("self-report form", "ledger:claim_new", ()),
    ("evaluation rounds", "stars:rounds", ()),
)


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

    from zhengxing.testing import page_weight, signed_in

    client = signed_in(member_with_a_year(), SERVER_NAME="localhost")
    rows = []
    for label, name, args in PAGES:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, f"{label}: {response.status_code}"
        raw, zipped, files = page_weight(response.content)
        kb = round(raw / 1024, 1)
        rows.append(
            {
                "figure": f"member's {label}: HTML + CSS + JS ({files} files)",
                "value": kb,
                "unit": "KB",
                "reference": "gzip",
                "reference_value": round(zipped / 1024, 1),
                "target": "< 150 KB",
                "ok": raw < BUDGET,
            }
        )
    rows.append(mobile_form_row())
    return rows


def mobile_form_row() -> dict[str, Any]:
    """The phone form a mobile member opens from a QR code (issue 21: "usable on a slow phone
    connection"), against its own budget of 100 KB: no login, so no session."""
    from django.test import Client

    from zhengxing.orgs.models import Org
    from zhengxing.testing import page_weight

    ref = Org.objects.filter(kind="branch").values_list("public_ref", flat=True).first()
    response = Client(SERVER_NAME="localhost").get(f"/p/mobile/{ref}/")
    assert response.status_code == 200, f"mobile registration form: {response.status_code}"
    raw, zipped, files = page_weight(response.content)
    return {
        "figure": f"mobile member's registration form: HTML + CSS + JS ({files} files)",
        "value": round(raw / 1024, 1),
        "unit": "KB",
        "reference": "gzip",
        "reference_value": round(zipped / 1024, 1),
        "target": "< 100 KB",
        "ok": raw < MOBILE_FORM_BUDGET,
    }
