"""Learning: the county's menu, members picking from it (菜单式点学), their own records confirmed
by the branch, 送学上门 and 红色包裹 recorded by the deliverer, the learning item's points once
per course, and the year's hours per member and per branch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.orglife import selectors, services
from zhengxing.orglife.models import Course, LessonState
from zhengxing.testing import Cast, client_for

from .conftest import TODAY, as_

pytestmark = pytest.mark.django_db


def course(cast: Cast, kind: str = "video", **overrides: object) -> Course:
    values: dict = {
        "actor": as_(cast.alice),
        "county_root": cast.root,
        "title": "学习党的二十大精神",
        "kind": kind,
        "hours": Decimal("1.5"),
        "link": "https://example.org/v/1" if kind == "video" else "",
    }
    values.update(overrides)
    return services.course_create(**values)


def test_only_the_county_keeps_the_menu_and_checks_it(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        course(cast, actor=as_(cast.bob))
    with pytest.raises(ServiceError, match="https://"):
        course(cast, link="")
    with pytest.raises(ServiceError, match="学时"):
        course(cast, hours=Decimal(0))
    assert Course.objects.count() == 0
    assert course(cast).county == cast.county


def test_a_members_own_record_earns_points_only_once_confirmed(
    cast: Cast, hundred: RuleCatalogue
) -> None:
    video = course(cast)
    lesson = services.course_pick(actor=as_(cast.erin), course=video)
    assert services.course_pick(actor=as_(cast.erin), course=video) == lesson  # picked once
    services.lesson_report(actor=as_(cast.erin), lesson=lesson, completed_on=TODAY,
                           note="学习了二十大报告第三部分")  # fmt: skip
    assert LedgerEntry.objects.count() == 0  # her word alone makes no points
    with pytest.raises(PermissionDenied):
        services.lessons_confirm(actor=as_(cast.erin), branch=cast.branch_a1, lessons=[lesson])
    entered = services.lessons_confirm(actor=as_(cast.carol), branch=cast.branch_a1,
                                       lessons=[lesson])  # fmt: skip
    assert entered == 1
    entry = LedgerEntry.objects.select_related("claim").get()
    # 参加集中学习（每次）+2 in the 100-point year, linked to the course
    assert entry.points == Decimal(2) and entry.claim is not None
    assert (entry.claim.origin_kind, entry.claim.origin_id) == ("lesson", video.pk)
    with pytest.raises(ServiceError, match="不是待确认"):
        services.lessons_confirm(actor=as_(cast.carol), branch=cast.branch_a1, lessons=[lesson])
    page = client_for(cast.erin).get("/points/me/?year=2026")
    assert f'href="/life/learning/courses/{video.pk}/"'.encode() in page.content


def test_the_deliverer_records_a_red_parcel_for_members_far_away(
    cast: Cast, hundred: RuleCatalogue
) -> None:
    parcel = course(cast, "parcel", title="红色包裹：党章学习读本")
    # the member cannot record a delivered lesson herself
    lesson = services.course_pick(actor=as_(cast.erin), course=parcel)
    with pytest.raises(ServiceError, match="送学人"):
        services.lesson_report(actor=as_(cast.erin), lesson=lesson, completed_on=TODAY, note="读完")
    with pytest.raises(ServiceError, match="不是“中共甲一村支部委员会”的党员"):
        services.lessons_deliver(
            actor=as_(cast.carol), branch=cast.branch_a1, course=parcel,
            members=[cast.member_b1], completed_on=TODAY, note="邮寄",
        )  # fmt: skip
    entered = services.lessons_deliver(
        actor=as_(cast.carol), branch=cast.branch_a1, course=parcel,
        members=[cast.erin_member, cast.member_a1], completed_on=TODAY, note="邮寄到包头",
    )  # fmt: skip
    assert entered == 2
    lesson.refresh_from_db()
    assert lesson.state == LessonState.DONE
    # again: nothing more
    assert services.lessons_deliver(
        actor=as_(cast.carol), branch=cast.branch_a1, course=parcel,
        members=[cast.erin_member], completed_on=TODAY, note="邮寄到包头",
    ) == 0  # fmt: skip
    hours = {h.name: (h.lessons, h.hours) for h in
             selectors.member_hours(branch=cast.branch_a1, year=2026)}  # fmt: skip
    assert hours == {"李二妮": (1, Decimal("1.5")), "王甲": (1, Decimal("1.5"))}
    (a1,) = selectors.branch_hours(user=cast.bob, org=cast.town_a, year=2026)
    assert (a1.lessons, a1.hours) == (2, Decimal("3.0"))
    assert selectors.branch_hours(user=cast.bob, org=cast.town_a, year=2025)[0].hours == 0
    assert TODAY - dt.timedelta(days=1) < TODAY  # the day the tests stand on: 30 June 2026
