"""SQLite's writers take turns in the kernel (`core.writers`): a turn excludes every other
thread's and process's turn on the same database until it ends, and hands on at once; on the
tests' in-memory SQLite it does nothing."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from zhengxing.core.writers import file_turn, lock_path, writer_turn


def test_a_turn_excludes_another_threads_until_it_ends(tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite3-writers")
    got: list[float] = []
    entered = threading.Event()

    def other() -> None:
        entered.wait()
        with file_turn(path):
            got.append(time.monotonic())

    waiter = threading.Thread(target=other)
    waiter.start()
    with file_turn(path):
        entered.set()
        time.sleep(0.3)
        assert not got, "the second turn began while the first was held"
        left = time.monotonic()
    waiter.join(5)
    assert got and got[0] >= left
    assert got[0] - left < 0.1  # handed on, not polled for


def test_a_turn_excludes_another_process(tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite3-writers")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time\n"
         f"f = open({path!r}, 'ab'); fcntl.flock(f.fileno(), fcntl.LOCK_EX)\n"
         "print('held', flush=True); time.sleep(0.5)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    start = time.monotonic()
    with file_turn(path):
        waited = time.monotonic() - start
    holder.wait(5)
    assert waited > 0.2


@pytest.mark.django_db
def test_writer_turn_locks_the_databases_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "zhengxing.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    if connection.vendor != "sqlite":
        with writer_turn():
            assert not Path(lock_path(str(database))).exists()  # PostgreSQL: row locks
        return
    taken: list[bool] = []
    with writer_turn():
        t = threading.Thread(target=lambda: taken.append(_try(lock_path(str(database)))))
        t.start()
        t.join(5)
    assert taken == [False]
    assert _try(lock_path(str(database)))  # free again once the turn ends


@pytest.mark.django_db
def test_writer_turn_on_the_tests_in_memory_database_does_nothing(tmp_path: Path) -> None:
    if connection.vendor == "sqlite":
        assert SQLiteCreation.is_in_memory_db(str(connection.settings_dict["NAME"]))
    with writer_turn(), writer_turn():  # nothing taken: no turn to wait for
        pass


def _try(path: str) -> bool:
    """Whether a turn on `path` could be had at once, from another open file."""
    import fcntl

    with open(path, "ab") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        return True
