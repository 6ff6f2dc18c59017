"""The hot path's writers queued for SQLite's one write lock, each woken as the one before it
commits.

SQLite lets one connection write at a time. A connection that finds the write lock taken waits
in SQLite's busy handler, which polls: it sleeps 1, 2, 5, 10, 15, 20, 25 ms… between tries. Under
a steady stream of short writes — the public's vote, issue 23's "1,000 votes a second" — the lock
stands free while its waiters sleep, and each try costs CPU: strace of one gunicorn worker under
bench/bench_vote_load.py counted 2.2 sleeps of 1.9 ms a vote. `writer_turn()` queues those
writers on an exclusive flock(2) of a file beside the database instead: the kernel wakes the next
as soon as the one before lets go, and the write lock it then asks SQLite for is free.

Advisory only: a writer that takes no turn still gets the lock through the busy handler, as
before, and one holding a turn waits for it the same way. On PostgreSQL (row locks, no
database-wide write lock) and on SQLite in memory (one process) it does nothing.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.sqlite3.creation import DatabaseCreation

_held = threading.local()
logger = logging.getLogger(__name__)
_unopened: set[str] = set()  # lock files this process could not open, said once each


def lock_path(using: str = "default") -> str | None:
    """The file the writers of this database queue on, or None where no queue is needed."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if DatabaseCreation.is_in_memory_db(name):
        return None
    return f"{name}-writers.lock"


@contextmanager
def writer_turn(using: str = "default") -> Iterator[None]:
    """Wait for this thread's turn to write, hold it for the block (a transaction opened in it
    finds SQLite's write lock free of the other turns' writers). A turn inside a turn is the
    same turn."""
    path = lock_path(using)
    if path is None or getattr(_held, "turn", False):
        yield
        return
    # one descriptor a turn: flock(2) locks belong to the open file, so two threads of one
    # worker sharing a descriptor would both hold the lock; closing it lets go
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as e:
        # the queue is a courtesy, not what keeps the writes right (SQLite's own lock does):
        # a lock file the server may not open (its directory's owner changed) costs the queue,
        # said in the log (once a worker: a vote's rate would flood it), and no write
        if path not in _unopened:
            _unopened.add(path)
            logger.warning("writers' lock file %s not opened (%s): writing without turns", path, e)
        fd = None
    if fd is None:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits without holding the GIL
        _held.turn = True
        try:
            yield
        finally:
            _held.turn = False
    finally:
        os.close(fd)
