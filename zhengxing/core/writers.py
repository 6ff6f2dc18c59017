"""SQLite's writers queued in the kernel, not in SQLite's busy handler (issue 23: the public's
vote, "1,000 votes per second … behind gunicorn on this 2-core machine").

SQLite has one write lock per database. A connection that finds it taken (BEGIN IMMEDIATE) waits
in its busy handler, which polls: it sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries, whatever
moment the lock comes free. With three gunicorn workers of four threads each writing a vote at
once, a sixth of the server threads' time went to those sleeps (py-spy on the workers under
`bench/bench_vote_load.py`), and a thread asleep there answers nobody.

`writer_turn()` around a write transaction takes an exclusive `flock` on a file beside the
database first (`<database>-writers`): one per thread (a lock on one open file description
conflicts with a lock on another, in this process or another), so the writers of every worker
queue in the kernel, which hands the lock on the moment it is released, and each then finds
SQLite's own lock free. It orders only those who take it: a writer that does not still waits in
SQLite's busy handler, as before, and SQLite's lock remains the one that keeps the data right.
On PostgreSQL (row locks) and on an in-memory SQLite (the tests': one connection) it does
nothing.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

_local = threading.local()  # this thread's open lock files, by database path


def lock_path(database: str) -> str:
    """The file the writers of the SQLite database at `database` lock."""
    return f"{database}-writers"


@contextmanager
def file_turn(path: str) -> Iterator[None]:
    """An exclusive flock on `path` (created if need be) for the block, through this thread's
    own open file: threads and processes alike wait their turn, in the kernel."""
    files: dict[str, IO[bytes]] = _local.__dict__.setdefault("files", {})
    lock = files.get(path)
    if lock is None:
        lock = files[path] = open(path, "ab")  # noqa: SIM115 (kept open: the thread's own)
    fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@contextmanager
def writer_turn() -> Iterator[None]:
    """Around a write transaction on the default database: on a SQLite file, this thread's turn
    among the writers that take one (the module's docstring); elsewhere nothing."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or SQLiteCreation.is_in_memory_db(name):
        yield
        return
    with file_turn(lock_path(name)):
        yield
