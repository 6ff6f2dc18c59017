"""Learning's pages and API: the county adds a course, a member picks it on the phone and
records it, the secretary confirms it and records a red parcel, the township reads the hours."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.orglife import services
from zhengxing.orglife.models import Course, Lesson, LessonState
from zhengxing.testing import Cast, client_for

from .conftest import TODAY, as_

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_the_county_adds_a_course_and_a_member_picks_and_records_it(
    cast: Cast, hundred: RuleCatalogue, on_30_june: None
) -> None:
    alice = client_for(cast.alice)
    menu = reverse("orglife:learning")
    added = alice.post(
        menu, {"title": "党章学习", "kind": "text", "hours": "2", "body": "第一章 党员"}
    )
    assert added.status_code == 302, added.content.decode()
    course = Course.objects.get()
    erin = client_for(cast.erin)
    home = erin.get(reverse("orglife:index")).content.decode()
    assert f'href="{menu}"' in home
    page = erin.get(menu).content.decode()
    assert f'href="{reverse("orglife:course", args=[course.pk])}"' in page
    assert "党章学习" in erin.get(reverse("orglife:course", args=[course.pk])).content.decode()
    erin.post(reverse("orglife:course_pick", args=[course.pk]))
    lesson = Lesson.objects.get()
    erin.post(
        reverse("orglife:lesson_report", args=[lesson.pk]),
        {"completed_on": TODAY.isoformat(), "note": "读了第一章"},
    )
    lesson.refresh_from_db()
    assert lesson.state == LessonState.REPORTED
    # the secretary confirms on the branch's page
    carol = client_for(cast.carol)
    branch_page = reverse("orglife:branch_learning", args=[cast.branch_a1.pk])
    assert "读了第一章" in carol.get(branch_page).content.decode()
    carol.post(reverse("orglife:lessons_confirm", args=[cast.branch_a1.pk]), {"lesson": lesson.pk})
    assert LedgerEntry.objects.get().member == cast.erin_member
    # the township reads the hours per branch; a member may not see the branch's page
    bob = client_for(cast.bob)
    hours = bob.get(reverse("orglife:learning_hours", args=[cast.town_a.pk]) + "?year=2026")
    assert [(r.name, r.hours) for r in hours.context["rows"]] == [
        ("中共甲一村支部委员会", Decimal("2.0"))
    ]
    assert erin.get(branch_page).status_code == 404


def test_the_api_picks_reports_confirms_and_delivers(
    cast: Cast, hundred: RuleCatalogue, api_clock: list
) -> None:
    alice, erin, carol = client_for(cast.alice), client_for(cast.erin), client_for(cast.carol)
    video = alice.post(
        "/api/v1/life/courses",
        {"title": "微党课", "kind": "video", "hours": "0.5", "link": "https://example.org/v"},
        content_type=JSON,
    )
    assert video.status_code == 201, video.content
    assert client_for(cast.bob).post(
        "/api/v1/life/courses", {"title": "x", "kind": "text", "hours": "1", "body": "y"},
        content_type=JSON,
    ).status_code == 403  # fmt: skip
    course_id = video.json()["id"]
    lesson = erin.post(f"/api/v1/life/courses/{course_id}/pick").json()
    reported = erin.post(
        f"/api/v1/life/lessons/{lesson['id']}/report",
        {"completed_on": TODAY.isoformat(), "note": "看完了"},
        content_type=JSON,
    )
    assert reported.json()["state"] == "reported"
    branch = f"/api/v1/life/branches/{cast.branch_a1.pk}"
    assert [x["id"] for x in carol.get(f"{branch}/lessons/to-confirm").json()] == [lesson["id"]]
    confirmed = carol.post(
        f"{branch}/lessons/confirm", {"lesson_ids": [lesson["id"]]}, content_type=JSON
    )
    assert confirmed.json() == {"points_entered": 1}
    parcel = services.course_create(
        actor=as_(cast.alice), county_root=cast.root, title="红色包裹", kind="parcel",
        hours=Decimal(1),
    )  # fmt: skip
    delivered = carol.post(
        f"{branch}/lessons/deliver",
        {"course_id": parcel.pk, "member_ids": [cast.member_a1.pk], "completed_on":
         TODAY.isoformat(), "note": "邮寄"},
        content_type=JSON,
    )  # fmt: skip
    assert delivered.json() == {"points_entered": 1}
    refused = carol.post(
        f"{branch}/lessons/deliver",
        {"course_id": parcel.pk, "member_ids": [cast.member_b1.pk], "completed_on":
         TODAY.isoformat(), "note": "邮寄"},
        content_type=JSON,
    )  # fmt: skip
    assert refused.status_code == 400 and "不是" in refused.json()["detail"]
    hours = carol.get(f"{branch}/learning-hours?year=2026").json()
    assert {h["name"]: h["hours"] for h in hours} == {"李二妮": "0.5", "王甲": "1.0"}
