"""The points reports on a synthetic county of 100,000 members and about 3,000,000 ledger entries
(2024-2026; 1,000 members at ZHENGXING_BENCH_SCALE=small), as a county-level user sees them.

Figures (median server time of 20 requests through Django's test client, middleware and template
included):
- the branch table (一张表) of the largest branch for 2026: under 100 ms;
- the page of the member with the most entries in 2026: under 100 ms;
- the township ranking of the largest township, first page and last page: under 300 ms;
- the county ranking, the township book and the low-points list of that township: no target,
  reported.
References, measured in the same run on the same connection: the member page and the branch
table against a bare `SELECT` of the rows they show (the member's 2026 entries, the branch's
2026 entries); the rankings against the same ranking summed straight from the entries of
signed quarters (`GROUP BY member` over the ledger, what `QuarterPoints` spares the pages).

Run by bench/run.py (fresh SQLite database, migrated, DATABASE_URL set before Django starts).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

# the median of 20 requests (of 5 at the small scale, a check that everything runs)
REQUESTS = 5 if os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small" else 20
TODAY = dt.date(2026, 12, 31)  # 2026's Q1-Q3 signed, Q4 open
YEAR = 2026
YEARS = [2024, 2025, 2026]
PER_MEMBER = 13  # entries per member and year, before the long tail: ~3,000,000 in all


def _median_ms(fn: Callable[[], Any], n: int = REQUESTS) -> float:
    fn()  # warm up: templates compiled, connection open, caches filled
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _sql_ms(sql: str, params: list[Any], n: int = REQUESTS) -> float:
    from django.db import connection

    def select() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return _median_ms(select, n)


def _page_ms(client: Any, url: str, **params: Any) -> float:
    def get() -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)

    return _median_ms(get)


def _row(
    figure: str, value: float, reference: str, reference_ms: float | None, target: float | None
) -> dict[str, Any]:
    return {
        "figure": figure,
        "value": round(value, 2),
        "unit": "ms",
        "reference": reference,
        "reference_value": None if reference_ms is None else round(reference_ms, 2),
        "target": "reported" if target is None else f"< {target:.0f} ms",
        "ok": target is None or value < target,
    }


RANKING_FROM_ENTRIES = """
SELECT e.member_id, SUM(e.points) AS total
FROM ledger_ledgerentry e
JOIN orgs_org b ON b.id = e.branch_id
WHERE e.year = %s AND b.path >= %s AND b.path < %s
  AND EXISTS (SELECT 1 FROM ledger_quarterclose c
              WHERE c.branch_id = e.branch_id AND c.year = e.year AND c.quarter = e.quarter)
GROUP BY e.member_id ORDER BY total DESC LIMIT 50
"""


def run() -> list[dict[str, Any]]:
    from django.contrib.auth.models import User
    from django.db.models import Count

    from zhengxing.core.actor import Actor
    from zhengxing.ledger.models import LedgerEntry
    from zhengxing.ledger.synth import ledger_synth
    from zhengxing.orgs.models import County, Member, Org, path_upper_bound
    from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
    from zhengxing.orgs.services import role_grant
    from zhengxing.orgs.synth import county_synth
    from zhengxing.testing import PASSWORD, signed_in

    small = os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small"
    n = 1_000 if small else 100_000
    actor = Actor.system("bench")
    result = county_synth(actor=actor, members=n, seed=1, today=TODAY, county_code="BENCH")
    county = County.objects.get(pk=result.county_id)
    ledgers = ledger_synth(
        actor=actor, county=county, years=YEARS, per_member=PER_MEMBER, seed=1, today=TODAY
    )
    root = Org.objects.get(county=county, depth=0)
    user = User.objects.create_user("bench-county", password=PASSWORD)
    role_grant(actor=actor, user=user, org=root, role="county")
    # the password, then the authenticator app's code, as the county's user signs in
    client = signed_in(user, SERVER_NAME="localhost")

    branch = (
        Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS)
        .annotate(n=Count("members"))
        .order_by("-n", "pk")
        .first()
    )
    town = max(
        Org.objects.filter(parent=root).order_by("pk"),
        key=lambda t: Member.objects.filter(branch__path__startswith=t.path).count(),
    )
    busiest = (
        LedgerEntry.objects.filter(year=YEAR)
        .values("member_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "member_id")
        .first()
    )
    assert branch is not None and busiest is not None
    member = Member.objects.get(pk=busiest["member_id"])
    in_town = Member.objects.filter(branch__path__startswith=town.path).count()
    last_page = max(1, -(-in_town // 50))
    print(
        f"{n:,} members, {ledgers.entries:,} entries; branch of {branch.n} members, member with "
        f"{busiest['n']} entries in {YEAR}, township of {in_town:,} members"
    )

    entries_ref = "SELECT … FROM ledger_ledgerentry WHERE {} AND year = 2026"
    member_ref_ms = _sql_ms(
        "SELECT * FROM ledger_ledgerentry WHERE member_id = %s AND year = %s", [member.pk, YEAR]
    )
    branch_ref_ms = _sql_ms(
        "SELECT * FROM ledger_ledgerentry WHERE branch_id = %s AND year = %s", [branch.pk, YEAR]
    )
    bounds = [YEAR, town.path, path_upper_bound(town.path)]
    town_ref_ms = _sql_ms(RANKING_FROM_ENTRIES, bounds, n=5)
    county_ref_ms = _sql_ms(
        RANKING_FROM_ENTRIES, [YEAR, root.path, path_upper_bound(root.path)], n=5
    )
    from_entries = "the same ranking summed from the entries"

    rankings = "/points/rankings/"
    return [
        _row(
            f"branch table, {branch.n} members, {YEAR}",
            _page_ms(client, f"/points/branches/{branch.pk}/", year=YEAR),
            entries_ref.format("branch_id = …"),
            branch_ref_ms,
            100,
        ),
        _row(
            f"member's page, {busiest['n']} entries in {YEAR}",
            _page_ms(client, f"/points/members/{member.pk}/", year=YEAR),
            entries_ref.format("member_id = …"),
            member_ref_ms,
            100,
        ),
        _row(
            f"township ranking, {in_town:,} members, page 1",
            _page_ms(client, rankings, scope="township", org=town.pk, year=YEAR),
            from_entries,
            town_ref_ms,
            300,
        ),
        _row(
            f"township ranking, {in_town:,} members, page {last_page:,}",
            _page_ms(client, rankings, scope="township", org=town.pk, year=YEAR, page=last_page),
            from_entries,
            town_ref_ms,
            300,
        ),
        _row(
            f"county ranking, {n:,} members, page 1",
            _page_ms(client, rankings, scope="county", org=root.pk, year=YEAR),
            from_entries,
            county_ref_ms,
            None,
        ),
        _row(
            f"township book, {in_town:,} members",
            _page_ms(client, f"/points/townships/{town.pk}/", year=YEAR),
            "",
            None,
            None,
        ),
        _row(
            f"low points, township of {in_town:,} members",
            _page_ms(client, "/points/low/", org=town.pk, year=YEAR),
            "",
            None,
            None,
        ),
    ]


if __name__ == "__main__":
    import subprocess
    import sys
    from pathlib import Path

    runner = Path(__file__).resolve().parent / "run.py"
    sys.exit(subprocess.call([sys.executable, str(runner), "points_reports"]))
