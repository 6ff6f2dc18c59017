"""Races between processes, as on a county's server with several workers: each worker its own
Python and database connection (zhengxing/ops/tests/workers.py), all released at the same
wall-clock moment, on a database of their own (PostgreSQL in its pass, a SQLite file here).

1. Six processes submit the same 93 self-reports (the same form sent from six phones) and one
   of their own each: every report exists once.
2. Four reviewers (two as the secretary, two as a committee member) decide every pending
   claim in shuffled orders, one at a time or five at once: each claim is decided once, an
   approved one has exactly one ledger entry, the chain is unbroken and verifies.
3. Three taps on "sign the quarter off" while two committee members record deductions in it:
   one sign-off, and its totals and chain anchor are exactly the entries before it; a
   deduction after it is refused, none is lost or counted twice. The signature holds its
   transaction until one deduction is under way, and the test checks from the times the
   workers report that this deduction spanned the signature's commit (it waited for the lock).
4. A backup taken while another process records and approves: it restores to one moment of
   that work, whole, and verifies.

The races run and anomalies found are printed (`pytest -s`) for the closing note."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, query, zx
from .workers import CLAIMS, MEMBERS

RACES: list[str] = []


def together(env: dict[str, str], *jobs: tuple[str, int]) -> list[dict[str, Any]]:
    """Run the workers' jobs in processes of their own, released together; their reports."""
    at = time.time() + 3.0  # time for every process to start Django and connect
    worker = [sys.executable, "-m", "zhengxing.ops.tests.workers"]
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    processes = [
        subprocess.Popen([*worker, job, str(at), str(seed)], env=env, cwd=ROOT, **pipes)
        for job, seed in jobs
    ]
    reports = []
    for p in processes:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    RACES.append(f"{len(jobs)} × {', '.join(sorted({job for job, _ in jobs}))}")
    return reports


def wait_for(condition: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.2)


def one(env: dict[str, str], sql: str) -> Any:
    [(value,)] = query(env, sql)
    return value


def test_processes_racing_to_submit_review_and_sign_off_lose_and_duplicate_nothing(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    together(scratch, ("setup", 0))
    branch = one(scratch, "SELECT id FROM orgs_org WHERE code = 'A1B'")
    members = MEMBERS + 2  # the cast's 李二妮 and 王甲 are in A1B too

    # 1. the same forms from six phones at once
    submitted = together(scratch, *[("submit", seed) for seed in range(6)])
    assert all(r["refused"] == 0 for r in submitted), submitted
    claims = one(scratch, "SELECT COUNT(*) FROM ledger_claim")
    assert claims == members * CLAIMS + 6
    assert one(scratch, "SELECT COUNT(DISTINCT idempotency_key) FROM ledger_claim") == claims

    # 2. four reviewers on the same queue
    reviewed = together(scratch, *[("review", seed) for seed in range(4)])
    refusals = {e for r in reviewed for e in r["errors"]}
    assert all("已审核" in e or "已被审核" in e for e in refusals), refusals  # and nothing else
    assert one(scratch, "SELECT COUNT(*) FROM ledger_claim WHERE status = 'pending'") == 0
    approved = one(
        scratch, "SELECT COUNT(*) FROM ledger_claim WHERE status IN ('approved', 'adjusted')"
    )
    entries = query(
        scratch,
        "SELECT claim_id, COUNT(*) FROM ledger_ledgerentry WHERE claim_id IS NOT NULL "
        "GROUP BY claim_id",
    )
    assert len(entries) == approved and all(n == 1 for _, n in entries)
    seqs = [s for (s,) in query(scratch, "SELECT seq FROM ledger_ledgerentry ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert zx(scratch, "verify-ledger", check=False).returncode == 0

    # 3. sign-off tapped three times while deductions are recorded
    synced = {**scratch, "WORKER_SYNC": str(tmp_path)}
    raced = together(synced, *[("sign-off", s) for s in range(3)], ("deduct", 1), ("deduct", 2))
    signs, deducts = raced[:3], raced[3:]
    assert sum(r["ok"] for r in signs) == 1, signs
    # they overlapped: a deduction began while the signature held the lock, and ended after it
    [committing] = [r["committing_at"] for r in signs if r["ok"]]
    waited = [(b, e) for r in deducts for b, e in r["calls"] if b < committing < e]
    assert waited, (committing, [r["calls"] for r in deducts])
    assert {e for r in signs for e in r["errors"]} <= {"2026年第二季度已签字确认"}
    late = {e for r in deducts for e in r["errors"]}
    assert all(e.startswith("2026年第二季度已签字确认") for e in late), late  # refused after it
    [(head_seq, counted)] = query(
        scratch, f"SELECT head_seq, entries FROM ledger_quarterclose WHERE branch_id = {branch}"
    )
    in_q2 = one(
        scratch,
        f"SELECT COUNT(*) FROM ledger_ledgerentry WHERE branch_id = {branch} "
        f"AND year = 2026 AND quarter = 2",
    )
    assert counted == in_q2 == head_seq == one(scratch, "SELECT MAX(seq) FROM ledger_ledgerentry")
    deducted = one(scratch, "SELECT COUNT(*) FROM ledger_ledgerentry WHERE part = 'deduction'")
    assert deducted == sum(r["ok"] for r in deducts)
    assert zx(scratch, "verify-ledger", check=False).returncode == 0


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(f"\nprocess races: {len(RACES)} ({'; '.join(RACES)}), anomalies: 0")


def test_a_backup_taken_while_the_committee_works_restores_whole(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    """`zhengxing backup` while another process appends to the ledger (SQLite's online backup,
    or pg_dump's snapshot): the restored database is one moment of it — every approved claim
    with its entry, the chain unbroken up to its head — and it verifies."""
    together(scratch, ("setup", 0))
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-m", "zhengxing.ops.tests.workers", "write-loop", str(time.time()),
         "300"],
        env={**scratch, "WORKER_STOP": str(stop)}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    entries = "SELECT COUNT(*) FROM ledger_ledgerentry"
    try:
        wait_for(lambda: one(scratch, entries) >= 30)  # the committee is at work
        target = tmp_path / "serving.backup"
        zx(scratch, "backup", str(target))
        then = one(scratch, entries)
        wait_for(lambda: one(scratch, entries) > then)  # and goes on after the backup
    finally:
        stop.touch()
        _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    RACES.append("1 × write-loop, backup")
    entries_then = one(scratch, entries)
    restored = zx(scratch, "restore", str(target), "--yes")
    assert "积分台账校验通过" in restored.stdout
    restored_entries = one(scratch, entries)
    assert 30 <= restored_entries < entries_then  # a moment in the middle
    approved = one(scratch, "SELECT COUNT(*) FROM ledger_claim WHERE status = 'approved'")
    assert approved == restored_entries  # every approval with its entry (a recorded claim waits)
    head = one(scratch, "SELECT MAX(seq) FROM ledger_branchchainhead")
    assert head == restored_entries == one(scratch, "SELECT MAX(seq) FROM ledger_ledgerentry")
