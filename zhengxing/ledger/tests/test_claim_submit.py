"""A member's self-report (个人申报): refused with a clear Chinese reason and nothing written,
or written once with its audit row, however often the form is sent."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import claim_review_many, claim_submit, quarter_sign_off
from zhengxing.testing import SYSTEM, Cast

from .conftest import NOW, as_, item, key, snapshot


def submit(cast: Cast, catalogue: RuleCatalogue, code: str, **overrides):
    values: dict[str, Any] = {
        "actor": as_(cast.erin),
        "branch": cast.branch_a1,
        "member": cast.erin_member,
        "item": item(catalogue, code),
        "occurred_on": dt.date(2026, 6, 20),
        "place": "甲一村文化广场",
        "description": "清扫广场积雪",
        "idempotency_key": key(),
    }
    values.update(overrides)
    return claim_submit(**values)


def test_a_member_reports_an_activity_and_it_waits_for_review(
    cast: Cast, rules: RuleCatalogue
) -> None:
    claim = submit(cast, rules, "SMX-G01", evidence="uploads/2026/hygiene.jpg")
    assert (claim.status, claim.source, claim.points_requested) == ("pending", "self", 10)
    assert (claim.year, claim.quarter) == (2026, 2)
    event = AuditEvent.objects.get(action="ledger.claim.submit")
    assert event.object_id == str(claim.pk) and event.actor == cast.erin
    assert not claim.entries.exists()


@pytest.mark.parametrize(
    ("code", "overrides", "message"),
    [
        ("SMX-K01", {}, "“无故不参加组织生活（每次）”只能由支委会登记，不能个人申报"),
        ("SMX-G03", {"points": Decimal(25)}, "分值须在5.0至20.0分之间"),
        ("SMX-G03", {"points": Decimal(4)}, "分值须在5.0至20.0分之间"),
        ("SMX-G01", {}, "“卫生责任区一个季度保持整洁”须上传照片等证明材料"),
        ("SMX-G02", {"occurred_on": dt.date(2026, 7, 1)}, "活动日期不能晚于今天"),
        (
            "SMX-G02",
            {"occurred_on": dt.date(2025, 12, 20)},
            "所选积分项目属于2026年度规则，不适用于2025年的活动",
        ),
        ("SMX-G02", {"description": "  "}, "请填写活动内容"),
        ("SMX-G02", {"place": ""}, "请填写活动地点"),
        ("SMX-G02", {"idempotency_key": ""}, "提交标识无效，请刷新页面后重新提交"),
    ],
)
def test_bad_claims_are_refused_and_nothing_is_written(
    cast: Cast, rules: RuleCatalogue, code, overrides, message
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        submit(cast, rules, code, **overrides)
    assert str(refused.value) == message
    assert snapshot() == before


def test_a_claim_to_another_branch_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        submit(cast, rules, "SMX-G02", branch=cast.branch_b1)
    assert str(refused.value) == "“李二妮”不是“中共乙一村支部委员会”的党员"
    assert snapshot() == before


def test_a_member_reports_only_for_themselves(cast: Cast, rules: RuleCatalogue) -> None:
    with pytest.raises(PermissionDenied):
        submit(cast, rules, "SMX-G02", member=cast.member_a1)
    assert snapshot()[0] == 0


def test_a_claim_for_a_signed_off_quarter_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    quarter_sign_off(actor=as_(cast.carol), branch=cast.branch_a1, quarter=Quarter(2026, 1))
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        submit(cast, rules, "SMX-G02", occurred_on=dt.date(2026, 3, 15))
    assert str(refused.value) == (
        "2026年第一季度已签字确认，不能再申报或登记；如需更正，请在当前季度记冲正"
    )
    assert snapshot() == before


def test_a_claim_past_the_cap_is_refused(cast: Cast, hundred: RuleCatalogue) -> None:
    """2 points a study session, at most 12 a year: after six counted, the seventh is refused."""
    claims = [
        submit(
            cast,
            hundred,
            "BF-X01",
            occurred_on=dt.date(2026, 1 + i, 10),
            description=f"第{i + 1}次集中学习",
        )
        for i in range(6)
    ]
    claim_review_many(
        actor=as_(cast.carol), branch=cast.branch_a1, claims=claims, decision="approve"
    )
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        submit(cast, hundred, "BF-X01", description="第7次集中学习")
    assert str(refused.value) == "“参加集中学习（每次）”本年度已计满12.0分，不能再申报"
    assert snapshot() == before


def test_a_double_tap_makes_one_claim(cast: Cast, rules: RuleCatalogue) -> None:
    same = key()
    first = submit(cast, rules, "SMX-G02", idempotency_key=same)
    second = submit(cast, rules, "SMX-G02", idempotency_key=same)
    assert first.pk == second.pk
    assert Claim.objects.count() == 1
    assert AuditEvent.objects.filter(action="ledger.claim.submit").count() == 1


def test_a_member_who_left_cannot_claim(cast: Cast, rules: RuleCatalogue) -> None:
    from zhengxing.orgs.services import member_set_status

    member_set_status(
        actor=SYSTEM, member=cast.erin_member, status="transferred_out", on=NOW.date()
    )
    cast.erin_member.refresh_from_db()
    with pytest.raises(ServiceError, match="“李二妮”已不在本支部党员名册中"):
        submit(cast, rules, "SMX-G02")
