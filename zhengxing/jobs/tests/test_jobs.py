"""Background jobs: started from a page or the API, run (here at once, in the test's process;
test_kills runs a real worker), their state, progress, result and file, who may see them, and
the lanes that never overlap in a county.

The cast (zhengxing.testing): alice the county's department, bob township A's committee, carol
the secretary of branch A1B, dave township B's committee, erin a member."""

from __future__ import annotations

import io
import os
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.jobs import board
from zhengxing.jobs.board import JobCancelled, Reporter, live_progress
from zhengxing.jobs.models import Job, JobKind, JobState
from zhengxing.jobs.services import INTERRUPTED, job_cancel, job_start, jobs_reap, this_worker
from zhengxing.orgs.models import Member
from zhengxing.orgs.tests.test_pages import GOOD_ROW, roster_upload
from zhengxing.testing import Cast, client_for


def as_(user: Any) -> Actor:
    return Actor(user=user, label=user.get_username())


def _queued(cast: Cast, kind: str = JobKind.ROSTER_IMPORT, **fields: Any) -> Job:
    """A job row as job_start leaves it before the worker takes it."""
    return Job.objects.create(
        county=cast.county,
        kind=kind,
        lane=kind if kind in (JobKind.ROSTER_IMPORT, JobKind.RECOMPUTE) else "",
        started_by=cast.bob,
        created_at=timezone.now(),
        **fields,
    )


# --- the roster import, from the page -------------------------------------------------------


def test_an_import_runs_as_a_job_whose_page_shows_its_result_and_who_started_it(
    cast: Cast,
) -> None:
    client = client_for(cast.bob)
    started = client.post(reverse("jobs:roster_import"), {"file": roster_upload(GOOD_ROW)})
    assert started.status_code == 302
    job = Job.objects.get()
    assert started["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.state, job.county, job.started_by, job.kind) == (
        JobState.DONE, cast.county, cast.bob, JobKind.ROSTER_IMPORT,
    )  # fmt: skip
    assert (job.done, job.total, job.result["created"]) == (job.total, job.total, 1)
    page = client.get(started["Location"]).content.decode()
    assert "新增党员1人" in page and f'max="{job.total}" value="{job.total}"' in page
    assert "100%" in page and "bob" in page
    assert "hx-trigger" not in page  # a finished job is not polled
    assert not job.upload  # the uploaded roster (ID numbers) is not kept after the run
    assert Member.objects.filter(name="孟秀兰").exists()
    assert set(AuditEvent.objects.filter(object_type="job").values_list("action", flat=True)) == {
        "job.start",
        "job.done",
    }


def test_a_failed_import_says_why_in_chinese_lists_every_problem_and_writes_nothing(
    cast: Cast,
) -> None:
    bad = {**GOOD_ROW, "民族": "火星族"}
    response = client_for(cast.bob).post(
        reverse("jobs:roster_import"), {"file": roster_upload(GOOD_ROW, bad)}, follow=True
    )
    job = response.context["job"]
    assert job.state == JobState.FAILED
    assert job.error == "花名册未导入：共1处错误，未写入任何数据"
    assert response.context["problems"] == [
        {
            "sheet": "党员",
            "row": 3,
            "column": "民族",
            "message": response.context["problems"][0]["message"],
        }
    ]
    assert "火星族" in response.content.decode()
    assert not Member.objects.filter(name="孟秀兰").exists()


def test_a_running_job_page_polls_its_progress_bar(cast: Cast) -> None:
    job = _queued(cast, state=JobState.RUNNING, done=30, total=120)
    client = client_for(cast.bob)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'max="120" value="30"' in page
    partial = client.get(
        reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job"
    ).content.decode()
    assert partial.lstrip().startswith('<section id="job"') and "25%" in partial


# --- two jobs of one lane never run together --------------------------------------------------


