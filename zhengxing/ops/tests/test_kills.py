"""Processes killed (SIGKILL) at random moments, many times, on a database of their own (a SQLite
file, or a fresh PostgreSQL database in the PostgreSQL pass):

- the star recompute of a county-year: afterwards the year's ratings are all there or none of
  them are, and running it again completes it with the same stars as a run never interrupted;
- the synthetic county's bulk writes (tree, roster, ledgers with their hash chains, ballots and
  tallies, each step one transaction): afterwards `zhengxing verify-ledger` passes, the tallies
  match their ballots, and no county is half-written;
- a roster import (3,000 changed rows, all or nothing): afterwards every row is changed or none
  is, with its audit record or without, and importing again completes it;
- a run of quarter sign-offs (every branch of a county, one transaction each): afterwards each
  branch's quarter is signed with its totals, points rows and public notice, or not at all;
  the chains verify, and running it again signs the rest.

The count of kills that landed is printed (`pytest -s`) for the closing note."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, query, sql, zx

KILLS = int(os.environ.get("ZHENGXING_KILLS", "8"))
YEAR = 2026


def kill_at(env: dict[str, str], delay: float, *args: str, module: str = "zhengxing") -> bool:
    """Start the command, SIGKILL it after `delay` seconds; True when it was still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(delay)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return alive


def timed(env: dict[str, str], *args: str, module: str = "zhengxing") -> float:
    start = time.perf_counter()
    zx(env, *args, module=module)
    return time.perf_counter() - start


def ratings(env: dict[str, str]) -> list[tuple[Any, ...]]:
    return query(
        env,
        f"SELECT member_id, stars, CAST(score AS TEXT) FROM stars_rating "
        f"WHERE year = {YEAR} AND period = 'Y' ORDER BY member_id",
    )


KILLED: list[str] = []


def test_killed_recomputes_leave_all_or_nothing_and_a_rerun_completes(
    scratch: dict[str, str],
) -> None:
    rng = random.Random(8)
    zx(scratch, "migrate", "-v0")
    zx(scratch, "synth", "--members", "3000", "--entries", "12", "--ballots", "6",
       "--years", str(YEAR), "--county-code", "K", "-v0")  # fmt: skip
    zx(scratch, "scheme", "adopt", "bayannur-532", "--county", "K", "--year", str(YEAR))
    recompute = ("recompute", "--county", "K", "--year", str(YEAR), "--period", "Y", "-v0")
    took = timed(scratch, *recompute)
    expected = ratings(scratch)
    assert len(expected) == 3000
    for n in range(KILLS):
        if n % 2 == 0:  # half the time from nothing, half over last time's ratings
            sql(scratch, "DELETE FROM stars_consequence")
            sql(scratch, "DELETE FROM stars_rating")
        landed = kill_at(scratch, rng.uniform(0.3, took), *recompute)
        KILLED.append(f"recompute {'landed' if landed else 'after exit'}")
        now = ratings(scratch)
        assert len(now) in (0, 3000)  # all or nothing
        zx(scratch, *recompute)
        assert ratings(scratch) == expected


def test_killed_bulk_writes_leave_chains_that_verify(scratch: dict[str, str]) -> None:
    rng = random.Random(9)
    zx(scratch, "migrate", "-v0")
    synth = ("synth", "--members", "2000", "--entries", "10", "--ballots", "6",
             "--years", str(YEAR), "-v0")  # fmt: skip
    took = timed(scratch, *synth, "--county-code", "T0")
    for n in range(KILLS):
        landed = kill_at(scratch, rng.uniform(0.3, took), *synth, "--county-code", f"K{n}")
        KILLED.append(f"synth {'landed' if landed else 'after exit'}")
        assert zx(scratch, "verify-ledger", check=False).returncode == 0
        # every ballot counted once in its round's tally
        [(ballots, tallied, total10, tallied10)] = query(
            scratch,
            "SELECT (SELECT COUNT(*) FROM stars_ballot), (SELECT COALESCE(SUM(n), 0) FROM "
            "stars_ballottally), (SELECT COALESCE(SUM(ROUND(total * 10)), 0) FROM stars_ballot), "
            "(SELECT COALESCE(SUM(sum10), 0) FROM stars_ballottally)",
        )
        assert (ballots, int(total10)) == (tallied, int(tallied10))
        # a county is all there (every member on a branch) or has no members at all
        counts = query(
            scratch,
            "SELECT c.code, COUNT(m.id) FROM orgs_county c "
            "LEFT JOIN orgs_member m ON m.county_id = c.id GROUP BY c.code",
        )
        assert all(members in (0, 2000) for _, members in counts), counts


