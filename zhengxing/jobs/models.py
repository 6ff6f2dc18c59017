"""Background jobs: long work (a roster import, a star recompute, a large Excel export) run by a
worker off the request, with its state and progress for the pages and the API.

A job is a county's row like any other (`county`); the task that runs it is django-tasks'
(`django_tasks_db.DBTaskResult`, named by `task_id`). Its state moves queued → running → done,
or failed, cancelled, interrupted (the worker was stopped or killed: `jobs_reap`). Its work
runs in one transaction, so every end but done leaves nothing written.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.models import County, Org


class JobKind(models.TextChoices):
    ROSTER_IMPORT = "roster_import", _("Roster import")
    ROSTER_EXPORT = "roster_export", _("Roster export")
    RECOMPUTE = "recompute", _("Star recompute")
    BOOK_EXPORT = "book_export", _("Township book export")
    RANKING_EXPORT = "ranking_export", _("Ranking export")
    HOUSEHOLD_IMPORT = "household_import", _("Household import")


# the kinds' names in the audit log, whatever language the page or the worker runs in
KIND_NAMES = {
    JobKind.ROSTER_IMPORT: "花名册导入",
    JobKind.ROSTER_EXPORT: "花名册导出",
    JobKind.RECOMPUTE: "星级计算",
    JobKind.BOOK_EXPORT: "积分册导出",
    JobKind.RANKING_EXPORT: "积分排名导出",
    JobKind.HOUSEHOLD_IMPORT: "住户导入",
}


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    INTERRUPTED = "interrupted", _("Interrupted")


ACTIVE = (JobState.QUEUED, JobState.RUNNING)


def _job_dir(job: Job, filename: str) -> str:
    return f"jobs/{job.county_id}/{job.pk}/{filename}"


class Job(models.Model):
    # a random id: a job's page and file are found by it (and still checked against the scope)
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="jobs")
    # what the job is about: the township recomputed, the book's township, the ranking's org
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    # jobs of one lane may not overlap in a county (two imports, two recomputes); "" none
    lane = models.CharField(max_length=20, blank=True)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=JobState.choices, default=JobState.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    summary = models.CharField(_("result"), max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    upload = models.FileField(upload_to=_job_dir, max_length=300, blank=True)
    file = models.FileField(upload_to=_job_dir, max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # host:pid of the worker running it, so a restarted worker can tell a killed run
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            # Two jobs of one lane never run together in a county: the second start is refused
            # by this index, whatever the timing (job_start turns it into a Chinese message).
            models.UniqueConstraint(
                fields=["county", "lane"],
                condition=Q(state__in=["queued", "running"]) & ~Q(lane=""),
                name="jobs_one_active_per_lane",
            ),
        ]
        indexes = [
            # the county's job list, newest first
            models.Index(fields=["county", "-created_at"], name="jobs_county_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_name} {self.pk}"

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(JobKind(self.kind), self.kind)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