def test_a_second_import_into_a_county_is_refused_while_one_is_queued_or_running(
    cast: Cast,
) -> None:
    running = _queued(cast, state=JobState.RUNNING)
    with pytest.raises(ServiceError, match="已有一个花名册导入正在进行") as refused:
        job_start(
            actor=as_(cast.alice),
            county=cast.county,
            kind=JobKind.ROSTER_IMPORT,
            params={"today": "2026-06-30"},
            upload=roster_upload(GOOD_ROW),
        )
    assert refused.value.code == "conflict"
    assert Job.objects.get() == running
    response = client_for(cast.bob).post(
        reverse("jobs:roster_import"), {"file": roster_upload(GOOD_ROW)}
    )
    assert "已有一个花名册导入正在进行" in response.content.decode()
    running.state = JobState.DONE
    running.save()
    job_start(
        actor=as_(cast.alice),
        county=cast.county,
        kind=JobKind.ROSTER_IMPORT,
        params={"today": "2026-06-30"},
        upload=roster_upload(GOOD_ROW),
    )
    assert Job.objects.filter(state=JobState.DONE).count() == 2


def test_the_database_itself_refuses_two_active_jobs_of_a_lane_in_a_county(cast: Cast) -> None:
    _queued(cast, kind=JobKind.RECOMPUTE)
    with pytest.raises(IntegrityError), transaction.atomic():
        _queued(cast, kind=JobKind.RECOMPUTE, state=JobState.RUNNING)
    # exports have no lane: any number at once
    _queued(cast, kind=JobKind.ROSTER_EXPORT)
    _queued(cast, kind=JobKind.ROSTER_EXPORT)


# --- who may start and see a job -------------------------------------------------------------


def test_a_member_may_neither_import_nor_see_others_jobs(cast: Cast) -> None:
    job = _queued(cast)
    with pytest.raises(PermissionDenied):
        job_start(
            actor=as_(cast.erin),
            county=cast.county,
            kind=JobKind.ROSTER_IMPORT,
            params={"today": "2026-06-30"},
        )
    erin = client_for(cast.erin)
    assert erin.get(reverse("jobs:roster_import")).status_code == 403
    assert erin.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client_for(cast.dave).get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    # the county's department sees every job of its county, in its list
    listed = client_for(cast.alice).get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:detail", args=[job.pk]) in listed
    assert client_for(cast.alice).get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_the_staff_home_page_links_to_the_jobs(cast: Cast) -> None:
    home = client_for(cast.bob).get(reverse("home")).content.decode()
    assert f'href="{reverse("jobs:list")}"' in home
    assert client_for(cast.bob).get(reverse("jobs:list")).status_code == 200


# --- the roster export: a file for its starter ----------------------------------------------


