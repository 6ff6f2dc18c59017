"""Lost contact (失联), PRACTICES §0: "'Lost contact' (失联) means no organisation life and no
dues for six months or more; the reason is coded (migrant work or business, unit restructured
or bankrupt, whereabouts unknown after graduation, changed employer, abroad, moved house,
other)". 王甲 (member_a1) went away on 1 October 2025; everyone acts on 30 June 2026, so the
six months run back to 30 December 2025."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.mobility.models import LostCase, SearchStep
from zhengxing.mobility.rules_lost import lost_cutoff, months_before
from zhengxing.mobility.selectors.lost import lost_due
from zhengxing.mobility.services.lost import (
    lost_case_close,
    lost_flag,
    lost_reason_set,
    search_step_record,
)
from zhengxing.mobility.services.registration import registration_code_issue, whereabouts_report
from zhengxing.orgs.models import Member
from zhengxing.orgs.services import member_set_status
from zhengxing.testing import SYSTEM, Cast

from .conftest import NOW, as_, report_fields

pytestmark = pytest.mark.django_db
WENT = dt.date(2025, 10, 1)


@pytest.fixture
def away(cast: Cast) -> Member:
    """王甲, mobile since 1 October 2025, never heard from since."""
    return member_set_status(actor=SYSTEM, member=cast.member_a1, status="mobile", on=WENT)


def _report_on(cast: Cast, member: Member, day: dt.date) -> None:
    at = dt.datetime.combine(day, dt.time(10), tzinfo=NOW.tzinfo)
    code, _found = registration_code_issue(actor=as_(cast.carol, at), member=member)
    whereabouts_report(
        actor=as_(None, at), org=cast.branch_a1, **report_fields(member, code, since=WENT)
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 6, 30), 6, dt.date(2025, 12, 30)),
        (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2024, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 15), 12, dt.date(2025, 3, 15)),
    ],
)
def test_six_months_are_calendar_months(day: dt.date, months: int, expected: dt.date) -> None:
    """ "no organisation life and no dues for six months or more" (PRACTICES §0)"""
    assert months_before(day, months) == expected


def test_the_period_is_the_setting(settings: pytest.FixtureRequest) -> None:
    settings.ZHENGXING_LOST_CONTACT_MONTHS = 3  # type: ignore[attr-defined]
    assert lost_cutoff(dt.date(2026, 6, 30)) == dt.date(2026, 3, 30)


def test_a_member_silent_for_six_months_is_due(cast: Cast, away: Member) -> None:
    due = lost_due(user=cast.carol, org=cast.branch_a1, today=NOW.date())
    assert [m.pk for m in due] == [away.pk]
    # dave's township sees nobody of A1B
    assert not lost_due(user=cast.dave, org=cast.branch_a1, today=NOW.date()).exists()


def test_a_report_within_the_period_is_contact(cast: Cast, away: Member) -> None:
    _report_on(cast, away, dt.date(2026, 1, 10))
    assert not lost_due(user=cast.carol, org=cast.branch_a1, today=NOW.date()).exists()


def test_gone_mobile_less_than_the_period_ago_is_not_lost(cast: Cast) -> None:
    member_set_status(actor=SYSTEM, member=cast.member_a1, status="mobile", on=dt.date(2026, 2, 1))
    assert not lost_due(user=cast.carol, org=cast.branch_a1, today=NOW.date()).exists()


def test_flagging_writes_one_case_with_when_last_heard_and_once_only(
    cast: Cast, away: Member
) -> None:
    _report_on(cast, away, dt.date(2025, 12, 1))
    (case,) = lost_flag(actor=as_(cast.carol), org=cast.branch_a1)
    assert case.flagged_on == NOW.date()
    assert case.last_heard_on == dt.date(2025, 12, 1)
    assert AuditEvent.objects.filter(action="mobility.lost.flag", object_id=away.pk).count() == 1
    assert lost_flag(actor=as_(cast.carol), org=cast.branch_a1) == []
    assert LostCase.objects.count() == 1


def test_only_the_branch_side_flags(cast: Cast, away: Member) -> None:
    with pytest.raises(PermissionDenied):
        lost_flag(actor=as_(cast.dave), org=cast.branch_a1)
    assert not LostCase.objects.exists()


def test_the_search_is_recorded_step_by_step_and_closed_once(cast: Cast, away: Member) -> None:
    (case,) = lost_flag(actor=as_(cast.carol), org=cast.branch_a1)
    lost_reason_set(actor=as_(cast.carol), case=case, reason="work")
    search_step_record(
        actor=as_(cast.carol), case=case, on=NOW.date(), way="family", what="其父称在包头打工"
    )
    closed = lost_case_close(
        actor=as_(cast.carol), case=case, outcome="found", note="已电话联系，恢复联系"
    )
    assert (closed.outcome, closed.closed_on, closed.reason) == ("found", NOW.date(), "work")
    assert SearchStep.objects.get().what == "其父称在包头打工"
    with pytest.raises(ServiceError, match="查找已经结束"):
        lost_case_close(actor=as_(cast.carol), case=case, outcome="found", note="再次")
    # closed, a new silence may be flagged again later: the open case is one per member
    assert lost_flag(actor=as_(cast.carol), org=cast.branch_a1)[0].member_id == away.pk


def test_the_county_procedure_needs_the_search_recorded_first(cast: Cast, away: Member) -> None:
    (case,) = lost_flag(actor=as_(cast.carol), org=cast.branch_a1)
    with pytest.raises(ServiceError, match="请先登记查找经过"):
        lost_case_close(actor=as_(cast.carol), case=case, outcome="procedure", note="停止党籍")
    assert LostCase.objects.get().outcome == ""


def test_bad_input_is_refused_in_chinese_nothing_written(cast: Cast, away: Member) -> None:
    (case,) = lost_flag(actor=as_(cast.carol), org=cast.branch_a1)
    with pytest.raises(ServiceError, match="请选择失联原因"):
        lost_reason_set(actor=as_(cast.carol), case=case, reason="bored")
    with pytest.raises(ServiceError, match="不能晚于今天"):
        search_step_record(
            actor=as_(cast.carol), case=case, on=dt.date(2026, 7, 1), way="phone", what="无人接听"
        )
    with pytest.raises(ServiceError, match="请选择查找方式"):
        search_step_record(actor=as_(cast.carol), case=case, on=NOW.date(), way="x", what="x")
    assert not SearchStep.objects.exists()
    assert LostCase.objects.get().reason == ""


def test_a_meeting_attended_within_the_period_is_organisation_life(
    cast: Cast, away: Member
) -> None:
    """No organisation life for six months (§0): a meeting of the branch he attended counts."""
    from zhengxing.orglife.services import meeting_tick
    from zhengxing.orglife.tests.conftest import plan

    meeting = plan(cast, on=dt.date(2026, 3, 10))
    meeting_tick(actor=as_(cast.carol), meeting=meeting, members=[away])
    assert not lost_due(user=cast.carol, org=cast.branch_a1, today=NOW.date()).exists()


def test_a_contact_by_the_pairer_within_the_period_is_contact(cast: Cast, away: Member) -> None:
    """每季度开展一次电话随访、视频约访、上门走访 (article 002): a member the branch reached by
    phone in the period has not lost contact; a contact before the period does not count."""
    from zhengxing.mobility.services.pairing import contact_log, pairing_create

    pairing_create(
        actor=as_(cast.carol), member=away, pairer=cast.carol, side="outflow", since=WENT
    )
    contact_log(
        actor=as_(cast.carol), member=away, way="phone", on=dt.date(2025, 12, 1), said="近况"
    )
    assert lost_due(user=cast.carol, org=cast.branch_a1, today=NOW.date()).exists()
    contact_log(
        actor=as_(cast.carol), member=away, way="phone", on=dt.date(2026, 3, 1), said="近况"
    )
    assert not lost_due(user=cast.carol, org=cast.branch_a1, today=NOW.date()).exists()
