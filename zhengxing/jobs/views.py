"""The jobs' pages: each job with its state, a progress bar the page polls (HTMX, every second,
while it runs), its result and file; the county's list; and the roster's import and export,
which now start jobs (the roster's pages are orgs', one floor down: they link here).

Each view parses, makes one domain call and renders."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.accounts.reauth import is_recent, reauth_redirect, recent_auth
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.htmx import for_htmx
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.forms import ImportForm
from zhengxing.orgs.rules import ROLE_MANAGES, ROLE_REVEALS_PII

from . import selectors, services
from .board import live_progress
from .kinds import KINDS
from .models import Job, JobKind

PER_PAGE = 50


def _may_export(user: Any) -> bool:
    scope = org_selectors.scope_for(user)
    return scope.everything or bool(scope.roles() & ROLE_REVEALS_PII)


def job_context(job: Job, user: Any) -> dict[str, Any]:
    done, total = live_progress(job)
    if job.state == "done":
        done = total = max(total, 1)
    percent = min(100, done * 100 // total) if total else 0
    kind = KINDS.get(job.kind)
    return {
        "follow": kind.follow(job) if kind is not None and kind.follow is not None else None,
        "job": job,
        "done": done,
        "total": total,
        "percent": percent,
        "problems": job.result.get("problems") if job.state == "failed" else None,
        "may_download": bool(job.file) and job.started_by_id == user.pk,
    }


@login_required
@require_GET
@never_cache
@for_htmx(use_template="jobs/_job.html", if_hx_target="job")
def job_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    job = selectors.job_for_user(request.user, pk)
    return TemplateResponse(request, "jobs/job.html", job_context(job, request.user))


@login_required
@require_GET
@never_cache
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.jobs_of_county(request.user)
    page = Paginator(jobs, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "jobs/list.html", {"page": page})


@login_required
@require_GET
@never_cache
def job_file(request: HttpRequest, pk: Any) -> HttpResponseBase:
    """The file a job left, for the user who started it (it holds what their scope let them
    see); one with ID numbers asks for the password again, as the roster's download does."""
    job = selectors.job_for_user(request.user, pk)
    if not job.file or job.started_by_id != request.user.pk:
        raise Http404
    kind = KINDS.get(job.kind)
    if kind is not None and kind.sensitive_file and not is_recent(request):
        return reauth_redirect(request, request.get_full_path())
    return job_download(job)


def job_download(job: Job) -> FileResponse:
    """A job's file as an attachment under the name it was given (the API's too)."""
    response = FileResponse(job.file.open("rb"))
    response["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.file_name)}"
    return response


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: Any) -> HttpResponse:
    job = selectors.job_for_user(request.user, pk)
    try:
        services.job_cancel(actor=Actor.from_request(request), job=job)
    except ServiceError as e:
        messages.error(request, str(e))
    return redirect("jobs:detail", pk=job.pk)


def start_or_back(request: HttpRequest, back: str, **start: Any) -> HttpResponse:
    """Start a job and go to its page; a refusal (another running, a bad year) back to `back`
    with the reason. The pages of the apps above call this."""
    try:
        job = services.job_start(actor=Actor.from_request(request), **start)
    except ServiceError as e:
        messages.error(request, str(e))
        return redirect(back)
    return redirect("jobs:detail", pk=job.pk)


# --- the roster -----------------------------------------------------------------------------


@login_required
@never_cache
@recent_auth
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster workbook: it is imported by a job (every row valid, or nothing written;
    the job's page lists every problem by sheet, row and column). It writes ID numbers and
    phones in bulk: the password (and code) again, as for revealing one."""
    county = org_selectors.county_for_roles(request.user, ROLE_MANAGES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actor = Actor.from_request(request)
        today: dt.date = timezone.localdate()
        try:
            job = services.job_start(
                actor=actor,
                county=county,
                kind=JobKind.ROSTER_IMPORT,
                params={"today": today.isoformat(), "ip": actor.ip},
                upload=form.cleaned_data["file"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("jobs:detail", pk=job.pk)
    recent = selectors.jobs_of_county(request.user, county_id=county.pk).filter(
        kind__in=[JobKind.ROSTER_IMPORT, JobKind.ROSTER_EXPORT]
    )[:5]
    return TemplateResponse(
        request,
        "jobs/import.html",
        {"form": form, "county": county, "recent": recent, "may_export": _may_export(request.user)},
    )


@login_required
@require_POST
def roster_export(request: HttpRequest) -> HttpResponse:
    """The county's roster as a file made by a job (a large county's takes minutes)."""
    if not _may_export(request.user):
        raise PermissionDenied
    county = org_selectors.county_for_roles(request.user, ROLE_REVEALS_PII)
    return start_or_back(request, "jobs:roster_import", county=county, kind=JobKind.ROSTER_EXPORT)
