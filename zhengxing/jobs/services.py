"""Starting, cancelling and reaping jobs. Each checks the actor's scope, refuses in Chinese
before writing, and writes its audit row in the same transaction."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import scope_for_actor

from .board import board_cancel
from .kinds import KINDS
from .models import ACTIVE, Job, JobKind, JobState

LANE_BUSY: dict[str, str] = {
    JobKind.ROSTER_IMPORT: "本旗县区已有一个花名册导入正在进行，请等它完成后再导入",
    JobKind.RECOMPUTE: "本旗县区已有一次星级计算正在进行，请等它完成后再计算",
    JobKind.HOUSEHOLD_IMPORT: "本旗县区已有一个住户导入正在进行，请等它完成后再导入",
}
INTERRUPTED = "任务执行中断（工作进程被停止），未写入任何数据，请重新开始"


def job_start(
    *,
    actor: Actor,
    county: County,
    kind: str,
    org: Org | None = None,
    params: dict[str, Any] | None = None,
    upload: UploadedFile | None = None,
) -> Job:
    """Queue a job of `kind` for the worker, the task and the job's row in one transaction.
    A second job of a lane that must not overlap (two imports into a county, two recomputes)
    is refused by the database's index, whoever starts it and whenever."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ServiceError(f"没有这种任务：{kind}")
    if org is not None and org.county_id != county.pk:
        raise ServiceError("该组织不属于本旗县区")
    params = dict(params or {})
    spec.authorize(actor, county, org, params)
    from .tasks import job_run

    job = Job(
        county=county,
        org=org,
        kind=kind,
        lane=spec.lane,
        params=params,
        started_by=actor.user,
        created_at=actor.now,
    )
    try:
        with transaction.atomic():
            job.save(force_insert=True)
            if upload is not None:
                job.upload.save(os.path.basename(upload.name or "upload"), upload, save=True)
            audit_record(
                actor=actor,
                action="job.start",
                object_type="job",
                object_id=job.pk,
                county_id=county.pk,
                summary=f"开始后台任务：{job.kind_name}",
                after={"job": str(job.pk), "kind": kind, "params": params},
            )
            result = job_run.enqueue(str(job.pk))
            Job.objects.filter(pk=job.pk, state__in=ACTIVE).update(task_id=str(result.id))
    except IntegrityError:
        if job.upload:
            job.upload.delete(save=False)
        raise ServiceError(
            LANE_BUSY.get(kind, "同类任务正在进行，请稍后再试"), code="conflict"
        ) from None
    job.refresh_from_db()
    return job


def job_cancel(*, actor: Actor, job: Job) -> Job:
    """Cancel a queued job at once, or ask a running one to stop: its work is rolled back at
    its next report of progress, leaving nothing written. Its starter or the county's staff."""
    require(job.started_by_id == getattr(actor.user, "pk", None) or _county_staff(actor, job))
    if not job.active:
        raise ServiceError("任务已经结束，不能取消", code="conflict")
    board_cancel(job.pk)  # before taking the write lock, which a running import holds
    with transaction.atomic():
        now = timezone.now()
        cancelled = Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.CANCELLED, finished_at=now, error="任务已取消，未写入任何数据"
        )
        if not cancelled:
            Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(cancel_requested=True)
        audit_record(
            actor=actor,
            action="job.cancel",
            object_type="job",
            object_id=job.pk,
            county_id=job.county_id,
            summary=f"取消后台任务：{job.kind_name}",
            after={"job": str(job.pk)},
        )
    job.refresh_from_db()
    return job


def _county_staff(actor: Actor, job: Job) -> bool:
    scope = scope_for_actor(actor)
    return scope.everything or any(
        g.role == "county" and g.county_id == job.county_id for g in scope.grants
    )


def upload_forget(job: Job) -> None:
    """The uploaded file (a roster holds ID numbers) is not kept once its job has ended."""
    job.upload.delete(save=False)
    Job.objects.filter(pk=job.pk).update(upload="")


def this_worker() -> str:
    """host:pid of this process, as a running job records its worker."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def jobs_reap(*, now: Any = None) -> int:
    """Jobs left running by a worker of this host that is gone (stopped, killed, the machine
    restarted): interrupted, with the reason in Chinese. Their work's transaction died with the
    worker, so nothing of it was written. A worker calls this as it starts; the number reaped."""
    from django_tasks_db.models import DBTaskResult

    host = socket.gethostname()
    now = now or timezone.now()
    reaped = 0
    for job in Job.objects.filter(state=JobState.RUNNING, worker__startswith=f"{host}:"):
        pid = job.worker.rsplit(":", 1)[1]
        if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
            continue
        with transaction.atomic():
            if not Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
                state=JobState.INTERRUPTED, finished_at=now, error=INTERRUPTED
            ):
                continue
            if job.task_id:
                DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
                    status="FAILED", finished_at=now
                )
            audit_record(
                actor=Actor.system("worker"),
                action="job.interrupted",
                object_type="job",
                object_id=job.pk,
                county_id=job.county_id,
                summary=f"后台任务中断：{job.kind_name}",
                after={"job": str(job.pk), "worker": job.worker},
            )
        if job.upload:
            upload_forget(job)
        reaped += 1
    return reaped
