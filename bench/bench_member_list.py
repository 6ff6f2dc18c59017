"""The member list page (/orgs/members/) on a synthetic county of 100,000 members (1,000 at
ZHENGXING_BENCH_SCALE=small), for a county-level and a township-level user.

Figures:
- queries for a page of 10 rows against a page of 10,000: must be equal (nothing per row);
- server time for a page of 50 rows, page 1 and the last page (median of 20 requests through
  Django's test client, middleware and template included): under 100 ms. The reference is a bare
  `SELECT id, name FROM orgs_member ORDER BY id LIMIT 50` round trip on the same connection.

Run by bench/run.py (fresh SQLite database, migrated, DATABASE_URL set before Django starts).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

URL = "/orgs/members/"
# the median of 20 requests (of 5 at the small scale, a check that everything runs)
REQUESTS = 5 if os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small" else 20
TARGET_MS = 100.0
TODAY = dt.date(2026, 7, 1)


def _median_ms(fn: Callable[[], Any], n: int = REQUESTS) -> float:
    fn()  # warm up: templates compiled, connection open, caches filled
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _bare_select_ms() -> float:
    from django.db import connection

    def select() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name FROM orgs_member ORDER BY id LIMIT 50")
            cursor.fetchall()

    connection.ensure_connection()
    return _median_ms(select, n=200)


def _client(user: Any) -> Any:
    """Signed in as the person signs in: the password, then the authenticator app's code
    (county and township users need the second factor)."""
    from zhengxing.testing import signed_in

    return signed_in(user, SERVER_NAME="localhost")  # a host ALLOWED_HOSTS accepts


def _get(client: Any, **params: Any) -> Any:
    response = client.get(URL, params)
    assert response.status_code == 200, (response.status_code, params)
    return response


def _queries(client: Any, per_page: int, visible: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _get(client, per_page=per_page)  # the same request once before, as for the timings
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, per_page=per_page)
    rows = response.content.count(b'href="/orgs/members/') - response.content.count(
        b'href="/orgs/members/new/'
    )
    assert rows >= min(per_page, visible), (rows, per_page)  # the page lists that many
    return len(captured)


def _figures(who: str, client: Any, n: int, bare_ms: float) -> list[dict[str, Any]]:
    q10, q10000 = _queries(client, 10, n), _queries(client, 10_000, n)
    last = -(-n // 50)
    first_ms = _median_ms(lambda: _get(client, per_page=50, page=1))
    deep_ms = _median_ms(lambda: _get(client, per_page=50, page=last))
    reference = "SELECT id, name … ORDER BY id LIMIT 50"
    return [
        {
            "figure": f"member list ({who}), queries at 10 rows",
            "value": q10,
            "unit": "queries",
            "reference": "queries at 10,000 rows",
            "reference_value": q10000,
            "target": "equal",
            "ok": q10 == q10000,
        },
        {
            "figure": f"member list ({who}), 50 rows, page 1 of {last:,}",
            "value": round(first_ms, 2),
            "unit": "ms",
            "reference": reference,
            "reference_value": round(bare_ms, 3),
            "target": f"< {TARGET_MS:.0f} ms",
            "ok": first_ms < TARGET_MS,
        },
        {
            "figure": f"member list ({who}), 50 rows, page {last:,} of {last:,}",
            "value": round(deep_ms, 2),
            "unit": "ms",
            "reference": reference,
            "reference_value": round(bare_ms, 3),
            "target": f"< {TARGET_MS:.0f} ms",
            "ok": deep_ms < TARGET_MS,
        },
    ]


def run() -> list[dict[str, Any]]:
    from django.contrib.auth.models import User

    from zhengxing.core.actor import Actor
    from zhengxing.orgs.models import Member, Org
    from zhengxing.orgs.selectors import members_visible_to
    from zhengxing.orgs.services import role_grant
    from zhengxing.orgs.synth import county_synth
    from zhengxing.testing import PASSWORD

    small = os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small"
    n = 1_000 if small else 100_000
    actor = Actor.system("bench")
    result = county_synth(actor=actor, members=n, seed=1, today=TODAY, county_code="BENCH")
    root = Org.objects.get(county_id=result.county_id, depth=0)
    town = Org.objects.filter(county_id=result.county_id, kind="township").order_by("pk").first()
    assert town is not None
    county_user = User.objects.create_user("bench-county", password=PASSWORD)
    township_user = User.objects.create_user("bench-township", password=PASSWORD)
    role_grant(actor=actor, user=county_user, org=root, role="county")
    role_grant(actor=actor, user=township_user, org=town, role="township")
    assert Member.objects.count() == n
    in_town = members_visible_to(township_user).count()

    bare_ms = _bare_select_ms()
    rows = _figures(f"county, {n:,} members", _client(county_user), n, bare_ms)
    rows += _figures(f"township, {in_town:,} members", _client(township_user), in_town, bare_ms)
    return rows


if __name__ == "__main__":
    import subprocess
    import sys
    from pathlib import Path

    runner = Path(__file__).resolve().parent / "run.py"
    sys.exit(subprocess.call([sys.executable, str(runner), "member_list"]))
