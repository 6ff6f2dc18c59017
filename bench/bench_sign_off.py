"""Signing off a 50-member branch quarter with 500 claims: the committee approves them in one
batch, then the secretary signs (chain included). Target: under 1 s for both together.

The reference is the floor such work stands on in the same database: hashing 500 entries' JSON
with SHA-256 and inserting 500 rows into a scratch table in one transaction.

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
        }
    ]
