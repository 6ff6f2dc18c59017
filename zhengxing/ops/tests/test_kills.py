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

Each kill waits until the command's work has begun (its database connection is open), then
lands a random part of the way through it; each scenario asserts that most of its kills landed
mid-work (still connected, ended by the signal). The count is printed (`pytest -s`)."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, query, sql, zx

KILLS = int(os.environ.get("ZHENGXING_KILLS", "8"))
YEAR = 2026


def _connected(env: dict[str, str], process: subprocess.Popen[bytes], name: str) -> bool:
    """Whether the process has its database connection open: its work has begun (a command
    opens it at its first query, after Django's start-up) and it has not exited. SQLite: the
    database file among the process's open files; PostgreSQL: a backend under the process's
    own application name (PGAPPNAME)."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        database = os.path.realpath(url.removeprefix("sqlite:///"))
        fds = f"/proc/{process.pid}/fd"
        try:
            return any(
                os.path.realpath(os.path.join(fds, fd)) == database for fd in os.listdir(fds)
            )
        except OSError:  # it exited meanwhile
            return False
    watcher = _WATCHERS.get(url)
    if watcher is None:  # one connection for all the polls (a new one each poll costs a backend)
        import psycopg

        watcher = _WATCHERS[url] = psycopg.connect(url, autocommit=True)
    [(n,)] = watcher.execute(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s", (name,)
    ).fetchall()
    return bool(n)


_WATCHERS: dict[str, Any] = {}  # the scratch database's URL → the connection that polls it


def _start(
    env: dict[str, str], args: tuple[str, ...], module: str
) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start the command and wait until its work has begun; the moment it had."""
    name = f"zx-kill-{uuid.uuid4().hex[:12]}"
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        env={**env, "PGAPPNAME": name}, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while process.poll() is None and not _connected(env, process, name):
        assert time.monotonic() < deadline, "the command never opened its database"
        time.sleep(0.002)
    return process, name, time.monotonic()


def timed(env: dict[str, str], *args: str, module: str = "zhengxing") -> float:
    """Run the command whole; how long its work took: from its first query until it closed its
    connection (a command closes it when done; Python's exit, which can take a second, is not
    work)."""
    process, name, began = _start(env, args, module)
    while process.poll() is None and _connected(env, process, name):
        time.sleep(0.002)
    took = time.monotonic() - began
    assert process.wait(timeout=600) == 0
    return took


def kill_at(
    env: dict[str, str], rng: random.Random, work: float, *args: str, module: str = "zhengxing"
) -> bool:
    """Start the command, and once its work has begun SIGKILL it a random part of the time its
    work takes (`work`, from `timed`). True when the kill landed mid-work: the connection was
    still open just before the signal and the signal is what ended the process."""
    process, name, _ = _start(env, args, module)
    time.sleep(rng.uniform(0.05, 0.8) * work)
    mid_work = process.poll() is None and _connected(env, process, name)
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60) == -signal.SIGKILL and mid_work


def ratings(env: dict[str, str]) -> list[tuple[Any, ...]]:
    return query(
        env,
        f"SELECT member_id, stars, CAST(score AS TEXT) FROM stars_rating "
        f"WHERE year = {YEAR} AND period = 'Y' ORDER BY member_id",
    )


KILLED: list[tuple[str, bool]] = []  # (scenario, whether the kill landed mid-work)


