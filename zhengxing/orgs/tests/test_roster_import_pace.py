"""The roster import's pace, as the import job's progress bar sees it (issue 19: "the progress
bar moving at least every 2 s"): the lookups of members already registered go a chunk at a time
with the rows read, not all after them — or, where the county holds no more members than the
file has rows, the county's members are read once; on SQLite the import's commit leaves copying the
write-ahead log into the database (a checkpoint, a second at 100,000 members) to the next one.

Recall the cast (zhengxing/testing.py): branch A1B of township A in county T1."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.core import pii
from zhengxing.orgs.imports import importing, roster_import, validation
from zhengxing.orgs.models import Member
from zhengxing.orgs.tests.test_roster_import import member, workbook
from zhengxing.testing import SYSTEM, TODAY, Cast


def test_a_reimport_looks_its_members_up_as_it_reads_them(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [member("A1B") for _ in range(250)]
    roster_import(actor=SYSTEM, county=cast.county, file=workbook(rows), today=TODAY)
    monkeypatch.setattr(validation, "LOOKUP_CHUNK", 50)
    monkeypatch.setattr(validation, "REPORT_EVERY", 50)
    steps: list[str] = []

    def lookups(execute: Any, sql: str, *args: Any) -> Any:
        if "id_card_hash" in sql and "SELECT" in sql and "IN (" in sql:
            steps.append("lookup")
        if sql.startswith("SELECT COUNT(*)") and '"orgs_member"' in sql:
            steps.append("count")
        return execute(sql, *args)

    def progress(done: int, total: int) -> None:
        if done <= total // 2:  # the first pass: reading and checking
            steps.append("read")

    with connection.execute_wrapper(lookups):
        result = roster_import(
            actor=SYSTEM, county=cast.county, file=workbook(rows), today=TODAY, progress=progress
        )

    assert result.unchanged == 250
    # the county (the cast's 3 and these 250) holds more than the file: counted once, then
    # looked up a chunk at a time
    assert steps.count("count") == 1
    steps.remove("count")
    assert steps.count("lookup") == 5
    # each chunk looked up once it is read, before the next reading report
    assert steps[: steps.index("lookup", steps.index("lookup") + 1)].count("read") <= 2
    assert steps[-2:] == ["lookup", "read"]


def test_a_roster_naming_as_many_as_the_county_holds_reads_the_county_once(
    cast: Cast,
) -> None:
    """No more members in the county than rows in the file (a county's first roster: none; a
    whole re-import: as many): its members read in one pass, no lookup by number."""
    rows = [member("A1B") for _ in range(20)]
    roster_import(actor=SYSTEM, county=cast.county, file=workbook(rows), today=TODAY)
    held = Member.objects.filter(county=cast.county).count()  # the cast's 3 and these 20
    rows += [member("A1B") for _ in range(held - 20 + 2)]
    rows[0] = {**rows[0], "address": "新地址"}
    queries: list[str] = []

    def record(execute: Any, sql: str, *args: Any) -> Any:
        if "id_card_hash" in sql and sql.startswith("SELECT"):
            queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        result = roster_import(actor=SYSTEM, county=cast.county, file=workbook(rows), today=TODAY)
    assert (result.created, result.updated, result.unchanged) == (held - 20 + 2, 1, 19)
    lookups = [q for q in queries if '"id_card_hash" IN (' in q]
    whole = [q for q in queries if q.endswith('WHERE "orgs_member"."county_id" = %s')]
    assert not lookups and len(whole) == 1, queries
    assert Member.objects.get(id_card_hash=pii.blind_index(rows[0]["id_card"])).address == "新地址"


def test_on_sqlite_the_imports_commit_leaves_the_checkpoint_to_the_next(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pragma(name: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name}")
            return int(cursor.fetchone()[0])

    seen: dict[str, int] = {}
    write = importing.import_write

    def import_write(job: Any) -> Any:
        if connection.vendor == "sqlite":
            seen.update(during=pragma("wal_autocheckpoint"), cache=pragma("cache_size"))
        return write(job)

    monkeypatch.setattr(importing, "import_write", import_write)
    before = pragma("wal_autocheckpoint") if connection.vendor == "sqlite" else None
    with CaptureQueriesContext(connection) as captured:
        roster_import(actor=SYSTEM, county=cast.county, file=workbook([member("A1B")]), today=TODAY)
    if connection.vendor == "sqlite":
        assert seen == {"during": 0, "cache": -importing.SQLITE_CACHE_KIB}
        assert pragma("wal_autocheckpoint") == before
    else:
        assert not [q for q in captured if "PRAGMA" in q["sql"]]
