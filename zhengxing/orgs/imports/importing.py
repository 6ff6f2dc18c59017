"""`roster_import`: read and check the whole workbook (`validation`), then write everything in
one transaction (`writing`), or nothing; a failed import is audited in a transaction of its own."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO

from django.db import IntegrityError, connection, transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.sheets import Parsing, SheetUnreadable

from .. import excel
from ..models import County
from ..services import NUMBER_REFUSED
from ._common import ImportErrorRow, ImportFailed, ImportResult, ImportSource, Progress
from .validation import _Import
from .writing import import_write


def roster_import(
    *,
    actor: Actor,
    county: County,
    file: IO[bytes] | str | Path,
    today: dt.date,
    progress: Progress | None = None,
    parsing: Parsing | None = None,
    job_id: str | None = None,
    written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import a roster workbook into `county`: every row valid, or nothing written.

    `written(result)` is called inside the import's transaction once everything is written, so
    what it writes commits with the import or not at all (a background job marks itself done
    there: a worker killed after the import's commit would otherwise leave it written and the
    job running).

    The import writes one audit row (who, the file's name and SHA-256, `job_id` when a
    background job runs it, the counts); each member's history row points to it.

    `progress(done, total)` is called as rows are read and checked, then as they are written:
    each row counts once in each pass, so `total` is twice the number of rows. Before the
    first row, `parsing(share)` is told how far the workbook's parse has probably got, a few
    times a second (`core.sheets.read_tables`)."""
    source = _source(file, job_id)
    try:
        return _roster_import(
            actor=actor,
            county=county,
            file=file,
            source=source,
            today=today,
            progress=progress,
            parsing=parsing,
            written=written,
        )
    except ImportFailed as failed:
        _audit_failure(actor, county, source, failed.errors)
        raise


def _source(file: IO[bytes] | str | Path, job_id: str | None) -> ImportSource:
    """The file's name and SHA-256 (read in chunks; an open file is rewound after)."""
    digest = hashlib.sha256()
    if isinstance(file, str | Path):
        name = Path(file).name
        with open(file, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    else:
        name = Path(str(getattr(file, "name", "") or "")).name
        if hasattr(file, "seek"):
            file.seek(0)
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
        if hasattr(file, "seek"):
            file.seek(0)
    return ImportSource(file_name=name, sha256=digest.hexdigest(), job_id=job_id)


def _roster_import(
    *,
    actor: Actor,
    county: County,
    file: IO[bytes] | str | Path,
    source: ImportSource,
    today: dt.date,
    progress: Progress | None,
    parsing: Parsing | None,
    written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    job = _Import(actor=actor, county=county, today=today, progress=progress, source=source)
    try:
        with _bulk_work(), excel.RosterBook(file, parsing=parsing) as book:
            job.read(book)
    except SheetUnreadable as e:
        raise ImportFailed([ImportErrorRow(0, "", str(e), sheet="")]) from None
    if job.errors:
        raise ImportFailed(job.sorted_errors())
    try:
        with (
            _bulk_work(),
            _sqlite_pragma("wal_autocheckpoint", 0),  # see SQLITE_CHECKPOINT_LATER
            transaction.atomic(),
            _sqlite_pragma("cache_size", -SQLITE_CACHE_KIB),
        ):
            result = import_write(job)
            if written is not None:
                written(result)
            return result
    except IntegrityError:
        # Someone registered one of these numbers (or used an org code) while we validated.
        raise ImportFailed(
            [ImportErrorRow(0, "", "导入期间数据被他人同时修改，请重新导入", sheet="")]
        ) from None


# how many of a failed import's problems its audit row lists (where: sheet, row and column)
AUDITED_PROBLEMS = 50


def _audit_failure(
    actor: Actor, county: County, source: ImportSource, errors: list[ImportErrorRow]
) -> None:
    """A failed import is audited too, in a transaction of its own: who tried, how many
    problems, where they were, and how many rows named an ID number that was refused. The
    messages are left out (they may quote what was typed: a phone, a number)."""
    refused = sum(1 for e in errors if e.message == NUMBER_REFUSED)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="roster.import_failed",
            object_type="county",
            object_id=county.pk,
            county_id=county.pk,
            summary=f"花名册未导入：共{len(errors)}处错误"
            + (f"，其中{refused}个公民身份号码未予导入" if refused else ""),
            after={
                "errors": len(errors),
                "numbers_refused": refused,
                "where": [[e.sheet, e.row, e.column] for e in errors[:AUDITED_PROBLEMS]],
                **asdict(source),
            },
        )


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector: an import holds a few objects per row alive and
    creates no reference cycles (reference counting frees its garbage), yet every full
    collection would walk all of them again (what that costs: bench/README.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# On SQLite, a page cache large enough for the indexes one large transaction touches at random
# (the ID numbers' blind index above all); why: bench/README.md.
SQLITE_CACHE_KIB = 128 * 1024
# SQLITE_CHECKPOINT_LATER: on SQLite, the import's commit does not also copy the write-ahead
# log into the database (a checkpoint: 160 MB and a second of the commit's 1.6 s at 100,000
# members); the connection's next commit does, once the import is committed and seen (for a
# job: its state, done), so the job's progress bar does not stand still over it (issue 19).


@contextmanager
def _sqlite_pragma(name: str, value: int) -> Iterator[None]:
    """On SQLite, the connection's PRAGMA `name` set to `value`, restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name} = {int(previous)}")
