"""The target points' pages, each loaded as the role that uses it: the unit's secretary reports
progress with a photo on a phone; the township scores it from its queue and records an on-site
checklist; the county publishes its targets and reads the overview; the home page links them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengxing.targets.models import OnsiteVisit, TargetCatalogue, TargetEntry
from zhengxing.targets.services import target_catalogue_draft
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import TASKS, vera

# the smallest PNG: its magic bytes make it a photo
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def on_30_june(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    moment = dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_home_page_links_the_target_points(people: Cast) -> None:
    for user in (people.alice, people.bob, vera()):
        page = client_for(user).get(reverse("home"))
        assert reverse("targets:index").encode() in page.content


def test_the_secretary_reports_progress_with_a_photo(
    targets: TargetCatalogue, people: Cast
) -> None:
    client = client_for(vera())
    index = client.get(reverse("targets:index"))
    unit_url = reverse("targets:unit", args=[people.village_a1.pk])
    assert index.status_code == 200 and unit_url.encode() in index.content
    page = client.get(unit_url)
    assert page.status_code == 200 and "按期召开党员大会" in page.content.decode()
    missing = client.post(
        unit_url, {"code": "K1.1", "text": "已召开", "idempotency_key": "p1"}, follow=True
    )
    assert "须附证明材料" in missing.content.decode()
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    client.post(
        unit_url, {"code": "K1.1", "text": "已召开", "idempotency_key": "p2", "evidence": photo}
    )
    entry = TargetEntry.objects.get()
    assert entry.evidence.endswith(".png") and entry.kind == "progress"


def test_the_township_scores_from_its_queue_and_records_a_visit(
    targets: TargetCatalogue, people: Cast
) -> None:
    staff = client_for(vera())
    staff.post(
        reverse("targets:unit", args=[people.village_a1.pk]),
        {"code": "K2.1", "text": "班子健全", "idempotency_key": "p3"},
    )
    client = client_for(people.bob)
    queue = client.get(reverse("targets:queue"))
    assert queue.status_code == 200 and "班子健全" in queue.content.decode()
    submission = TargetEntry.objects.get()
    too_much = client.post(
        reverse("targets:queue"), {"submission": submission.pk, "points": "25"}, follow=True
    )
    assert "得分须在0到20分之间" in too_much.content.decode()
    client.post(reverse("targets:queue"), {"submission": submission.pk, "points": "18"})
    assert TargetEntry.objects.filter(kind="daily", points=18).exists()
    onsite_url = reverse("targets:onsite", args=[people.village_a1.pk])
    assert client.get(onsite_url).status_code == 200
    client.post(onsite_url, {"visited_on": "2026-06-29", "t-K2.1": "16", "idempotency_key": "v"})
    assert OnsiteVisit.objects.count() == 1
    own = client.get(reverse("targets:onsite", args=[people.town_a.pk]))
    assert "不能给自己所在的单位评分" in own.content.decode()


def test_the_county_publishes_and_reads_the_overview(people: Cast) -> None:
    draft = target_catalogue_draft(
        actor=SYSTEM, county=people.county, year=2026, name="2026年党建目标", tasks=TASKS
    )
    client = client_for(people.alice)
    index = client.get(reverse("targets:index") + "?year=2026")
    assert reverse("targets:catalogue", args=[draft.pk]).encode() in index.content
    assert client.get(reverse("targets:catalogue", args=[draft.pk])).status_code == 200
    client.post(reverse("targets:publish", args=[draft.pk]))  # not confirmed: nothing
    draft.refresh_from_db()
    assert not draft.is_current
    client.post(reverse("targets:publish", args=[draft.pk]), {"confirm": "yes"})
    draft.refresh_from_db()
    assert draft.is_current
    overview = client.get(reverse("targets:index") + "?year=2026").content.decode()
    assert "甲一村" in overview and "甲镇党委" in overview
