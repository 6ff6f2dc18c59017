"""REST endpoints of the background jobs, under /api/v1/jobs: start one (a roster import, a
star recompute, an export), read its state and progress, cancel it, download its file. The
same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from zhengxing.accounts.reauth import is_recent_api, require_recent_api
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import Id, responses
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import County

from . import selectors, services
from .board import live_progress
from .kinds import KINDS
from .models import Job, JobKind
from .views import job_download

router = Router(tags=["jobs"])


class ProblemOut(Schema):
    sheet: str
    row: int
    column: str
    message: str


class JobOut(Schema):
    id: uuid.UUID
    county_id: int
    org_id: int | None
    kind: str = Field(description=", ".join(JobKind.values))
    state: str = Field(description="queued, running, done, failed, cancelled or interrupted")
    started_by: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    done: int = Field(description="Progress: steps done of `total` (an import: thousandths)")
    total: int
    summary: str = Field(description="The result in a line, in Chinese")
    error: str = Field(description="Why it failed, in Chinese; nothing was written")
    result: dict[str, Any] = Field(
        description="Figures: an import's counts, or its `problems` (sheet, row, column, "
        "message) and `problem_count`; a recompute's `changed` ratings"
    )
    file: str | None = Field(description="Where its file downloads from (its starter only)")


def job_out(job: Job) -> JobOut:
    done, total = live_progress(job)
    return JobOut(
        id=job.pk,
        county_id=job.county_id,
        org_id=job.org_id,
        kind=job.kind,
        state=job.state,
        started_by=job.started_by.get_username() if job.started_by else None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        done=done,
        total=total,
        summary=job.summary,
        error=job.error,
        result=job.result,
        file=f"/api/v1/jobs/{job.pk}/file" if job.file else None,
    )


class CountyIn(Schema):
    county_id: Id | None = Field(None, description="the county (when the user has several)")


def _county(request: HttpRequest, county_id: int | None) -> County:
    scope = org_selectors.scope_for(request.user)
    ids = scope.county_ids()
    if county_id is None and len(ids) == 1:
        county_id = next(iter(ids))
    if county_id is None or not (scope.everything or county_id in ids):
        raise Http404
    county = County.objects.filter(pk=county_id).first()
    if county is None:
        raise Http404
    return county


@router.get("/jobs", response=responses(list[JobOut]))
def job_list(request: HttpRequest, where: Query[CountyIn]) -> list[JobOut]:
    """The jobs the user sees (those they started, their county's or township's), newest
    first, the last 100."""
    jobs = selectors.jobs_of_county(request.user, county_id=where.county_id)[:100]
    return [job_out(j) for j in jobs]


@router.post("/jobs/roster-import", response=responses(JobOut, 400, 403, 404, status=202))
def roster_import(
    request: HttpRequest, file: File[UploadedFile], where: Query[CountyIn]
) -> tuple[int, JobOut]:
    """Import a roster workbook (multipart/form-data, field `file`) as a job: poll
    GET /api/v1/jobs/{id}; every row valid and all are written, else `result.problems` lists
    each and nothing is. Writes ID numbers: the password again first (POST /api/v1/auth/reauth).
    One import at a time per county (another running: 400, code `conflict`)."""
    require_recent_api(request)
    county = _county(request, where.county_id)
    if file.size is not None and file.size > settings.ZHENGXING_MAX_UPLOAD_MB * 1024 * 1024:
        raise ServiceError(f"文件超过{settings.ZHENGXING_MAX_UPLOAD_MB}MB，请拆分后导入")
    actor = Actor.from_request(request)
    job = services.job_start(
        actor=actor,
        county=county,
        kind=JobKind.ROSTER_IMPORT,
        params={"today": timezone.localdate().isoformat(), "ip": actor.ip},
        upload=file,
    )
    return 202, job_out(job)


@router.get("/jobs/{job_id}", response=responses(JobOut, 404))
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> JobOut:
    """A job's state and progress: poll it until `state` is no longer queued or running."""
    return job_out(selectors.job_for_user(request.user, job_id))


@router.post("/jobs/{job_id}/cancel", response=responses(JobOut, 400, 403, 404))
def job_cancel(request: HttpRequest, job_id: uuid.UUID) -> JobOut:
    """Cancel a queued job, or ask a running one to stop: nothing of it is written."""
    job = selectors.job_for_user(request.user, job_id)
    return job_out(services.job_cancel(actor=Actor.from_request(request), job=job))


@router.get("/jobs/{job_id}/file", response=responses(None, 403, 404))
def job_file(request: HttpRequest, job_id: uuid.UUID) -> Any:
    """The file an export left (Excel), for the user who started it; a roster's needs the
    password again (POST /api/v1/auth/reauth)."""
    job = selectors.job_for_user(request.user, job_id)
    if not job.file or job.started_by_id != request.user.pk:
        raise Http404
    kind = KINDS.get(job.kind)
    if kind is not None and kind.sensitive_file and not is_recent_api(request):
        require_recent_api(request)
    return job_download(job)


class StartIn(Schema):
    kind: Literal["recompute", "roster_export", "book_export", "ranking_export"]
    org_id: Id | None = Field(
        None,
        description="recompute: the county's root or a township; book_export: the township; "
        "ranking_export: the branch, township or county root ranked",
    )
    county_id: Id | None = Field(None, description="roster_export: the county (if several)")
    year: int | None = Field(None, ge=2000, le=2100)
    period: Literal["Y", "H1", "H2", "Q1", "Q2", "Q3", "Q4"] | None = None


@router.post("/jobs", response=responses(JobOut, 400, 403, 404, status=202))
def job_start(request: HttpRequest, payload: StartIn) -> tuple[int, JobOut]:
    """Start a job: a star recompute (the county's or a township's; one at a time per county,
    else 400 `conflict`), or an Excel export (the county roster, a township's book, a ranking).
    Poll GET /api/v1/jobs/{id}; an export's `file` then downloads it."""
    actor = Actor.from_request(request)
    if payload.kind == JobKind.ROSTER_EXPORT:
        county = _county(request, payload.county_id)
        job = services.job_start(actor=actor, county=county, kind=payload.kind)
        return 202, job_out(job)
    if payload.org_id is None or payload.year is None:
        raise ServiceError("请给出组织（org_id）和年份（year）")
    org = org_selectors.org_for_user(request.user, payload.org_id)
    params: dict[str, Any] = {"year": payload.year}
    if payload.kind == JobKind.RECOMPUTE:
        params["period"] = payload.period
    job = services.job_start(
        actor=actor, county=org.county, kind=payload.kind, org=org, params=params
    )
    return 202, job_out(job)