def test_killed_roster_imports_change_every_row_or_none(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    import openpyxl

    rng = random.Random(10)
    zx(scratch, "migrate", "-v0")
    zx(scratch, "synth", "--members", "3000", "--county-code", "K", "-v0")
    exported = tmp_path / "roster.xlsx"
    zx(scratch, "export-roster", "--county", "K", str(exported))

    def moved_to(n: int) -> tuple[tuple[str, ...], str]:
        """The exported roster with every member moved to a new address; its import."""
        book = openpyxl.load_workbook(exported)
        sheet = book["党员"]
        column = next(i for i, c in enumerate(sheet[1], 1) if "住址" in str(c.value or ""))
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=column, value=f"迁至新村第{n}组")
        book.save(tmp_path / f"roster{n}.xlsx")
        imported = ("import-roster", "--county", "K", str(tmp_path / f"roster{n}.xlsx"), "-v0")
        return imported, f"SELECT COUNT(*) FROM orgs_member WHERE address = '迁至新村第{n}组'"

    imported, moved = moved_to(0)
    took = timed(scratch, *imported)
    assert query(scratch, moved) == [(3000,)]
    for n in range(1, KILLS + 1):
        imported, moved = moved_to(n)
        landed = kill_at(scratch, rng.uniform(0.5, took), *imported)
        KILLED.append(f"import {'landed' if landed else 'after exit'}")
        [(now,)] = query(scratch, moved)
        assert now in (0, 3000), now  # every row or none
        zx(scratch, *imported)
        assert query(scratch, moved) == [(3000,)]


def test_killed_sign_offs_sign_each_branch_whole_or_not_at_all(scratch: dict[str, str]) -> None:
    rng = random.Random(11)
    today = dt.date.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1  # synth leaves this quarter open
    zx(scratch, "migrate", "-v0")
    zx(scratch, "synth", "--members", "4000", "--entries", "6", "--years", str(year),
       "--county-code", "K", "-v0")  # fmt: skip
    sign = ("sign-off-all", "0", "0")
    workers = "zhengxing.ops.tests.workers"
    [(branches,)] = query(scratch, "SELECT COUNT(DISTINCT branch_id) FROM orgs_member")
    this_quarter = f"year = {year} AND quarter = {quarter}"
    count = f"SELECT COUNT(*) FROM ledger_quarterclose WHERE {this_quarter}"

    def unsign() -> None:
        """Take the quarter's sign-offs back for the next kill (as a restore would)."""
        sql(scratch, f"DELETE FROM ledger_posting WHERE close_id IN "
                     f"(SELECT id FROM ledger_quarterclose WHERE {this_quarter})")  # fmt: skip
        sql(scratch, f"DELETE FROM ledger_quarterpoints WHERE {this_quarter}")
        sql(scratch, f"DELETE FROM ledger_quarterclose WHERE {this_quarter}")

    took = timed(scratch, *sign, module=workers)
    assert query(scratch, count) == [(branches,)] and _sign_offs_whole(scratch, year, quarter)
    for _ in range(KILLS):
        unsign()
        landed = kill_at(scratch, rng.uniform(1.0, took), *sign, module=workers)
        KILLED.append(f"sign-off {'landed' if landed else 'after exit'}")
        assert _sign_offs_whole(scratch, year, quarter)
        assert zx(scratch, "verify-ledger", check=False).returncode == 0
        zx(scratch, *sign, module=workers)
        assert query(scratch, count) == [(branches,)] and _sign_offs_whole(scratch, year, quarter)


def _sign_offs_whole(env: dict[str, str], year: int, quarter: int) -> bool:
    """Each branch's signed quarter has its totals over exactly its entries, its points rows and
    its notice; no points rows without a signature. (The synthetic county's earlier quarters
    are signed in bulk, without notices: only this one is looked at.)"""
    rows = query(
        env,
        "SELECT c.entries, "
        "(SELECT COUNT(*) FROM ledger_ledgerentry e WHERE e.branch_id = c.branch_id "
        " AND e.year = c.year AND e.quarter = c.quarter AND e.seq <= c.head_seq), "
        "(SELECT COALESCE(SUM(p.entries), 0) FROM ledger_quarterpoints p "
        " WHERE p.branch_id = c.branch_id AND p.year = c.year AND p.quarter = c.quarter), "
        "(SELECT COUNT(*) FROM ledger_posting s WHERE s.close_id = c.id) "
        f"FROM ledger_quarterclose c WHERE c.year = {year} AND c.quarter = {quarter}",
    )
    whole = all(a == b == c and posted == 1 for a, b, c, posted in rows)
    [(orphans,)] = query(
        env,
        "SELECT COUNT(*) FROM ledger_quarterpoints p WHERE NOT EXISTS (SELECT 1 FROM "
        "ledger_quarterclose c WHERE c.branch_id = p.branch_id AND c.year = p.year "
        f"AND c.quarter = p.quarter) AND p.year = {year} AND p.quarter = {quarter}",
    )
    return whole and orphans == 0


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    landed = sum(1 for k in KILLED if "landed" in k)
    print(f"\nkills: {len(KILLED)}, of which {landed} landed while the process ran")
