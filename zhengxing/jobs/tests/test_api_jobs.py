"""/api/v1/jobs: start a job, read its state, cancel it, download its file — the same services
as the pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhengxing.jobs.models import Job, JobKind
from zhengxing.orgs.models import Member
from zhengxing.orgs.tests.test_pages import GOOD_ROW, roster_upload
from zhengxing.testing import Cast, client_for

API = "/api/v1/jobs"


def test_an_import_started_through_the_api_is_read_back_done(cast: Cast) -> None:
    bob = client_for(cast.bob, password_minutes_ago=0)
    started = bob.post(f"{API}/roster-import", {"file": roster_upload(GOOD_ROW)})
    assert started.status_code == 202, started.content
    body = started.json()
    assert body["kind"] == "roster_import" and body["started_by"] == "bob"
    read = bob.get(f"{API}/{body['id']}").json()
    assert read["state"] == "done" and read["result"]["created"] == 1
    assert read["done"] == read["total"] > 0
    assert Member.objects.filter(name="孟秀兰").exists()


def test_an_import_through_the_api_asks_for_the_password_again(cast: Cast) -> None:
    stale = client_for(cast.bob, password_minutes_ago=10)
    refused = stale.post(f"{API}/roster-import", {"file": roster_upload(GOOD_ROW)})
    assert refused.status_code == 403 and refused.json()["code"] == "reauth_required"
    assert not Job.objects.exists()


def test_a_failed_import_lists_its_problems_in_the_api(cast: Cast) -> None:
    bob = client_for(cast.bob, password_minutes_ago=0)
    bad = {**GOOD_ROW, "民族": "火星族"}
    body = bob.post(f"{API}/roster-import", {"file": roster_upload(bad)}).json()
    assert body["state"] == "failed" and body["error"].startswith("花名册未导入")
    [problem] = body["result"]["problems"]
    assert (problem["row"], problem["column"]) == (2, "民族")


def test_an_export_through_the_api_downloads_for_its_starter(cast: Cast) -> None:
    bob = client_for(cast.bob, password_minutes_ago=0)
    body = bob.post(
        API, {"kind": "book_export", "org_id": cast.town_a.pk, "year": 2026},
        content_type="application/json",
    ).json()  # fmt: skip
    assert body["state"] == "done" and body["file"] == f"{API}/{body['id']}/file"
    assert bob.get(body["file"]).status_code == 200
    assert client_for(cast.alice).get(body["file"]).status_code == 404
    assert client_for(cast.erin).get(f"{API}/{body['id']}").status_code == 404


def test_a_queued_job_is_cancelled_through_the_api(cast: Cast) -> None:
    job = Job.objects.create(
        county=cast.county, kind=JobKind.ROSTER_EXPORT, started_by=cast.bob,
        created_at=timezone.now(),
    )  # fmt: skip
    body = client_for(cast.bob).post(f"{API}/{job.pk}/cancel").json()
    assert body["state"] == "cancelled"
    listed = client_for(cast.alice).get(API).json()
    assert [j["id"] for j in listed] == [str(job.pk)]
    assert reverse("jobs:list")
