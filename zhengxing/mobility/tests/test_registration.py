"""“1”即利用“全市流动党员码上行动”在线报备登记平台，发挥数据优势，弥补缺工作盲区短板，便于流入流出地
党组织及时掌握流动党员情况，有效强化联系。 (article 002)

A mobile member reports where they are with their name, ID number and a one-time code from
their outflow branch; every report is a dated record, the earlier ones kept; bad input is refused
in Chinese with nothing written. The cast: see conftest.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.mobility.models import RegistrationCode, Whereabouts
from zhengxing.mobility.rules import code_hash
from zhengxing.mobility.services import registration_code_issue, whereabouts_report
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast

from .conftest import NOW, as_, report_fields


def written() -> tuple[int, int]:
    return Whereabouts.objects.count(), RegistrationCode.objects.filter(
        used_at__isnull=False
    ).count()


def test_the_secretary_issues_a_code_kept_only_as_its_hash(cast: Cast, mobile: Member) -> None:
    code, found = registration_code_issue(actor=as_(cast.carol), member=mobile)
    assert len(code) == 8
    assert found.code_hash == code_hash(code) and code not in found.code_hash
    assert found.expires_at == NOW + dt.timedelta(days=14)
    event = AuditEvent.objects.get(action="mobility.code.issue")
    assert code not in str(event.after) and event.object_id == str(mobile.pk)


def test_a_township_of_another_branch_may_not_issue_a_code(cast: Cast, mobile: Member) -> None:
    with pytest.raises(PermissionDenied):
        registration_code_issue(actor=as_(cast.dave), member=mobile)
    assert not RegistrationCode.objects.exists()


def test_no_code_for_a_member_transferred_out(cast: Cast) -> None:
    Member.objects.filter(pk=cast.member_a1.pk).update(status="transferred_out")
    with pytest.raises(ServiceError, match="不在本支部党员名册中"):
        registration_code_issue(actor=as_(cast.carol), member=cast.member_a1)


def test_a_report_is_a_dated_record_and_the_roster_destination(
    cast: Cast, mobile: Member, code: str
) -> None:
    report = whereabouts_report(actor=as_(None), org=cast.branch_a1, **report_fields(mobile, code))
    assert report.reported_at == NOW and report.city == "呼和浩特市"
    assert report.phone_masked == "139******78"
    mobile.refresh_from_db()
    assert mobile.mobile_whereabouts == "呼和浩特市 赛罕区大学东街100号"
    assert mobile.mobile_reason == "务工"
    event = AuditEvent.objects.get(action="mobility.whereabouts.report")
    assert mobile.id_card not in str(event.after) and "13912345678" not in str(event.after)


def test_every_update_is_kept_beside_the_earlier_ones(
    cast: Cast, mobile: Member, code: str
) -> None:
    whereabouts_report(actor=as_(None), org=cast.root, **report_fields(mobile, code))
    later = NOW + dt.timedelta(days=90)
    second, _ = registration_code_issue(actor=as_(cast.carol, later), member=mobile)
    whereabouts_report(
        actor=as_(None, later),
        org=cast.root,
        **report_fields(mobile, second, city="包头市", reason="business"),
    )
    cities = list(
        Whereabouts.objects.filter(member=mobile)
        .order_by("reported_at")
        .values_list("city", flat=True)
    )
    assert cities == ["呼和浩特市", "包头市"]
    mobile.refresh_from_db()
    assert mobile.mobile_whereabouts.startswith("包头市") and mobile.mobile_reason == "经商"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "王乙"}, "姓名、身份证号与报备码不符"),
        ({"id_card": "150824199001011234"}, "姓名、身份证号与报备码不符"),
        ({"code": "ABCDEFGH"}, "报备码无效"),
        ({"city": " "}, "请填写所在城市"),
        ({"phone": "12ab"}, "联系电话应为7至20位数字"),
        ({"since": dt.date(2026, 7, 1)}, "外出时间不能晚于今天"),
        ({"expected_months": 0}, "预计外出时长应为1至120个月"),
        ({"reason": "tourism"}, "请选择外出原因"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_written(
    cast: Cast, mobile: Member, code: str, overrides: dict, message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        whereabouts_report(
            actor=as_(None), org=cast.branch_a1, **report_fields(mobile, code, **overrides)
        )
    assert written() == (0, 0)
    assert not AuditEvent.objects.filter(action="mobility.whereabouts.report").exists()


def test_a_code_is_used_once(cast: Cast, mobile: Member, code: str) -> None:
    whereabouts_report(actor=as_(None), org=cast.branch_a1, **report_fields(mobile, code))
    with pytest.raises(ServiceError, match="该报备码已经使用过") as refused:
        whereabouts_report(
            actor=as_(None), org=cast.branch_a1, **report_fields(mobile, code, city="赤峰市")
        )
    assert refused.value.code == "conflict"
    assert written() == (1, 1)


def test_an_expired_code_is_refused(cast: Cast, mobile: Member, code: str) -> None:
    late = NOW + dt.timedelta(days=14)
    with pytest.raises(ServiceError, match="该报备码已过期"):
        whereabouts_report(actor=as_(None, late), org=cast.branch_a1, **report_fields(mobile, code))
    assert written() == (0, 0)


def test_a_code_only_works_on_the_form_of_its_branch_or_county(
    cast: Cast, mobile: Member, code: str
) -> None:
    # 王甲 belongs to A1B: the QR code of 乙一村's branch does not know them
    with pytest.raises(ServiceError, match="报备码无效"):
        whereabouts_report(actor=as_(None), org=cast.branch_b1, **report_fields(mobile, code))
    assert written() == (0, 0)


def test_the_id_number_may_be_typed_with_a_lower_case_x(cast: Cast) -> None:
    from zhengxing.testing import add_member

    member = add_member(
        cast.county, "A1B", id_card="15082419900101003X", birth_date=dt.date(1990, 1, 1)
    )
    code, _found = registration_code_issue(actor=as_(cast.carol), member=member)
    whereabouts_report(
        actor=as_(None),
        org=cast.branch_a1,
        **report_fields(member, code, id_card=" 15082419900101003x "),
    )
    assert Whereabouts.objects.filter(member=member).count() == 1
