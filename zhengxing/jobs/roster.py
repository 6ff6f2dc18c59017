"""The roster's jobs: an import (every row checked, then all written in one transaction, or
nothing) and the county roster's export. Both call the roster's own entry points
(`zhengxing.orgs.imports`); this app sits above orgs and calls down."""

from __future__ import annotations

import datetime as dt
import io
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


# the bar's scale: the first tenth while the workbook is opened (the share of its bytes read:
# a large workbook's shared strings take seconds before the first row), the rest the import's
# own count of rows read and checked, then written
SCALE = 1000
OPENING = 100


class _Counted(io.RawIOBase):
    """The uploaded file as the import reads it, reporting the share of its bytes read until the
    import reports rows of its own."""

    def __init__(self, path: Path, report: Reporter) -> None:
        self._file = path.open("rb")
        self.name = str(path)  # a reader that goes by the file's name finds it
        self._size = max(path.stat().st_size, 1)
        self._report = report
        self.counting = True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer: Any) -> int:
        n = self._file.readinto(buffer)
        if self.counting:
            self._report(min(OPENING, OPENING * self._file.tell() // self._size), SCALE)
        return n or 0

    def close(self) -> None:
        self._file.close()
        super().close()


def import_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    today = dt.date.fromisoformat(job.params["today"])
    path = Path(job.upload.path)
    counted = _Counted(path, report)

    def rows(done: int, total: int) -> None:
        counted.counting = False
        report(OPENING + (SCALE - OPENING) * done // max(total, 1), SCALE)

    try:
        with io.BufferedReader(counted) as file:
            result = imports.roster_import(
                actor=actor, county=job.county, file=file, today=today, progress=rows
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