def landed_mid_work(scenario: str) -> None:
    """A kill proves something only if it landed mid-work. Each is timed from the moment the
    work began to at most 80% of its length, so most land mid-work; at least a quarter of each
    scenario's kills must (measured: 7 or 8 of 8), which leaves room for a busy machine."""
    kills = [landed for name, landed in KILLED if name == scenario]
    assert len(kills) == KILLS and sum(kills) >= max(1, KILLS // 4), (scenario, kills)


def test_killed_recomputes_leave_all_or_nothing_and_a_rerun_completes(
    scratch: dict[str, str],
) -> None:
    rng = random.Random(8)
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
        landed = kill_at(scratch, rng, took, *recompute)
        KILLED.append(("recompute", landed))
        now = ratings(scratch)
        assert len(now) in (0, 3000)  # all or nothing
        zx(scratch, *recompute)
        assert ratings(scratch) == expected
    landed_mid_work("recompute")


def test_killed_bulk_writes_leave_chains_that_verify(scratch: dict[str, str]) -> None:
    rng = random.Random(9)
    synth = ("synth", "--members", "2000", "--entries", "10", "--ballots", "6",
             "--years", str(YEAR), "-v0")  # fmt: skip
    took = timed(scratch, *synth, "--county-code", "T0")
    for n in range(KILLS):
        landed = kill_at(scratch, rng, took, *synth, "--county-code", f"K{n}")
        KILLED.append(("synth", landed))
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
    landed_mid_work("synth")


def test_killed_roster_imports_change_every_row_or_none(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    import openpyxl

    rng = random.Random(10)
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
        landed = kill_at(scratch, rng, took, *imported)
        KILLED.append(("import", landed))
        [(now,)] = query(scratch, moved)
        assert now in (0, 3000), now  # every row or none
        zx(scratch, *imported)
        assert query(scratch, moved) == [(3000,)]
    landed_mid_work("import")


def test_killed_sign_offs_sign_each_branch_whole_or_not_at_all(scratch: dict[str, str]) -> None:
    rng = random.Random(11)
    today = dt.date.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1  # synth leaves this quarter open
    zx(scratch, "synth", "--members", "4000", "--entries", "6", "--years", str(year),
       "--county-code", "K", "-v0")  # fmt: skip
    sign = ("sign-off-all", "0", "0")
    workers = "zhengxing.ops.tests.workers"
    [(branches,)] = query(scratch, "SELECT COUNT(DISTINCT branch_id) FROM orgs_member")
    this_quarter = f"year = {year} AND quarter = {quarter}"
    count = f"SELECT COUNT(*) FROM ledger_quarterclose WHERE {this_quarter}"

    def unsign() -> None:
        """Take the quarter's sign-offs back for the next kill (as a restore would): the
        county's tree too, whose every leaf is one of them (synth signs without leaves)."""
        for table in ("integrity_treehead", "integrity_leaf", "integrity_log"):
            sql(scratch, f"DELETE FROM {table}")
        sql(scratch, f"DELETE FROM ledger_posting WHERE close_id IN "
                     f"(SELECT id FROM ledger_quarterclose WHERE {this_quarter})")  # fmt: skip
        sql(scratch, f"DELETE FROM ledger_quarterpoints WHERE {this_quarter}")
        sql(scratch, f"DELETE FROM ledger_quarterclose WHERE {this_quarter}")

    took = timed(scratch, *sign, module=workers)
    assert query(scratch, count) == [(branches,)] and _sign_offs_whole(scratch, year, quarter)
    for _ in range(KILLS):
        unsign()
        landed = kill_at(scratch, rng, took, *sign, module=workers)
        KILLED.append(("sign-off", landed))
        assert _sign_offs_whole(scratch, year, quarter)
        assert zx(scratch, "verify-ledger", check=False).returncode == 0
        zx(scratch, *sign, module=workers)
        assert query(scratch, count) == [(branches,)] and _sign_offs_whole(scratch, year, quarter)
    landed_mid_work("sign-off")


def _sign_offs_whole(env: dict[str, str], year: int, quarter: int) -> bool:
    """Each branch's signed quarter has its totals over exactly its entries, its points rows, its
    notice and its leaf in the county's tree; no points rows without a signature. (The synthetic
    county's earlier quarters are signed in bulk, without notices or leaves: only this one is
    looked at.)"""
    rows = query(
        env,
        "SELECT c.entries, "
        "(SELECT COUNT(*) FROM ledger_ledgerentry e WHERE e.branch_id = c.branch_id "
        " AND e.year = c.year AND e.quarter = c.quarter AND e.seq <= c.head_seq), "
        "(SELECT COALESCE(SUM(p.entries), 0) FROM ledger_quarterpoints p "
        " WHERE p.branch_id = c.branch_id AND p.year = c.year AND p.quarter = c.quarter), "
        "(SELECT COUNT(*) FROM ledger_posting s WHERE s.close_id = c.id), "
        "(SELECT COUNT(*) FROM integrity_leaf l WHERE l.close_id = c.id) "
        f"FROM ledger_quarterclose c WHERE c.year = {year} AND c.quarter = {quarter}",
    )
    whole = all(a == b == c and posted == leaf == 1 for a, b, c, posted, leaf in rows)
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
    landed = sum(1 for _, mid_work in KILLED if mid_work)
    each = {name: f"{sum(m for n, m in KILLED if n == name)}/{KILLS}" for name, _ in KILLED}
    print(f"\nkills: {len(KILLED)}, of which {landed} landed mid-work ({each})")


# --- a background job's worker, killed ---------------------------------------------------------

JOB_KILLS = 2


def _enqueue_import(env: dict[str, str], workbook: Path) -> str:
    """A roster import of `workbook` into county K queued as a job (as the import page does);
    its id."""
    code = f"""
from django.core.files import File
from zhengxing.core.actor import Actor
from zhengxing.jobs.services import job_start
from zhengxing.orgs.models import County
with open({str(workbook)!r}, "rb") as f:
    job = job_start(actor=Actor.system("test"), county=County.objects.get(code="K"),
                    kind="roster_import", params={{"today": "{dt.date.today()}"}},
                    upload=File(f, name="roster.xlsx"))
print(job.pk)
"""
    return zx(env, "shell", "-c", code).stdout.split()[-1]


def _job_state(env: dict[str, str], job_id: str) -> str:
    # SQLite keeps the id's 32 hex digits, PostgreSQL a uuid
    key = job_id.replace("-", "")
    [(state,)] = query(
        env, f"SELECT state FROM jobs_job WHERE REPLACE(CAST(id AS TEXT), '-', '') = '{key}'"
    )
    return str(state)


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "zhengxing", "worker", "--no-startup-delay", "--interval", "0.1",
         "--no-reload", *args],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _run_until(env: dict[str, str], job_id: str, states: tuple[str, ...]) -> float:
    """Start a worker, wait until the job reaches one of `states`; the moment it did."""
    deadline = time.monotonic() + 300
    while _job_state(env, job_id) not in states:
        assert time.monotonic() < deadline, "the worker never took the job"
        time.sleep(0.01)
    return time.monotonic()


def test_a_worker_killed_mid_import_writes_nothing_and_its_job_is_interrupted(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    """A roster import run by a real worker (`zhengxing worker`), SIGKILLed while the job runs:
    no member is changed, and the next worker to start marks the job interrupted, in Chinese;
    the same file imported again by a worker is imported whole."""
    import openpyxl

    rng = random.Random(12)
    zx(scratch, "synth", "--members", "3000", "--county-code", "K", "-v0")
    exported = tmp_path / "roster.xlsx"
    zx(scratch, "export-roster", "--county", "K", str(exported))
    book = openpyxl.load_workbook(exported)
    sheet = book["党员"]
    column = next(i for i, c in enumerate(sheet[1], 1) if "住址" in str(c.value or ""))
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=column, value="迁至新村")
    moved_file = tmp_path / "moved.xlsx"
    book.save(moved_file)
    moved = "SELECT COUNT(*) FROM orgs_member WHERE address = '迁至新村'"

    # how long the job runs, from running to done, on a worker that is not killed
    job_id = _enqueue_import(scratch, moved_file)
    sql(scratch, "UPDATE orgs_member SET address = '原址'")  # undone below, by the job itself
    worker = _worker(scratch)
    began = _run_until(scratch, job_id, ("running",))
    took = _run_until(scratch, job_id, ("done", "failed")) - began
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    assert _job_state(scratch, job_id) == "done", query(scratch, "SELECT error FROM jobs_job")
    assert query(scratch, moved) == [(3000,)]
    sql(scratch, "UPDATE orgs_member SET address = '原址'")

    for _ in range(JOB_KILLS):
        job_id = _enqueue_import(scratch, moved_file)
        worker = _worker(scratch)
        _run_until(scratch, job_id, ("running",))
        time.sleep(rng.uniform(0.2, 0.8) * took)
        running = _job_state(scratch, job_id) == "running"
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=60) == -signal.SIGKILL
        KILLED.append(("job", running))
        if not running:
            continue
        assert query(scratch, moved) == [(0,)]  # nothing of the import written
        assert _job_state(scratch, job_id) == "running"  # as the killed worker left it
        zx(scratch, "worker", "--batch", "--no-startup-delay", "--no-reload")
        assert _job_state(scratch, job_id) == "interrupted"
        [(error,)] = query(scratch, "SELECT error FROM jobs_job WHERE state = 'interrupted' "
                                    "ORDER BY finished_at DESC LIMIT 1")  # fmt: skip
        assert "未写入任何数据" in error
        assert query(scratch, moved) == [(0,)]
    assert sum(landed for name, landed in KILLED if name == "job") >= 1, KILLED

    job_id = _enqueue_import(scratch, moved_file)
    zx(scratch, "worker", "--batch", "--no-startup-delay", "--no-reload")
    assert _job_state(scratch, job_id) == "done" and query(scratch, moved) == [(3000,)]
