"""The households' import as a background job, like the roster's: the page uploads the
workbook and goes to the job's page, which shows its progress, its result, or the table of
problems (nothing written when any row is bad); two imports into one county's grids never run
together.

兴安盟: "使每个单位、每个家庭、每个组织都处于网格之中"; "做好入户登记……不漏一户、不落一人"。

gina works grid G1 of 甲一村 (the grid cast, conftest.py); dave is township B's committee.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.grid.jobs import households_import_start
from zhengxing.grid.models import Household, Resident
from zhengxing.jobs.board import Reporter
from zhengxing.jobs.models import Job, JobKind, JobState
from zhengxing.testing import Cast, client_for

from .conftest import Place
from .test_sheets import workbook

GOOD = ["G2", "第二网格", "甲一村二组1号", "王大山", "户主", "13700000001"]
BAD = ["G9", "", "甲一村二组2号", "", "", ""]


def upload(*rows: list[Any]) -> SimpleUploadedFile:
    return SimpleUploadedFile("住户.xlsx", workbook(*rows).getvalue())


def page_url(place: Place) -> str:
    return reverse("grid:households_io") + f"?org={place.g1.org_id}"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_page_starts_a_job_whose_page_shows_the_result_and_leads_back(
    cast: Cast, place: Place
) -> None:
    gina = client_for(cast.gina)
    started = gina.post(page_url(place), {"file": upload(GOOD)})
    job = Job.objects.get()
    assert started.status_code == 302
    assert started["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.org, job.started_by) == (
        JobKind.HOUSEHOLD_IMPORT, JobState.DONE, place.g1.org, cast.gina,
    )  # fmt: skip
    assert job.result == {"households": 1, "residents": 1, "unchanged": 0}
    assert not job.upload  # the workbook (phones) is not kept after the run
    assert Resident.objects.get(name="王大山").household.grid == place.g2
    page = gina.get(started["Location"]).text
    assert "新增住户1户、居民1人" in page and "100%" in page
    assert page_url(place) in page  # the job leads back to the households page
    # the import page lists it among the recent imports
    assert reverse("jobs:detail", args=[job.pk]) in gina.get(page_url(place)).text
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "job.start",
        "grid.households.import",
        "job.done",
    }


def test_a_failing_file_fails_the_job_with_its_problems_and_writes_nothing(
    cast: Cast, place: Place
) -> None:
    response = client_for(cast.gina).post(page_url(place), {"file": upload(GOOD, BAD)}, follow=True)
    job = response.context["job"]
    assert job.state == JobState.FAILED
    assert job.error == "住户表未导入：共1处错误，未写入任何数据"
    assert response.context["problems"] == [
        {"sheet": "住户", "row": 4, "column": "网格编号", "message": "网格编号“G9”不存在"}
    ]
    assert "网格编号“G9”不存在" in response.text
    assert Household.objects.count() == 1  # the fixture's own: not even the good row
    assert not AuditEvent.objects.filter(action="grid.households.import").exists()


def test_the_job_reports_its_progress_as_it_checks_and_writes(cast: Cast, place: Place) -> None:
    seen: list[tuple[int, int]] = []

    class Recorder(Reporter):
        def __call__(self, done: int, total: int) -> None:
            seen.append((done, total))
            super().__call__(done, total)

    from zhengxing.grid import jobs

    job = Job.objects.create(
        county=cast.county,
        org=place.g1.org,
        kind=JobKind.HOUSEHOLD_IMPORT,
        lane=JobKind.HOUSEHOLD_IMPORT,
        started_by=cast.gina,
        created_at=timezone.now(),
        state=JobState.RUNNING,
    )
    job.upload.save("h.xlsx", upload(GOOD, ["G2", "", "甲一村二组2号", "", "", ""]))
    outcome = jobs.import_run(job, Actor(user=cast.gina, label="gina"), Recorder(job.pk))
    assert outcome.result["households"] == 2
    assert seen[0] == (1, 4) and seen[-1] == (4, 4)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # never backwards


def test_a_second_import_into_the_county_is_refused_while_one_runs(
    cast: Cast, place: Place
) -> None:
    running = Job.objects.create(
        county=cast.county,
        org=place.g1.org,
        kind=JobKind.HOUSEHOLD_IMPORT,
        lane=JobKind.HOUSEHOLD_IMPORT,
        started_by=cast.bob,
        created_at=timezone.now(),
        state=JobState.RUNNING,
    )
    response = client_for(cast.gina).post(page_url(place), {"file": upload(GOOD)})
    assert response.status_code == 400
    assert "本旗县区已有一个住户导入正在进行，请等它完成后再导入" in response.text
    assert list(Job.objects.all()) == [running]
    running.state = JobState.DONE
    running.save()
    assert client_for(cast.gina).post(page_url(place), {"file": upload(GOOD)}).status_code == 302


def test_who_does_not_work_the_grids_cannot_start_one(cast: Cast, place: Place) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="无权向这些网格导入住户"):
        households_import_start(
            actor=Actor(user=cast.dave, label="dave"), org=place.g1.org, upload=upload(GOOD)
        )
    assert not Job.objects.exists()


def test_a_file_over_the_limit_is_refused_before_a_job(
    cast: Cast, place: Place, settings: Any
) -> None:
    settings.ZHENGXING_MAX_UPLOAD_MB = 0
    with pytest.raises(ServiceError, match="文件不能超过0MB"):
        households_import_start(
            actor=Actor(user=cast.gina, label="gina"), org=place.g1.org, upload=upload(GOOD)
        )
    assert not Job.objects.exists()
