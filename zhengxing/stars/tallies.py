"""Ballot tallies: per round and ratee, the sum of the ballots' totals (in tenths) and their count.

The ballot services move a tally in the transaction that writes the ballot, with one atomic
upsert (`tally_add`), so two raters of one ratee racing both count. Bulk loads (synthetic data)
write the ballots first and build the tallies from them in one statement (`tallies_rebuild`).
`tallies_problems` recomputes every tally of a county's year from the ballots and names those
that differ; `zhengxing recompute --check-tallies` runs it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from zhengxing.orgs.models import Member, Org

from .models import EvaluationRound


def tenths(total: Decimal) -> int:
    return int((total * 10).to_integral_value())


def tally_add(*, round_: EvaluationRound, ratee: Member | Org, sum10: int, n: int) -> None:
    """Add `sum10` tenths and `n` ballots to the round's tally of `ratee` (made if missing)."""
    column = "ratee_member_id" if isinstance(ratee, Member) else "ratee_org_id"
    other = "ratee_org_id" if isinstance(ratee, Member) else "ratee_member_id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO stars_ballottally
                    (county_id, round_id, year, kind, {column}, {other}, sum10, n)
                VALUES (%s, %s, %s, %s, %s, NULL, %s, %s)
                ON CONFLICT (round_id, {column}) WHERE {column} IS NOT NULL
                DO UPDATE SET sum10 = stars_ballottally.sum10 + excluded.sum10,
                              n = stars_ballottally.n + excluded.n""",
            [round_.county_id, round_.pk, round_.year, round_.kind, ratee.pk, sum10, n],
        )


_FROM_BALLOTS = """
    SELECT b.county_id, b.round_id, r.year, b.kind, b.ratee_member_id, b.ratee_org_id,
           CAST(SUM(CAST(ROUND(b.total * 10) AS BIGINT)) AS BIGINT) AS sum10,
           COUNT(*) AS n
    FROM stars_ballot b JOIN stars_evaluationround r ON r.id = b.round_id
    WHERE b.county_id = %s AND r.year = %s
    GROUP BY b.county_id, b.round_id, r.year, b.kind, b.ratee_member_id, b.ratee_org_id
"""


def tallies_rebuild(*, county_id: int, year: int) -> int:
    """Replace the county-year's tallies with the sums of its ballots; returns how many.

    On PostgreSQL, after a bulk load of ballots (synth, an import) the planner has never seen
    them: without fresh statistics and the memory to group millions of ballots in one pass it
    sorts them on disk, many times slower (bench/README.md, "The recompute on PostgreSQL")."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE stars_ballot")
            if connection.in_atomic_block:
                cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            "DELETE FROM stars_ballottally WHERE county_id = %s AND year = %s", [county_id, year]
        )
        cursor.execute(
            "INSERT INTO stars_ballottally "
            "(county_id, round_id, year, kind, ratee_member_id, ratee_org_id, sum10, n) "
            + _FROM_BALLOTS,
            [county_id, year],
        )
        return cursor.rowcount


def tallies_problems(*, county_id: int, year: int) -> list[str]:
    """Each tally of the county-year that its ballots do not add up to (or that is missing or
    has no ballots), as a sentence; empty when they all agree."""
    sql = f"""
        WITH want AS ({_FROM_BALLOTS}),
        have AS (
            SELECT round_id, ratee_member_id, ratee_org_id, sum10, n FROM stars_ballottally
            WHERE county_id = %s AND year = %s
        )
        SELECT w.round_id, w.ratee_member_id, w.ratee_org_id, w.sum10, w.n, h.sum10, h.n
        FROM want w LEFT JOIN have h ON h.round_id = w.round_id
            AND COALESCE(h.ratee_member_id, 0) = COALESCE(w.ratee_member_id, 0)
            AND COALESCE(h.ratee_org_id, 0) = COALESCE(w.ratee_org_id, 0)
        WHERE h.n IS NULL OR h.sum10 <> w.sum10 OR h.n <> w.n
        UNION ALL
        SELECT h.round_id, h.ratee_member_id, h.ratee_org_id, 0, 0, h.sum10, h.n
        FROM have h LEFT JOIN want w ON w.round_id = h.round_id
            AND COALESCE(h.ratee_member_id, 0) = COALESCE(w.ratee_member_id, 0)
            AND COALESCE(h.ratee_org_id, 0) = COALESCE(w.ratee_org_id, 0)
        WHERE w.n IS NULL AND h.n <> 0
        ORDER BY 1, 2, 3
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [county_id, year, county_id, year])
        rows = cursor.fetchall()
    return [
        f"评议{round_id}对{'党员' if member else '组织'}{member or org}的汇总"
        f"为{have_n or 0}票{(have_s or 0) / 10}分，选票合计{want_n}票{want_s / 10}分"
        for round_id, member, org, want_s, want_n, have_s, have_n in rows
    ]
