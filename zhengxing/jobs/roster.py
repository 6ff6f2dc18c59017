"""The roster's jobs: an import (every row checked, then all written in one transaction, or
nothing) and the county roster's export. Both call the roster's own entry points
(`zhengxing.orgs.imports`); this app sits above orgs and calls down."""

from __future__ import annotations

import datetime as dt
import io
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


# The bar's scale, in thousandths, shared by the import's steps in proportion to their time
# (100,000 members on 2 shared cores: the workbook parsed in 1.8 s, its rows checked in 3-5 s,
# written in 12-15 s): the first tenth while python-calamine parses the workbook (an estimate,
# `core.sheets.read_tables`), up to two fifths while the import reads and checks its rows (the
# first of its two passes), the rest while it writes them. Every step reports at least every
# few tenths of a second, so the bar never stands still for long (issue 19: at most 2 s).
SCALE = 1000
PARSED = 100
CHECKED = 400


class _ImportBar:
    def __init__(self, report: Callable[[int, int], None]) -> None:
        self.report = report
        self.shown = 0

    def show(self, value: int) -> None:
        if value > self.shown:
            self.shown = value
            self.report(value, SCALE)

    def parsing(self, share: float) -> None:
        self.show(int(PARSED * min(share, 1.0)))

    def rows(self, done: int, total: int) -> None:
        """The import's `progress`: each row counts once in each pass (`total`: twice the rows)."""
        share = 2 * done / total if total else 0.0
        if share <= 1:  # reading and checking
            self.show(PARSED + int((CHECKED - PARSED) * share))
        else:
            self.show(CHECKED + int((SCALE - CHECKED) * min(share - 1, 1.0)))


def import_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    today = dt.date.fromisoformat(job.params["today"])
    bar = _ImportBar(report)
    try:
        result = imports.roster_import(
            actor=actor,
            county=job.county,
            file=Path(job.upload.path),
            today=today,
            progress=bar.rows,
            parsing=bar.parsing,
            job_id=str(job.pk),
            # done in the import's own transaction: imported and done, or neither
            written=lambda result: report.done_with(_outcome(result)),
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
    return _outcome(result)


def _outcome(result: imports.ImportResult) -> Outcome:
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
