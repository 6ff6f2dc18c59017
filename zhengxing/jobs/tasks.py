"""The one django-tasks task: run a job by its id (what it does is its kind's, `kinds.KINDS`)."""

from __future__ import annotations

from django_tasks import task


@task()
def job_run(job_id: str) -> None:
    from .runner import job_execute

    job_execute(job_id=job_id)