def test_the_roster_export_job_leaves_a_file_only_its_starter_downloads(cast: Cast) -> None:
    bob = client_for(cast.bob, password_minutes_ago=0)
    response = bob.post(reverse("jobs:roster_export"), follow=True)
    job = response.context["job"]
    assert job.state == JobState.DONE and job.summary == "导出党员2人"
    download = bob.get(reverse("jobs:file", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    assert "王甲" in cells and "赵乙" not in cells  # what bob's scope holds
    # alice sees the job, not bob's file; bob again after a while: the password first
    assert client_for(cast.alice).get(reverse("jobs:file", args=[job.pk])).status_code == 404
    stale = client_for(cast.bob, password_minutes_ago=10).get(reverse("jobs:file", args=[job.pk]))
    assert stale.status_code == 302 and stale["Location"].startswith(reverse("reauth"))


def test_a_committee_member_may_not_export_the_roster(cast: Cast) -> None:
    response = client_for(cast.cathy).post(reverse("jobs:roster_export"))
    assert response.status_code == 403
    assert not Job.objects.exists()


# --- cancel, interruption, progress beside the work's transaction ---------------------------


def test_a_queued_job_cancelled_never_runs(cast: Cast) -> None:
    job = _queued(cast)
    job_cancel(actor=as_(cast.bob), job=job)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.error == "任务已取消，未写入任何数据"
    with pytest.raises(ServiceError, match="任务已经结束"):
        job_cancel(actor=as_(cast.bob), job=job)
    with pytest.raises(PermissionDenied):
        job_cancel(actor=as_(cast.carol), job=_queued(cast, kind=JobKind.ROSTER_EXPORT))


# committed rows: on PostgreSQL the reports inside the work's transaction go through a second
# connection, which sees only what is committed
@pytest.mark.django_db(transaction=True)
def test_a_cancel_asked_of_a_running_job_stops_its_work_at_its_next_report(cast: Cast) -> None:
    job = _queued(cast, state=JobState.RUNNING)
    reporter = Reporter(job.pk, every=0)
    try:
        reporter(1, 10)
        job_cancel(actor=as_(cast.bob), job=job)
        with pytest.raises(JobCancelled), transaction.atomic():
            reporter(2, 10)
    finally:
        reporter.close()


@pytest.mark.django_db(transaction=True)
def test_progress_posted_inside_the_work_transaction_reaches_the_page(cast: Cast) -> None:
    """On SQLite a file beside the database (one writer at a time: the work holds the lock), on
    PostgreSQL the job's row through a second connection."""
    job = _queued(cast, state=JobState.RUNNING, done=0, total=10)
    reporter = Reporter(job.pk, every=0)
    try:
        with transaction.atomic():
            reporter(4, 10)
            if not board._uses_files():  # already committed, beside the work's transaction
                assert Job.objects.values_list("done", flat=True).get(pk=job.pk) == 4
        job.refresh_from_db()
        assert live_progress(job) == (4, 10)
    finally:
        reporter.close()


def test_a_job_its_worker_left_running_is_interrupted_when_a_worker_starts(cast: Cast) -> None:
    host = this_worker().rsplit(":", 1)[0]
    dead = _queued(cast, state=JobState.RUNNING, worker=f"{host}:{2**22 + 17}")
    alive = _queued(cast, kind=JobKind.RECOMPUTE, state=JobState.RUNNING, worker=f"{host}:1")
    elsewhere = _queued(cast, kind=JobKind.ROSTER_EXPORT, state=JobState.RUNNING,
                        worker="another-host:5")  # fmt: skip
    assert os.path.exists("/proc/1")
    assert jobs_reap() == 1
    states = {j.pk: (j.state, j.error) for j in Job.objects.all()}
    assert states[dead.pk] == (JobState.INTERRUPTED, INTERRUPTED)
    assert states[alive.pk][0] == states[elsewhere.pk][0] == JobState.RUNNING


def test_an_unknown_job_page_is_not_found(cast: Cast) -> None:
    url = reverse("jobs:detail", args=[uuid.uuid4()])
    assert client_for(cast.alice).get(url).status_code == 404


def test_a_page_polling_its_job_does_not_keep_the_session_alive(cast: Cast) -> None:
    """IdleTimeoutMiddleware: the page's own polls (X-Zhengxing-Poll) are not the person's
    activity, and write nothing (on SQLite they would wait behind the job's write lock)."""
    import time

    job = _queued(cast, state=JobState.RUNNING)
    client = client_for(cast.bob)
    session = client.session
    session["zx_seen"] = earlier = int(time.time()) - 600
    session.save()
    url = reverse("jobs:detail", args=[job.pk])
    client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job", HTTP_X_ZHENGXING_POLL="1")
    assert client.session["zx_seen"] == earlier
    client.get(url)
    assert client.session["zx_seen"] > earlier


def test_an_import_job_is_marked_done_in_the_imports_own_transaction(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported and done, or neither: the job's "done" is written inside the import's
    transaction, so a worker that dies while marking it done leaves nothing imported (and, when
    it is SIGKILLed, a job still "running" for the next worker to mark interrupted: test_kills)
    rather than members written under a job that says it was interrupted."""
    from zhengxing.jobs import runner

    finish = runner._finish

    def dies_marking_done(job: Job, actor: Actor, state: str, **kw: Any) -> None:
        if state == JobState.DONE:
            raise RuntimeError("the worker died here")
        finish(job, actor, state, **kw)

    monkeypatch.setattr(runner, "_finish", dies_marking_done)
    client_for(cast.bob).post(reverse("jobs:roster_import"), {"file": roster_upload(GOOD_ROW)})
    assert Job.objects.get().state == JobState.FAILED
    assert not Member.objects.filter(name="孟秀兰").exists()
