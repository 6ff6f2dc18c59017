"""Where a running job and the pages meet: its progress, and a request to cancel it.

A job's work holds one transaction open (an import's rows, a recompute's ratings) and what it
writes there nobody sees until it commits. Its progress must be seen as it goes, so each report
is written in a short transaction of its own, outside the work's:

- when the work holds no transaction (an import reading and checking its rows): the job's row,
  on the work's own connection;
- PostgreSQL, while the work's transaction is open: the job's row, through a second connection
  of the job's own (autocommit), which also reads back whether a cancel was asked;
- SQLite, while the work's transaction is open: SQLite has one writer at a time and the work
  holds the write lock (Django's transactions here are IMMEDIATE), so a second connection would
  wait for the work to end. The progress goes to a small file beside the database instead,
  `VAR_DIR/jobs/<id>`, written whole and renamed into place; the pages read it
  (`live_progress`). On SQLite the server and the worker share one machine: the database is a
  file on it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from .models import Job, JobState

# how often a running job reports at most (the pages poll every second)
EVERY_SECONDS = 0.25


class JobCancelled(Exception):
    """Someone asked to cancel the job: its work's transaction is rolled back."""


def _board_dir() -> Path:
    return Path(settings.VAR_DIR) / "jobs"


def _file(job_id: Any, suffix: str = "") -> Path:
    return _board_dir() / f"{job_id}{suffix}"


def _uses_files() -> bool:
    return connection.vendor == "sqlite"


def _write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(text)
    os.replace(partial, path)


class Reporter:
    """What a job's work calls with its progress, `reporter(done, total)` (an import's
    `progress`): at most every `EVERY_SECONDS` it posts it where the pages see it at once, and
    raises `JobCancelled` once a cancel was asked."""

    def __init__(
        self, job_id: Any, *, every: float = EVERY_SECONDS, clock: Callable[[], float] | None = None
    ) -> None:
        self.job_id = job_id
        self.every = every
        self.clock = clock or time.monotonic
        self.last = -1e9
        self.done = 0
        self.total = 0
        self._side: Any = None
        # set by the runner: marks the job done with its outcome, in the caller's transaction
        self.finish: Callable[[Any], None] | None = None
        self.finished = False

    def done_with(self, outcome: Any) -> None:
        """The work is written: mark the job done now, inside the work's own transaction, so
        that both commit or neither does (a kind whose work is one transaction calls this)."""
        if self.finish is not None:
            self.finish(outcome)
            self.finished = True

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, max(total, done)
        now = self.clock()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        if self._post():
            raise JobCancelled

    def _post(self) -> bool:
        """Post the progress; whether a cancel was asked."""
        at = timezone.now()
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(
                done=self.done, total=self.total, progress_at=at
            )
            return Job.objects.filter(pk=self.job_id, cancel_requested=True).exists()
        if _uses_files():
            _write_file(_file(self.job_id), f"{self.done} {self.total}")
            return _file(self.job_id, ".cancel").exists()
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self._side.cursor() as cursor:  # autocommit: each statement its own transaction
            cursor.execute(
                "UPDATE jobs_job SET done = %s, total = %s, progress_at = %s WHERE id = %s",
                [self.done, self.total, at, self.job_id],
            )
            cursor.execute("SELECT cancel_requested FROM jobs_job WHERE id = %s", [self.job_id])
            row = cursor.fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
        board_clear(self.job_id)


def board_clear(job_id: Any) -> None:
    for suffix in ("", ".cancel"):
        _file(job_id, suffix).unlink(missing_ok=True)


def board_cancel(job_id: Any) -> None:
    """Ask a running job to stop, where it looks while its work's transaction is open (SQLite:
    a file; PostgreSQL reads the job's row, which `job_cancel` writes)."""
    if _uses_files():
        _write_file(_file(job_id, ".cancel"), "")


def live_progress(job: Job) -> tuple[int, int]:
    """(done, total) of a job as the pages show it: its row, or, on SQLite while its work's
    transaction is open, what it posted beside the database since."""
    done, total = job.done, job.total
    if job.state == JobState.RUNNING and _uses_files():
        try:
            posted = _file(job.pk).read_text().split()
        except (FileNotFoundError, ValueError):
            posted = []
        numbers = [int(p) for p in posted if p.isdigit()]
        if len(numbers) == 2 and numbers[0] >= done:
            done, total = numbers
    return done, total
