"""Signing off a 50-member branch quarter with 500 claims: the committee approves them in one
batch, then the secretary signs (chain included). Target: under 1 s for both together.

The reference is the floor such work stands on in the same database: hashing 500 entries' JSON
with SHA-256 and inserting 500 rows into a scratch table in one transaction.

Then the largest branch a county realistically has (ZHENGXING_BENCH_BRANCH_MEMBERS, 500 by
default; 100 at the small scale), ten claims a member a quarter, its first quarter already
signed: the second quarter's sign-off alone, the public notice made in it (each member's
additions, deductions and the year's total so far) timed on its own beside it. Issue 19 asks
for the notices' generation as a background job "if it gets slow": the target says what slow
is, 2 s for the whole sign-off, the secretary's click.

Run by bench/run.py (fresh SQLite database, migrated, DATABASE_URL set before Django starts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import time
from typing import Any

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 6, 30, 10, 0, tzinfo=SHANGHAI)
TARGET_S = 1.0
LARGE_TARGET_S = 2.0


def _reference_s() -> float:
    from django.db import connection, transaction

    rows: list[dict[str, Any]] = [
        {"member": i, "item": "SMX-G02", "points": "1.0", "seq": i, "prev": "0" * 64}
        for i in range(500)
    ]
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_scratch (seq int, hash text)")
        hashes: list[tuple[int, str]] = [
            (int(r["seq"]), hashlib.sha256(json.dumps(r, sort_keys=True).encode()).hexdigest())
            for r in rows
        ]
        cursor.executemany("INSERT INTO bench_scratch (seq, hash) VALUES (%s, %s)", hashes)
    return time.perf_counter() - start


def _large_branch() -> dict[str, Any]:
    """The sign-off of a large branch's second quarter, with its notice; see the docstring."""
    import os

    from django.contrib.auth.models import User

    from zhengxing.core.actor import Actor
    from zhengxing.ledger.models import LedgerEntry
    from zhengxing.ledger.rules import Quarter
    from zhengxing.ledger.services import (
        catalogue_from_preset,
        claim_record_many,
        claim_review_many,
        quarter_sign_off,
    )
    from zhengxing.ledger.services import quarters as quarter_services
    from zhengxing.orgs.models import County, Org
    from zhengxing.orgs.services import county_create, county_root, org_create, role_grant
    from zhengxing.testing import SYSTEM, add_member

    small = os.environ.get("ZHENGXING_BENCH_SCALE") == "small"
    n = int(os.environ.get("ZHENGXING_BENCH_BRANCH_MEMBERS", "100" if small else "500"))
    county: County = county_create(actor=SYSTEM, code="BIG", name="大支部旗", region_code="150825")
    town = org_create(
        actor=SYSTEM, parent=county_root(county), code="Z", name="镇", kind="township"
    )
    village = org_create(actor=SYSTEM, parent=town, code="ZV", name="大村", kind="village")
    branch: Org = org_create(
        actor=SYSTEM, parent=village, code="ZVB", name="大村党支部", kind="branch"
    )
    secretary = User.objects.create_user("big-secretary")
    role_grant(actor=SYSTEM, user=secretary, org=branch, role="secretary")
    rules = catalogue_from_preset(
        actor=SYSTEM, county=county, owner=None, year=2026, preset="sanmenxia"
    )
    members = [add_member(county, "ZVB") for _ in range(n)]
    keys = itertools.count()
    timed: dict[str, float] = {}
    make_notice = quarter_services._posting_create

    def notice(**kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return make_notice(**kwargs)
        finally:
            timed["notice"] = time.perf_counter() - start

    quarter_services._posting_create = notice  # type: ignore[assignment]
    try:
        for quarter, month in ((Quarter(2026, 1), 3), (Quarter(2026, 2), 6)):
            ended = dt.datetime(2026, month, 28, 10, 0, tzinfo=SHANGHAI)
            committee = Actor(user=secretary, label="secretary", now=ended)
            claims = []
            for code, days in (("SMX-G02", range(1, 5)), ("SMX-G06", range(10, 16))):
                for day in days:
                    claims += claim_record_many(
                        actor=committee,
                        branch=branch,
                        item=rules.items.get(code=code),
                        members=members,
                        occurred_on=dt.date(2026, month, day),
                        place="大村",
                        description="登记",
                        idempotency_key=f"big-{next(keys)}",
                    )
            claim_review_many(actor=committee, branch=branch, claims=claims, decision="approve")
            signer = Actor(user=secretary, label="secretary", now=ended + dt.timedelta(days=4))
            start = time.perf_counter()
            close = quarter_sign_off(actor=signer, branch=branch, quarter=quarter)
            elapsed = time.perf_counter() - start
    finally:
        quarter_services._posting_create = make_notice  # type: ignore[assignment]
    entries = LedgerEntry.objects.filter(branch=branch).count()
    assert close.posting.lines and len(close.posting.lines) == n
    return {
        "figure": f"sign off the second quarter of a {n}-member branch ({close.entries:,} "
        f"entries in it, {entries:,} in the year), its public notice made in it",
        "value": round(elapsed, 3),
        "unit": "s",
        "reference": "the notice's part (its lines and its audit row)",
        "reference_value": round(timed["notice"], 4),
        "target": f"< {LARGE_TARGET_S:g} s (else a job: issue 19)",
        "ok": elapsed < LARGE_TARGET_S,
    }


def run() -> list[dict[str, Any]]:
    from zhengxing.core.actor import Actor
    from zhengxing.ledger.rules import Quarter
    from zhengxing.ledger.services import (
        catalogue_from_preset,
        claim_record_many,
        claim_review_many,
        quarter_sign_off,
    )
    from zhengxing.testing import SYSTEM, add_member, build_cast

    cast = build_cast()
    rules = catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )
    members = [add_member(cast.county, "A1B") for _ in range(48)]
    members += [cast.member_a1, cast.erin_member]
    cathy = Actor(user=cast.cathy, label="cathy", now=NOW)
    # the quarter is signed once it has ended: the next morning
    carol = Actor(user=cast.carol, label="carol", now=NOW + dt.timedelta(hours=23))
    keys = itertools.count()
    claims = []
    for code, days in (("SMX-G02", range(1, 5)), ("SMX-G06", range(10, 16))):
        for day in days:
            claims += claim_record_many(
                actor=cathy,
                branch=cast.branch_a1,
                item=rules.items.get(code=code),
                members=members,
                occurred_on=dt.date(2026, 5, day),
                place="甲一村",
                description="登记",
                idempotency_key=f"bench-{next(keys)}",
            )
    assert len(claims) == 500

    reference = _reference_s()
    start = time.perf_counter()
    claim_review_many(actor=cathy, branch=cast.branch_a1, claims=claims, decision="approve")
    close = quarter_sign_off(actor=carol, branch=cast.branch_a1, quarter=Quarter(2026, 2))
    elapsed = time.perf_counter() - start
    assert close.entries == 500
    return [
        {
            "figure": "approve 500 claims of 50 members + sign the quarter off (chain included)",
            "value": round(elapsed, 3),
            "unit": "s",
            "reference": "hash 500 entries + insert 500 rows",
            "reference_value": round(reference, 4),
            "target": f"< {TARGET_S:g} s",
            "ok": elapsed < TARGET_S,
        },
        _large_branch(),
    ]
