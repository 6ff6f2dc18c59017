"""The households' import as a background job, like the roster's: the workbook uploaded, every
row checked, then all written in one transaction or nothing; the job's page shows its progress
and, when a row is bad, the table of problems. One import at a time into a county's grids (the
jobs' lane).

兴安盟: "使每个单位、每个家庭、每个组织都处于网格之中"; "做好入户登记……不漏一户、不落一人"。
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.jobs.board import Reporter
from zhengxing.jobs.kinds import JobFailed, Kind, Outcome, kind_register
from zhengxing.jobs.models import Job, JobKind
from zhengxing.jobs.services import job_start
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import scope_for_actor

from .selectors import may_work
from .sheets import SHEET, HouseholdsImportFailed, ImportResult, households_import

# the problems a failed import keeps for its page and the API (the message counts them all)
KEPT_PROBLEMS = 5000
IMPORT_DENIED = "无权向这些网格导入住户"


def import_authorize(actor: Actor, county: County, org: Org | None, params: dict[str, Any]) -> None:
    """Those who work the grids `org` holds (its grid workers, its branch, those above), as the
    page's form: checked when the job is started and again when it runs."""
    if org is None or org.county_id != county.pk or not may_work(scope_for_actor(actor), org):
        raise PermissionDenied(IMPORT_DENIED)


def import_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    try:
        result = households_import(
            actor=actor,
            county=job.county,
            file=Path(job.upload.path),
            progress=report,
            # done in the import's own transaction: imported and done, or neither
            written=lambda result: report.done_with(_outcome(result)),
        )
    except HouseholdsImportFailed as failed:
        problems = [
            {"sheet": SHEET, "row": p.row, "column": p.column, "message": p.message}
            for p in failed.problems[:KEPT_PROBLEMS]
        ]
        raise JobFailed(
            str(failed), {"problems": problems, "problem_count": len(failed.problems)}
        ) from None
    return _outcome(result)


def _outcome(result: ImportResult) -> Outcome:
    return Outcome(
        summary=(
            f"新增住户{result.households}户、居民{result.residents}人，"
            f"已登记的居民{result.unchanged}人未变"
        ),
        result={
            "households": result.households,
            "residents": result.residents,
            "unchanged": result.unchanged,
        },
    )


def _follow(job: Job) -> tuple[str, str]:
    return _("Households by Excel"), f"{reverse('grid:households_io')}?org={job.org_id}"


def register() -> None:
    kind_register(
        Kind(
            code=JobKind.HOUSEHOLD_IMPORT,
            authorize=import_authorize,
            run=import_run,
            lane=JobKind.HOUSEHOLD_IMPORT,
            follow=_follow,
        )
    )


def households_import_start(*, actor: Actor, org: Org, upload: UploadedFile) -> Job:
    """Queue the import of a households' workbook into the grids `org` holds (the page's and
    the API's): a file over ZHENGXING_MAX_UPLOAD_MB refused, and a second import while one of
    the county's is queued or running refused by the jobs' lane."""
    limit = settings.ZHENGXING_MAX_UPLOAD_MB
    if upload.size is not None and upload.size > limit * 1024 * 1024:
        raise ServiceError(f"文件不能超过{limit}MB，请拆分后导入")
    return job_start(
        actor=actor,
        county=org.county,
        kind=JobKind.HOUSEHOLD_IMPORT,
        org=org,
        params={"ip": actor.ip},
        upload=upload,
    )
