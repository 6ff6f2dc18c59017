"""Running one job in the worker: queued → running → done, or failed, cancelled. Each change of
state is a short transaction of its own on the job's row; the work runs in one transaction of
its kind's (`kinds.Kind.run`), so every end but done leaves nothing of it written."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError

from .board import JobCancelled, Reporter
from .kinds import KINDS, JobFailed, Outcome
from .models import Job, JobState
from .services import this_worker, upload_forget

logger = logging.getLogger(__name__)

CANCELLED = "任务已取消，未写入任何数据"
BROKEN = "任务出错，未写入任何数据；错误已记入服务器日志，请联系管理员"
REFUSED = "启动任务的用户已无权执行该任务，未写入任何数据"
ENDED: dict[str, str] = {
    JobState.DONE: "完成",
    JobState.FAILED: "失败",
    JobState.CANCELLED: "已取消",
}


def job_execute(*, job_id: Any) -> None:
    """Run the job `job_id` if it is still queued (a cancelled one is skipped)."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, progress_at=now, worker=this_worker()
    ):
        return
    job = Job.objects.select_related("county", "org", "started_by").get(pk=job_id)
    actor = _actor(job.started_by, job.params)
    reporter = Reporter(job.pk)
    reporter.finish = lambda outcome: _finish(
        job, actor, JobState.DONE, outcome=outcome, done=max(reporter.total, 1)
    )
    try:
        kind = KINDS[job.kind]
        kind.authorize(actor, job.county, job.org, job.params)
        outcome = kind.run(job, actor, reporter)
    except JobCancelled:
        _finish(job, actor, JobState.CANCELLED, error=CANCELLED)
    except JobFailed as e:
        _finish(job, actor, JobState.FAILED, error=str(e), result=e.result)
    except ServiceError as e:
        _finish(job, actor, JobState.FAILED, error=str(e))
    except PermissionDenied:
        _finish(job, actor, JobState.FAILED, error=REFUSED)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, actor, JobState.FAILED, error=BROKEN)
    else:
        if not reporter.finished:  # else the kind marked itself done in its work's transaction
            reporter.done_with(outcome)
    finally:
        reporter.close()
        if job.upload:
            upload_forget(job)  # the upload holds ID numbers: not kept after the run


def _actor(user: User | None, params: dict[str, Any]) -> Actor:
    if user is None:
        return Actor.system("worker")
    return Actor(user=user, ip=params.get("ip"), label=user.get_username())


def _finish(
    job: Job,
    actor: Actor,
    state: str,
    *,
    outcome: Outcome | None = None,
    error: str = "",
    result: dict[str, Any] | None = None,
    done: int = 0,
) -> None:
    fields: dict[str, Any] = {"state": state, "finished_at": timezone.now(), "error": error[:500]}
    if outcome is not None:
        fields.update(summary=outcome.summary[:500], result=outcome.result)
        fields.update(done=done, total=done)
        if outcome.file is not None:
            name, data = outcome.file
            job.file.save(f"{job.kind}.xlsx", ContentFile(data), save=False)
            fields.update(file=job.file.name, file_name=name)
    elif result is not None:
        fields["result"] = result
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(**fields)
        audit_record(
            actor=actor,
            action=f"job.{state}",
            object_type="job",
            object_id=job.pk,
            county_id=job.county_id,
            summary=f"后台任务{ENDED[state]}：{job.kind_name}"
            + (f"，{outcome.summary}" if outcome else f"，{error}" if error else ""),
            after={"job": str(job.pk)},
        )
