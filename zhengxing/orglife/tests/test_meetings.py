"""Meetings: planned with a roll, signed in on the spot once, by the code of this minute or the
printed sheet on the day, ticked, excused, closed with points for those present and the
deduction for those absent without leave — refused in Chinese, writing nothing, otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue
from zhengxing.orglife import meeting_rules, services
from zhengxing.orglife.models import Attendee, Meeting, SignIn
from zhengxing.testing import Cast, add_member, client_for

from .conftest import NOW, TODAY, as_, plan

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, int, int]:
    return SignIn.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count()


def live(cast: Cast, meeting: Meeting, now: dt.datetime = NOW) -> str:
    return services.meeting_live_code(actor=as_(cast.carol, now), meeting=meeting)


def test_the_roll_is_the_branchs_members_and_mobile_members_are_on_it(cast: Cast) -> None:
    mobile = add_member(cast.county, "A1B", name="张流动", status="mobile")
    gone = add_member(cast.county, "A1B", name="钱已转出", status="transferred_out")
    meeting = plan(cast)
    roll = set(Attendee.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    assert roll == {cast.member_a1.pk, cast.erin_member.pk, mobile.pk}
    assert gone.pk not in roll
    # a mobile member attends the inflow organisation's meeting instead: excused elsewhere
    services.attendee_excuse(
        actor=as_(cast.carol),
        meeting=meeting,
        member=mobile,
        excuse="elsewhere",
        reason="在鄂尔多斯流动党员党支部参加",
    )
    assert Attendee.objects.get(meeting=meeting, member=mobile).excuse == "elsewhere"


def test_planning_is_the_branchs_and_checked(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        services.meeting_plan(
            actor=as_(cast.erin),
            branch=cast.branch_a1,
            kind="members",
            held_on=TODAY,
            place="村部",
            agenda="议程",
        )
    with pytest.raises(ServiceError, match="会议议程"):
        services.meeting_plan(
            actor=as_(cast.carol),
            branch=cast.branch_a1,
            kind="members",
            held_on=TODAY,
            place="村部",
            agenda="  ",
        )
    with pytest.raises(ServiceError, match="党小组"):
        services.meeting_plan(
            actor=as_(cast.carol),
            branch=cast.branch_a1,
            kind="group",
            held_on=TODAY,
            place="村部",
            agenda="议程",
        )
    assert Meeting.objects.count() == 0
    group = services.meeting_plan(
        actor=as_(cast.carol),
        branch=cast.branch_a1,
        kind="group",
        held_on=TODAY,
        place="村部",
        agenda="议程",
        group=cast.group_a1,
    )
    # the group's members only: 李二妮 is in 第一党小组, 王甲 in none
    assert list(group.roll.values_list("member_id", flat=True)) == [cast.erin_member.pk]
    # the committee meeting: the members who hold the secretary's or a committee role
    cast.member_a1.user = cast.cathy
    cast.member_a1.save(update_fields=["user"])
    committee = plan(cast, kind="committee")
    assert list(committee.roll.values_list("member_id", flat=True)) == [cast.member_a1.pk]


def test_a_member_signs_in_with_the_code_of_this_minute(cast: Cast, meeting: Meeting) -> None:
    sign_in = services.meeting_sign_in(actor=as_(cast.erin), code=live(cast, meeting))
    assert (sign_in.member, sign_in.way) == (cast.erin_member, "qr")
    assert AuditEvent.objects.filter(action="orglife.meeting.sign_in").count() == 1
    # the code of the minute before is still taken (a scan at the turn of the minute)
    wang = add_member(cast.county, "A1B", name="王乙")
    wang.user = cast.gina
    wang.save(update_fields=["user"])
    Attendee.objects.create(county_id=meeting.county_id, meeting=meeting, member=wang)
    earlier = live(cast, meeting, NOW - dt.timedelta(seconds=60))
    assert services.meeting_sign_in(actor=as_(cast.gina), code=earlier).member == wang


def test_a_code_passed_to_a_group_chat_is_dead_two_minutes_later(
    cast: Cast, meeting: Meeting
) -> None:
    code = live(cast, meeting, NOW - dt.timedelta(minutes=2))
    before = snapshot()
    with pytest.raises(ServiceError, match="签到码已过期"):
        services.meeting_sign_in(actor=as_(cast.erin), code=code)
    # nor can a code be forged for this minute, or made for another meeting
    window = meeting_rules.window_of(NOW)
    with pytest.raises(ServiceError, match="签到码已过期"):
        services.meeting_sign_in(actor=as_(cast.erin), code=f"{meeting.pk}.{window}.0000")
    with pytest.raises(ServiceError, match="签到码无效"):
        services.meeting_sign_in(actor=as_(cast.erin), code=f"999999.{window}.abc")
    assert snapshot() == before


def test_twice_another_branch_after_close_each_refused(cast: Cast, meeting: Meeting) -> None:
    code = live(cast, meeting)
    services.meeting_sign_in(actor=as_(cast.erin), code=code)
    before = snapshot()
    with pytest.raises(ServiceError, match="已经签到") as twice:
        services.meeting_sign_in(actor=as_(cast.erin), code=code)
    assert twice.value.code == "duplicate"
    # 赵乙 of 乙一村 scans the code
    cast.member_b1.user = cast.dave
    cast.member_b1.save(update_fields=["user"])
    with pytest.raises(ServiceError, match="不是“中共甲一村支部委员会”的党员"):
        services.meeting_sign_in(actor=as_(cast.dave), code=code)
    assert snapshot() == before
    services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="会议记录")
    before = snapshot()
    cast.member_a1.user = cast.gina
    cast.member_a1.save(update_fields=["user"])
    with pytest.raises(ServiceError, match="会议记录已经结束") as late:
        services.meeting_sign_in(actor=as_(cast.gina), code=code)
    assert late.value.code == "conflict"
    assert snapshot() == before


def test_the_printed_sheet_works_on_the_meetings_day_only(cast: Cast, meeting: Meeting) -> None:
    tomorrow = NOW + dt.timedelta(days=1)
    with pytest.raises(ServiceError, match="只能在会议当天"):
        services.meeting_sign_in(actor=as_(cast.erin, tomorrow), code=meeting.sheet_code)
    assert SignIn.objects.count() == 0
    sign_in = services.meeting_sign_in(actor=as_(cast.erin), code=meeting.sheet_code)
    assert sign_in.way == "sheet"


def test_closing_enters_points_for_the_present_and_the_deduction_for_the_absent(
    cast: Cast, meeting: Meeting, hundred: RuleCatalogue
) -> None:
    mobile = add_member(cast.county, "A1B", name="张流动", status="mobile")
    Attendee.objects.create(county_id=meeting.county_id, meeting=meeting, member=mobile)
    on_leave = add_member(cast.county, "A1B", name="孙请假")
    Attendee.objects.create(county_id=meeting.county_id, meeting=meeting, member=on_leave)
    services.meeting_sign_in(actor=as_(cast.erin), code=live(cast, meeting))
    services.attendee_excuse(
        actor=as_(cast.carol), meeting=meeting, member=on_leave, excuse="leave", reason="住院"
    )
    services.attendee_excuse(
        actor=as_(cast.carol),
        meeting=meeting,
        member=mobile,
        excuse="elsewhere",
        reason="流入地党支部",
    )
    closed = services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="学习了党章")
    assert (closed.present, closed.absent, closed.points_entered) == (1, 1, 2)
    points = dict(
        LedgerEntry.objects.filter(
            claim__origin_kind="meeting", claim__origin_id=meeting.pk
        ).values_list("member__name", "points")
    )
    # 李二妮 came (+2, 参加“三会一课”), 王甲 stayed away without leave (-2), the others nothing
    assert points == {"李二妮": Decimal(2), "王甲": Decimal(-2)}
    # the member's points page links the entry to the meeting
    page = client_for(cast.erin).get("/points/me/?year=2026")
    assert f'href="/life/meetings/{meeting.pk}/"'.encode() in page.content
    with pytest.raises(ServiceError, match="会议记录已经结束"):
        services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="再来一次")
    assert Claim.objects.filter(origin_kind="meeting").count() == 2


def test_no_item_fits_no_points(cast: Cast) -> None:
    """Without a catalogue there is nothing to enter: the meeting closes all the same."""
    meeting = plan(cast)
    closed = services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="记录")
    assert closed.points_entered == 0
    assert services.life_items(branch=cast.branch_a1, activity="members", year=2026) == (
        services.LifeItems(None, None)
    )


def test_a_meeting_not_yet_held_cannot_be_closed_and_a_member_asks_leave(
    cast: Cast, hundred: RuleCatalogue
) -> None:
    meeting = plan(cast, on=TODAY + dt.timedelta(days=3))
    with pytest.raises(ServiceError, match="还没有召开"):
        services.meeting_close(actor=as_(cast.carol), meeting=meeting, minutes="记录")
    services.attendee_excuse(
        actor=as_(cast.erin),
        meeting=meeting,
        member=cast.erin_member,
        excuse="leave",
        reason="外出务工",
    )
    with pytest.raises(ServiceError, match="请由支部书记登记"):
        services.attendee_excuse(
            actor=as_(cast.erin),
            meeting=meeting,
            member=cast.erin_member,
            excuse="elsewhere",
            reason="流入地",
        )
    with pytest.raises(PermissionDenied):
        services.attendee_excuse(
            actor=as_(cast.erin),
            meeting=meeting,
            member=cast.member_a1,
            excuse="leave",
            reason="代请假",
        )


def test_the_secretary_ticks_those_without_a_phone(cast: Cast, meeting: Meeting) -> None:
    services.meeting_sign_in(actor=as_(cast.erin), code=meeting.sheet_code)
    ticked = services.meeting_tick(
        actor=as_(cast.carol), meeting=meeting, members=[cast.member_a1, cast.erin_member]
    )
    assert [s.member for s in ticked] == [cast.member_a1]
    with pytest.raises(ServiceError, match="不在本次会议的参会名单中"):
        services.meeting_tick(actor=as_(cast.carol), meeting=meeting, members=[cast.member_b1])
    with pytest.raises(PermissionDenied):
        services.meeting_tick(actor=as_(cast.dave), meeting=meeting, members=[cast.member_a1])
