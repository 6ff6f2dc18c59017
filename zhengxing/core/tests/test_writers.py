"""The hot path's writers queue for SQLite's write lock on a file lock (`core.writers`): one
turn at a time across threads (and so across gunicorn's workers, whose threads each open the
file), the next woken as the one before lets go, a turn inside a turn the same turn, and no
queue where none is needed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection

from zhengxing.core import writers


@pytest.fixture
def lock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db.sqlite3-writers.lock"
    monkeypatch.setattr(writers, "lock_path", lambda using="default": str(path))
    return path


def test_one_turn_at_a_time_the_next_woken_when_it_ends(lock_file: Path) -> None:
    events: list[str] = []
    first_in = threading.Event()
    let_go = threading.Event()

    def first() -> None:
        with writers.writer_turn():
            events.append("first in")
            first_in.set()
            let_go.wait(10)
            events.append("first out")

    def second() -> None:
        first_in.wait(10)
        with writers.writer_turn():
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_in.wait(10)
    # the second is waiting on the lock, not past it
    threads[1].join(0.3)
    assert threads[1].is_alive()
    assert events == ["first in"]
    let_go.set()
    for t in threads:
        t.join(10)
    assert events == ["first in", "first out", "second in"]
    assert lock_file.exists()


def test_a_turn_inside_a_turn_is_the_same_turn(lock_file: Path) -> None:
    done = threading.Event()

    def nested() -> None:
        with writers.writer_turn(), writers.writer_turn():
            pass
        with writers.writer_turn():  # and the turn was given back
            done.set()

    t = threading.Thread(target=nested)
    t.start()
    t.join(10)
    assert done.is_set()


def test_a_turn_given_back_when_the_block_raises(lock_file: Path) -> None:
    with pytest.raises(RuntimeError), writers.writer_turn():
        raise RuntimeError("boom")
    got = threading.Event()

    def other() -> None:
        with writers.writer_turn():
            got.set()

    t = threading.Thread(target=other)
    t.start()
    t.join(10)
    assert got.is_set()


def test_where_no_queue_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "sqlite":  # PostgreSQL: row locks, no database-wide write lock
        assert writers.lock_path() is None
    else:
        monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/zx/var/zhengxing.sqlite3")
        assert writers.lock_path() == "/srv/zx/var/zhengxing.sqlite3-writers.lock"
        for memory in (":memory:", "file:memorydb_default?mode=memory&cache=shared"):
            monkeypatch.setitem(connection.settings_dict, "NAME", memory)
            assert writers.lock_path() is None  # one process: nobody to queue with
            with writers.writer_turn():  # and a turn there is simply the block
                pass


def test_a_lock_file_that_cannot_be_opened_costs_the_queue_not_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "gone" / "db.sqlite3-writers.lock"  # its directory does not exist
    monkeypatch.setattr(writers, "lock_path", lambda using="default": str(missing))
    ran = []
    with caplog.at_level("WARNING", logger="zhengxing.core.writers"):
        for _ in range(3):
            with writers.writer_turn():
                ran.append(True)
    assert ran == [True] * 3
    assert caplog.text.count("writing without turns") == 1  # said once, not once a vote
