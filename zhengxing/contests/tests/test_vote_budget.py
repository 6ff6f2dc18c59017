"""What one public vote costs the database (issue 23, "Numbers": 1,000 votes a second behind
gunicorn on two cores): the contest by its public reference and the entry and the code read in
one, both before the write transaction (on SQLite it holds the database's write lock from its
BEGIN); then the address's and the code's attempts counted in one statement, the vote, and the
device's day raised below its limit — five statements, the writes in one transaction with no
savepoint, none
of them a session's (an anonymous voter has none) or an audit row's (a vote is its own record).
bench/bench_vote_load.py measures it against the real server.

同步发动广大党员、群众开展“线上投票” (article 001)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhengxing.contests.models import Vote

from .conftest import Arena

pytestmark = pytest.mark.django_db


def test_a_vote_costs_five_statements(arena: Arena, api_clock: list[dt.datetime]) -> None:
    phone = Client(REMOTE_ADDR="203.0.113.9")
    url = f"/api/v1/contests/public/{arena.contest.public_ref}/votes"
    body = {"entry": arena.a1.public_ref, "code": arena.codes[0], "device": "phone-9"}
    with CaptureQueriesContext(connection) as ctx:
        voted = phone.post(url, body, content_type="application/json")
    assert voted.status_code == 201, voted.content
    # the test's own transaction turns the vote's into a savepoint: those are left out
    sql = [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(sql) == 5, "\n".join(sql)
    # one savepoint: the vote's transaction, inside the test's; vote_cast adds none of its own
    assert sum(q["sql"].startswith("SAVEPOINT") for q in ctx.captured_queries) == 1
    assert sql[0].startswith("SELECT id, county_id, showcase_from") and "JOIN" not in sql[0]
    assert sql[1].startswith("SELECT e.id, c.id") and "LEFT JOIN contests_votercode" in sql[1]
    assert sql[2].startswith("INSERT INTO contests_votequota") and "RETURNING kind, n" in sql[2]
    # the reads come before the vote's transaction (its savepoint here): the lock is the writes'
    opened = next(i for i, q in enumerate(ctx.captured_queries) if q["sql"].startswith("SAVEPOINT"))
    assert [q["sql"][:6] for q in ctx.captured_queries[:opened]] == ["SELECT", "SELECT"]
    assert sql[3].startswith("INSERT INTO contests_vote ") and "DO NOTHING" in sql[3]
    assert sql[4].startswith("INSERT INTO contests_votequota") and "n < " in sql[4]
    assert Vote.objects.get().device == "phone-9"
    assert not voted.cookies.get("sessionid")


def test_the_writes_take_their_turn_the_reads_do_not(
    arena: Arena, api_clock: list[dt.datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vote's write transaction queues for SQLite's write lock (`core.writers.writer_turn`,
    a file lock the next writer is woken by) and holds it for the writes alone."""
    from contextlib import contextmanager

    from zhengxing.contests import public_vote

    held: list[bool] = [False]
    seen: list[tuple[bool, str]] = []

    @contextmanager
    def turn(using: str = "default"):  # type: ignore[no-untyped-def]
        held[0] = True
        try:
            yield
        finally:
            held[0] = False

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append((held[0], " ".join(sql.split()[:3:2])))
        return execute(sql, params, many, context)

    monkeypatch.setattr(public_vote, "writer_turn", turn)
    url = f"/api/v1/contests/public/{arena.contest.public_ref}/votes"
    body = {"entry": arena.a1.public_ref, "code": arena.codes[0], "device": "phone-9"}
    with connection.execute_wrapper(record):
        voted = Client(REMOTE_ADDR="203.0.113.9").post(url, body, content_type="application/json")
    assert voted.status_code == 201, voted.content
    statements = [(h, s) for h, s in seen if not s.startswith(("SAVEPOINT", "RELEASE"))]
    assert [h for h, _s in statements] == [False, False, True, True, True], statements
    assert [s for h, s in statements if h] == [
        "INSERT contests_votequota",
        "INSERT contests_vote",
        "INSERT contests_votequota",
    ]
