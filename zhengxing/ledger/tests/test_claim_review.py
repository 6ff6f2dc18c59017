"""The committee records for many members at once, reviews claims (approve, adjust within the
range, reject with a reason), decides public reports and records deductions."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, LedgerEntry, RuleCatalogue
from zhengxing.ledger.services import (
    claim_record_many,
    claim_review,
    claim_review_many,
    claim_submit,
    deduction_record,
    public_report_submit,
)
from zhengxing.testing import Cast, add_member

from .conftest import as_, item, key, snapshot

JUNE = dt.date(2026, 6, 20)


def snow_for(cast: Cast, rules: RuleCatalogue, members, *, form: str | None = None, by=None):
    return claim_record_many(
        actor=as_(by or cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G02"),
        members=members,
        occurred_on=JUNE,
        place="村主干道",
        description="清扫积雪",
        idempotency_key=form or key(),
    )


def self_report(cast: Cast, rules: RuleCatalogue, code: str = "SMX-G03", **extra) -> Claim:
    return claim_submit(
        actor=as_(cast.erin),
        branch=cast.branch_a1,
        member=cast.erin_member,
        item=item(rules, code),
        occurred_on=JUNE,
        place="村委会",
        description="为老人义务理发",
        idempotency_key=key(),
        **extra,
    )


def test_twelve_members_cleared_snow_one_form(cast: Cast, rules: RuleCatalogue) -> None:
    members = [add_member(cast.county, "A1B") for _ in range(12)]
    form = key()
    claims = snow_for(cast, rules, members, form=form)
    assert [c.member_id for c in claims] == [m.pk for m in members]
    assert {c.status for c in claims} == {"pending"}
    assert AuditEvent.objects.filter(action="ledger.claim.record").count() == 12
    # the same form sent again records nothing more
    assert [c.pk for c in snow_for(cast, rules, members, form=form)] == [c.pk for c in claims]
    assert Claim.objects.count() == 12


def test_a_form_naming_a_member_of_another_branch_records_nobody(
    cast: Cast, rules: RuleCatalogue
) -> None:
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        snow_for(cast, rules, [cast.member_a1, cast.member_b1])
    assert str(refused.value) == "“赵乙”不是“中共甲一村支部委员会”的党员"
    assert snapshot() == before


def test_only_those_who_manage_the_branch_record_and_review(
    cast: Cast, rules: RuleCatalogue
) -> None:
    for outsider in (cast.dave, cast.erin, cast.gina):
        with pytest.raises(PermissionDenied):
            snow_for(cast, rules, [cast.member_a1], by=outsider)
    claim = self_report(cast, rules)
    for outsider in (cast.dave, cast.gina):
        with pytest.raises(PermissionDenied):
            claim_review(actor=as_(outsider), claim=claim, decision="approve")
    claim_review(actor=as_(cast.bob), claim=claim, decision="approve")  # the township may


def test_approving_writes_one_chained_entry(cast: Cast, rules: RuleCatalogue) -> None:
    claim = self_report(cast, rules)
    claim = claim_review(actor=as_(cast.cathy), claim=claim, decision="approve")
    entry = LedgerEntry.objects.get()
    assert (claim.status, claim.points_awarded) == ("approved", 20)
    assert (entry.seq, entry.points, entry.part, entry.claim_id) == (1, 20, "bonus", claim.pk)
    assert entry.prev_hash == "0" * 64 and len(entry.hash) == 64
    assert AuditEvent.objects.filter(action="ledger.claim.approve").count() == 1
    with pytest.raises(ServiceError) as refused:
        claim_review(actor=as_(cast.carol), claim=claim, decision="approve")
    assert str(refused.value) == "该申报已审核（已批准），不能重复审核"
    assert LedgerEntry.objects.count() == 1


def test_adjusting_stays_within_the_items_range(cast: Cast, rules: RuleCatalogue) -> None:
    claim = self_report(cast, rules)
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        claim_review(actor=as_(cast.cathy), claim=claim, decision="adjust", points=Decimal(30))
    assert str(refused.value) == "分值须在5.0至20.0分之间"
    assert snapshot() == before
    claim = claim_review(
        actor=as_(cast.cathy),
        claim=claim,
        decision="adjust",
        points=Decimal(10),
        reason="只理发半个季度",
    )
    assert (claim.status, claim.points_awarded) == ("adjusted", 10)
    assert LedgerEntry.objects.get().points == 10


def test_rejecting_needs_a_reason_and_writes_no_entry(cast: Cast, rules: RuleCatalogue) -> None:
    claim = self_report(cast, rules)
    with pytest.raises(ServiceError) as refused:
        claim_review(actor=as_(cast.cathy), claim=claim, decision="reject")
    assert str(refused.value) == "请填写驳回理由"
    claim = claim_review(
        actor=as_(cast.cathy), claim=claim, decision="reject", reason="经核实未参加"
    )
    assert (claim.status, claim.review_reason) == ("rejected", "经核实未参加")
    assert not LedgerEntry.objects.exists()
    assert AuditEvent.objects.filter(action="ledger.claim.reject").count() == 1


def test_nobody_reviews_their_own_claim(cast: Cast, rules: RuleCatalogue) -> None:
    from zhengxing.orgs.services import role_grant
    from zhengxing.testing import SYSTEM

    role_grant(actor=SYSTEM, user=cast.erin, org=cast.branch_a1, role="committee")
    claim = self_report(cast, rules)
    with pytest.raises(ServiceError, match="不能审核本人的申报"):
        claim_review(actor=as_(cast.erin), claim=claim, decision="approve")


def test_a_quarter_cap_counts_across_claims(cast: Cast, rules: RuleCatalogue) -> None:
    """Haircuts: +20 in a quarter at most. Two claims of 15: the second counts 5."""
    first = self_report(cast, rules, points=Decimal(15))
    second = self_report(cast, rules, points=Decimal(15))
    claim_review_many(
        actor=as_(cast.carol), branch=cast.branch_a1, claims=[first, second], decision="approve"
    )
    assert sorted(LedgerEntry.objects.values_list("points", flat=True)) == [5, 15]
    second.refresh_from_db()
    assert second.points_awarded == 5
    assert "超出上限，15.0分计5.0分" in LedgerEntry.objects.get(points=5).note


def test_a_public_report_becomes_a_deduction_when_the_committee_finds_it_true(
    cast: Cast, rules: RuleCatalogue
) -> None:
    with pytest.raises(ServiceError) as refused:
        public_report_submit(
            actor=as_(None),
            branch=cast.branch_a1,
            member=cast.member_a1,
            occurred_on=JUNE,
            place="村口",
            description="占道堆放杂物",
            reporter_contact=" ",
            idempotency_key=key(),
        )
    assert str(refused.value) == "请填写联系方式（以便核实）"
    report = public_report_submit(
        actor=as_(None),
        branch=cast.branch_a1,
        member=cast.member_a1,
        occurred_on=JUNE,
        place="村口",
        description="占道堆放杂物",
        reporter_name="张大妈",
        reporter_contact="13900000000",
        idempotency_key=key(),
    )
    assert (report.source, report.status, report.item_id) == ("public", "pending", None)
    event = AuditEvent.objects.get(action="ledger.public_report.submit")
    assert "13900000000" not in str(event.after)  # the reporter's contact stays out of the log
    stored = Claim.objects.filter(pk=report.pk).values_list("reporter_contact_enc", flat=True)
    assert "13900000000" not in stored.get()  # encrypted at rest
    assert Claim.objects.get(pk=report.pk).reporter_contact == "13900000000"
    with pytest.raises(ServiceError, match="群众反映须逐条审核"):
        claim_review_many(
            actor=as_(cast.cathy), branch=cast.branch_a1, claims=[report], decision="approve"
        )
    with pytest.raises(ServiceError, match="请选择群众反映对应的积分项目"):
        claim_review(actor=as_(cast.cathy), claim=report, decision="approve")
    entry = deduction_record(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        member=cast.member_a1,
        item=item(rules, "SMX-K04"),
        reason="经核实属实，违反村规民约",
        report=report,
        idempotency_key=key(),
    )
    report.refresh_from_db()
    assert (entry.points, entry.part, entry.claim_id) == (-10, "deduction", report.pk)
    assert (report.status, report.points_awarded) == ("approved", 10)


def test_a_deduction_needs_a_reason_and_a_deduction_item(cast: Cast, rules: RuleCatalogue) -> None:
    values: dict[str, Any] = {
        "actor": as_(cast.cathy),
        "branch": cast.branch_a1,
        "member": cast.member_a1,
        "occurred_on": JUNE,
        "idempotency_key": key(),
    }
    before = snapshot()
    with pytest.raises(ServiceError) as refused:
        deduction_record(item=item(rules, "SMX-K01"), reason="", **values)
    assert str(refused.value) == "请填写扣分理由"
    with pytest.raises(ServiceError) as refused:
        deduction_record(item=item(rules, "SMX-G02"), reason="缺席", **values)
    assert str(refused.value) == "“清扫积雪（每次）”不是扣分项目"
    with pytest.raises(ServiceError) as refused:
        deduction_record(item=item(rules, "SMX-K03"), reason="缺席", points=Decimal(30), **values)
    assert str(refused.value) == "分值须在2.0至20.0分之间"
    assert snapshot() == before
    entry = deduction_record(item=item(rules, "SMX-K01"), reason="6月主题党日无故缺席", **values)
    assert entry.claim is not None
    assert (entry.points, entry.claim.source, entry.claim.status) == (-5, "committee", "approved")
    # the same form sent twice deducts once
    again = deduction_record(item=item(rules, "SMX-K01"), reason="6月主题党日无故缺席", **values)
    assert again.pk == entry.pk and LedgerEntry.objects.count() == 1
