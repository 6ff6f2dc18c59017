"""The star recompute as a background job, from a button on the township's and the county's
star board: how many ratings changed; a township's touches only its own subtree; one at a time
in a county.

000: "苏木乡镇党委根据积分,计算年度得分并授星" — the township computes the year's score and
awards stars itself.

The `scored` cast (conftest): branch A1B in township A (bob) has points and ballots; 赵乙 is in
township B (dave)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from zhengxing.jobs.models import Job, JobKind, JobState
from zhengxing.stars.models import Rating
from zhengxing.testing import Cast, client_for


def _recompute(client: Any, org_pk: int, **extra: Any) -> Any:
    url = reverse("stars:recompute", args=[org_pk]) + "?year=2026"
    return client.post(url, follow=True, **extra)  # type: ignore[attr-defined]


def test_a_township_recomputes_its_own_stars_and_sees_how_many_changed(scored: Cast) -> None:
    bob = client_for(scored.bob)
    board = bob.get(reverse("stars:board", args=[scored.town_a.pk]) + "?year=2026")
    assert reverse("stars:recompute", args=[scored.town_a.pk]) in board.content.decode()
    response = _recompute(bob, scored.town_a.pk)
    job = response.context["job"]
    assert (job.state, job.kind, job.org) == (JobState.DONE, JobKind.RECOMPUTE, scored.town_a)
    rated = {r.member.name for r in Rating.objects.select_related("member") if r.member}
    assert rated == {"王甲", "李二妮"}  # township B's 赵乙 is not township A's to compute
    assert job.result["changed"] == Rating.objects.count()
    assert f"{job.result['changed']}项评定有变化" in response.content.decode()
    again = _recompute(bob, scored.town_a.pk).context["job"]
    assert again.result["changed"] == 0  # idempotent: nothing changed the second time


def test_the_county_recomputes_every_township(scored: Cast) -> None:
    job = _recompute(client_for(scored.alice), scored.root.pk).context["job"]
    assert job.state == JobState.DONE
    rated = {r.member.name for r in Rating.objects.select_related("member") if r.member}
    assert rated == {"王甲", "李二妮", "赵乙"}


def test_a_branch_secretary_has_no_recompute_button_and_is_refused(scored: Cast) -> None:
    carol = client_for(scored.carol)
    board = carol.get(reverse("stars:board", args=[scored.branch_a1.pk]) + "?year=2026")
    assert "/recompute/" not in board.content.decode()
    response = carol.post(reverse("stars:recompute", args=[scored.branch_a1.pk]) + "?year=2026")
    assert response.status_code == 403
    assert not Job.objects.exists() and not Rating.objects.exists()


def test_a_second_recompute_is_refused_while_one_runs(scored: Cast) -> None:
    Job.objects.create(
        county=scored.county, kind=JobKind.RECOMPUTE, lane=JobKind.RECOMPUTE,
        state=JobState.RUNNING, created_at=timezone.now(), org=scored.town_b,
    )  # fmt: skip
    response = _recompute(client_for(scored.bob), scored.town_a.pk)
    assert "已有一次星级计算正在进行" in response.content.decode()
    assert Job.objects.count() == 1 and not Rating.objects.exists()


def test_a_year_without_a_scheme_is_refused_in_chinese(scored: Cast) -> None:
    url = reverse("stars:recompute", args=[scored.town_a.pk]) + "?year=2027"
    response = client_for(scored.bob).post(url, follow=True)
    assert "甲镇党委2027年还没有星级方案" in response.content.decode()
    assert not Job.objects.exists()


def test_a_second_recompute_through_the_api_is_a_conflict(scored: Cast) -> None:
    Job.objects.create(
        county=scored.county, kind=JobKind.RECOMPUTE, lane=JobKind.RECOMPUTE,
        state=JobState.QUEUED, created_at=timezone.now(),
    )  # fmt: skip
    response = client_for(scored.alice).post(
        "/api/v1/jobs", {"kind": "recompute", "org_id": scored.root.pk, "year": 2026},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "conflict"
