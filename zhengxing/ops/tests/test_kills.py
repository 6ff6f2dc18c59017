"""Processes killed (SIGKILL) at random moments, many times, on a database of their own (a SQLite
file, or a fresh PostgreSQL database in the PostgreSQL pass):

- the star recompute of a county-year: afterwards the year's ratings are all there or none of
  them are, and running it again completes it with the same stars as a run never interrupted;
- the synthetic county's bulk writes (tree, roster, ledgers with their hash chains, ballots and
  tallies, each step one transaction): afterwards `zhengxing verify-ledger` passes, the tallies
  match their ballots, and no county is half-written.

The count of kills that landed is printed (`pytest -s`) for the closing note."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

KILLS = int(os.environ.get("ZHENGXING_KILLS", "8"))
YEAR = 2026
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a database of its own for the subprocesses."""
    env = dict(os.environ)
    server = os.environ.get("DATABASE_URL", "")
    if connection.vendor == "postgresql":
        import psycopg

        name = f"zx_kill_{uuid.uuid4().hex[:8]}"
        base = server.rsplit("/", 1)[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{name}"
        yield env
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        yield env


def zx(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zhengxing", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=check, timeout=600,
    )  # fmt: skip


def kill_at(env: dict[str, str], delay: float, *args: str) -> bool:
    """Start the command, SIGKILL it after `delay` seconds; True when it was still running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "zhengxing", *args],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(delay)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    return alive


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()  # type: ignore[arg-type]


def timed(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    zx(env, *args)
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
            _sql(scratch, "DELETE FROM stars_consequence")
            _sql(scratch, "DELETE FROM stars_rating")
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


def _sql(env: dict[str, str], statement: str) -> None:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            db.execute(statement)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute(statement)  # type: ignore[arg-type]


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    landed = sum(1 for k in KILLED if "landed" in k)
    print(f"\nkills: {len(KILLED)}, of which {landed} landed while the process ran")
