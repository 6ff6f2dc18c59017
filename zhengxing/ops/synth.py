"""What `zhengxing synth` does after it has bulk-loaded a synthetic county (`orgs/synth.py`, then
`ledger/synth.py` and `stars/synth.py` on it: see the command)."""

from __future__ import annotations

from django.db import connection


def settle_after_bulk_load() -> None:
    """On PostgreSQL, what autovacuum does a few minutes after a bulk load, now: VACUUM marks the
    new rows' pages all-visible, so that the covering indexes the recompute reads (points,
    tallies) answer without a visit to the table for every row (a third of its SELECT at
    200,000 members when they do), and ANALYZE gives the planner their numbers. Outside a
    transaction only, where VACUUM may run."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
