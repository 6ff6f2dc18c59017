"""The roster's jobs: an import (every row checked, then all written in one transaction, or
nothing) and the county roster's export. Both call the roster's own entry points
(`zhengxing.orgs.imports`); this app sits above orgs and calls down."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied

from zhengxing.core.actor import Actor
from zhengxing.orgs import imports
from zhengxing.orgs.imports.export import EXPORT_DENIED
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.rules import ROLE_MANAGES, ROLE_REVEALS_PII
from zhengxing.orgs.selectors import scope_for_actor

from .board import Reporter
from .kinds import JobFailed, Kind, Outcome, kind_register
from .models import Job, JobKind

# the problems an import's job keeps for its page and the API (the audit row counts them all)
KEPT_PROBLEMS = 5000


def _holds(actor: Actor, county: County, roles: frozenset[str]) -> bool:
    scope = scope_for_actor(actor)
    return scope.everything or any(
        g.role in roles and g.county_id == county.pk for g in scope.grants
    )


def import_authorize(actor: Actor, county: County, org: Org | None, params: dict[str, Any]) -> None:
    if not _holds(actor, county, ROLE_MANAGES):
        raise PermissionDenied("无权向本旗县区导入花名册")


# The bar's scale, in thousandths: the first half while the workbook is read and its rows
# checked, the second while they are written. The import counts rows against the sheet's own
# estimate, which a workbook may lack (then each of its reports says "half the rows read"), so
# the first half also follows the bytes of the file read: a workbook (a zip) is read from its
# end, then its shared strings (the bulk of a roster's text, before the first row: the first
# tenth of the bar), then its sheets as their rows stream in.
SCALE = 1000
OPENING = 100
READING = 500


class _ImportBar:
    def __init__(self, report: Callable[[int, int], None], *, size: int, sheets: int) -> None:
        self.report = report
        self.size = max(size, 1)
        self.opening = max(size - sheets, 0)  # bytes read before the first row
        self.shown = 0
        self.writing = False

    def show(self, value: int) -> None:
        if value > self.shown:
            self.shown = value
            self.report(value, SCALE)

    def bytes_read(self, n: int) -> None:
        if self.writing:
            return
        if n <= self.opening:
            self.show(OPENING * n // max(self.opening, 1))
        else:
            streamed = (n - self.opening) / max(self.size - self.opening, 1)
            self.show(OPENING + int((READING - OPENING) * min(streamed, 1.0)))

    def rows(self, done: int, total: int) -> None:
        share = done / total if total else 0.0
        if share <= 0.5:  # reading and checking
            self.show(int(READING * 2 * share))
        else:
            self.writing = True
            self.show(READING + int((SCALE - READING) * (2 * share - 1)))


def _sheets_size(path: Path) -> int:
    """The compressed bytes of a workbook's sheets (what streams in with the rows); 0 when the
    file is not a zip (its bytes then all count as read while opening)."""
    if not zipfile.is_zipfile(path):
        return 0
    with zipfile.ZipFile(path) as archive:
        return sum(
            i.compress_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/")
        )


class _Counted(io.RawIOBase):
    """The uploaded file as the import reads it, telling the bar how many bytes it has read."""

    def __init__(self, path: Path, bar: _ImportBar) -> None:
        self._file = path.open("rb")
        self.name = str(path)  # a reader that goes by the file's name finds it
        self._read = 0
        self._bar = bar

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer: Any) -> int:
        n = self._file.readinto(buffer) or 0
        self._read += n  # in all, wherever from
        self._bar.bytes_read(self._read)
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


def import_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    today = dt.date.fromisoformat(job.params["today"])
    path = Path(job.upload.path)
    bar = _ImportBar(report, size=path.stat().st_size, sheets=_sheets_size(path))
    counted = _Counted(path, bar)
    try:
        with io.BufferedReader(counted) as file:
            result = imports.roster_import(
                actor=actor, county=job.county, file=file, today=today, progress=bar.rows
            )
    except imports.ImportFailed as failed:
        problems = [
            {"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message}
            for e in failed.errors[:KEPT_PROBLEMS]
        ]
        raise JobFailed(
            f"花名册未导入：共{len(failed.errors)}处错误，未写入任何数据",
            {"problems": problems, "problem_count": len(failed.errors)},
        ) from None
    return Outcome(
        summary=(
            f"新增党员{result.created}人，更新{result.updated}人，未变{result.unchanged}人；"
            f"新增组织{result.orgs_created}个，更新{result.orgs_updated}个"
        ),
        result={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "orgs_created": result.orgs_created,
            "orgs_updated": result.orgs_updated,
        },
    )


def export_authorize(actor: Actor, county: County, org: Org | None, params: dict[str, Any]) -> None:
    if not _holds(actor, county, ROLE_REVEALS_PII):
        raise PermissionDenied(EXPORT_DENIED)


def export_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    report(0, 1)
    out = io.BytesIO()
    written = imports.roster_export(user_or_actor=actor, county=job.county, out=out)
    report(1, 1)
    name = f"党员名册-{job.county.code}-{job.created_at:%Y%m%d}.xlsx"
    return Outcome(
        summary=f"导出党员{written}人", result={"members": written}, file=(name, out.getvalue())
    )


def register() -> None:
    kind_register(
        Kind(
            code=JobKind.ROSTER_IMPORT,
            authorize=import_authorize,
            run=import_run,
            lane=JobKind.ROSTER_IMPORT,
        )
    )
    kind_register(
        Kind(
            code=JobKind.ROSTER_EXPORT,
            authorize=export_authorize,
            run=export_run,
            sensitive_file=True,
        )
    )
