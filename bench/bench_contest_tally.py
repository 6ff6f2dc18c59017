"""The tally of a contest's public vote (issue 23, Wuhai's 双晒: "总投票数达70多万"): 700,000 votes
over 103 entries (20 township and 83 village secretaries), counted per entry, the held and the
rejected left out, as the results and the closed board read them (`contests.selectors.tally`:
one grouped query on the index `contest_vote_tally`). Target: under 1 s.

The reference is the floor: counting every vote of the table, ungrouped.

`ZHENGXING_BENCH_SCALE=small`: 10,000 votes.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from typing import Any

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 7, 15, 9, 0, tzinfo=SHANGHAI)
TARGET_S = 1.0
ENTRIES = 103


def _contest(votes: int) -> Any:
    from zhengxing.contests.models import Entry, Vote, VoterBatch, VoterCode
    from zhengxing.contests.rules import Dates
    from zhengxing.contests.services import contest_create
    from zhengxing.core.actor import Actor
    from zhengxing.orgs.models import Org
    from zhengxing.orgs.synth import county_synth

    system = Actor(user=None, label="bench", now=NOW - dt.timedelta(days=60))
    result = county_synth(actor=system, members=2000, seed=23, today=NOW.date())
    root = Org.objects.get(county_id=result.county_id, parent=None)
    contest = contest_create(
        actor=system,
        organiser=root,
        title="双晒",
        series="双晒",
        year=2026,
        level="league",
        entrant_kind="branch",
        dates=Dates(
            dt.date(2026, 3, 7), dt.date(2026, 3, 7), dt.date(2026, 6, 12), dt.date(2026, 7, 31)
        ),
        weights=(40, 30, 30),
        rubric=[{"name": "综合评价", "max": 100}],
    )
    orgs = list(
        Org.objects.filter(county_id=result.county_id)
        .exclude(pk=root.pk)
        .order_by("path")[:ENTRIES]
    )
    entries = Entry.objects.bulk_create(
        Entry(
            county_id=result.county_id,
            contest=contest,
            org=o,
            title=o.name,
            text="晒党建、晒成绩",
            public_ref=f"b{n}",
            created_at=NOW,
        )
        for n, o in enumerate(orgs)
    )
    batch = VoterBatch.objects.create(
        county_id=result.county_id, contest=contest, label="纸条", size=0, issued_at=NOW
    )
    codes_needed = votes // len(entries) + 1
    codes = VoterCode.objects.bulk_create(
        (
            VoterCode(
                county_id=contest.county_id, contest=contest, batch=batch, code_hash=f"{n:064d}"
            )
            for n in range(codes_needed)
        ),
        batch_size=5000,
    )
    base = int(NOW.timestamp() * 1000)
    statuses = ("counted",) * 18 + ("held", "rejected")
    rows = (
        Vote(
            county_id=contest.county_id,
            contest=contest,
            entry=entries[n % len(entries)],
            code=codes[n // len(entries)],
            batch_id_copy=batch.pk,
            day=dt.date(2026, 5, 1),
            at_ms=base + n,
            slot=(base + n) // 600_000,
            ip=f"10.{n % 250}.{n // 250 % 250}.1",
            network=f"10.{n % 250}.{n // 250 % 250}.0/24",
            status=statuses[n % 20],
        )
        for n in range(votes)
    )
    Vote.objects.bulk_create(rows, batch_size=5000)
    return contest


def run() -> list[dict[str, Any]]:
    from django.db import connection

    from zhengxing.contests.models import Vote
    from zhengxing.contests.selectors import tally

    small = os.environ.get("ZHENGXING_BENCH_SCALE", "full") == "small"
    votes = 10_000 if small else 700_000
    contest = _contest(votes)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    tally(contest)  # once before it is timed: the pages read it warm
    times, counted = [], {}
    for _ in range(5):
        start = time.perf_counter()
        counted = tally(contest)
        times.append(time.perf_counter() - start)
    took = statistics.median(times)
    assert len(counted) == ENTRIES or len(counted) > 0
    assert sum(counted.values()) == sum(1 for n in range(votes) if n % 20 < 18)
    refs = []
    for _ in range(5):
        start = time.perf_counter()
        Vote.objects.filter(contest=contest).count()
        refs.append(time.perf_counter() - start)
    return [
        {
            "figure": f"tallying {votes:,} votes over {len(counted)} entries (counted only)",
            "value": round(took, 3),
            "unit": "s",
            "reference": "counting every vote, ungrouped",
            "reference_value": round(statistics.median(refs), 3),
            "target": f"< {TARGET_S:g} s",
            "ok": took < TARGET_S,
        }
    ]
