"""The secretary signs the quarter (书记签字确认): only then do its entries count; afterwards it is
closed, and a correction is a reversal entry in an open quarter."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, LedgerEntry, QuarterClose, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.selectors import (
    branch_quarter_table,
    ledger_chain_problems,
    member_year_totals,
)
from zhengxing.ledger.services import (
    base_points_record,
    claim_record_many,
    claim_review,
    claim_review_many,
    deduction_record,
    entry_reverse,
    public_report_submit,
    quarter_sign_off,
)
from zhengxing.testing import Cast, add_member

from .conftest import NOW, after, as_, item, key

Q2 = Quarter(2026, 2)
JUNE = dt.date(2026, 6, 20)


def record(cast: Cast, rules: RuleCatalogue, code: str, members, day=JUNE):
    return claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, code),
        members=members,
        occurred_on=day,
        place="甲一村",
        description="登记",
        idempotency_key=key(),
    )


def test_only_the_branch_secretary_signs(cast: Cast, rules: RuleCatalogue) -> None:
    for not_secretary in (cast.cathy, cast.bob, cast.erin, cast.dave):
        with pytest.raises(PermissionDenied):
            quarter_sign_off(actor=as_(not_secretary, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    close = quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    assert (close.signed_by, close.entries, close.head_seq) == (cast.carol, 0, 0)
    assert AuditEvent.objects.filter(action="ledger.quarter.sign_off").count() == 1
    with pytest.raises(ServiceError) as refused:
        quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    assert str(refused.value) == "2026年第二季度已签字确认"


def test_pending_claims_hold_the_signature(cast: Cast, rules: RuleCatalogue) -> None:
    record(cast, rules, "SMX-G02", [cast.member_a1, cast.erin_member])
    with pytest.raises(ServiceError) as refused:
        quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    assert str(refused.value) == "2026年第二季度还有2条申报待审核，请审核后再签字确认"
    assert not QuarterClose.objects.exists()


def test_only_signed_off_entries_count(cast: Cast, rules: RuleCatalogue) -> None:
    claims = record(cast, rules, "SMX-G02", [cast.member_a1])
    claim_review_many(
        actor=as_(cast.cathy), branch=cast.branch_a1, claims=claims, decision="approve"
    )
    assert member_year_totals(user=cast.carol, member=cast.member_a1, year=2026).total == 0
    quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    totals = member_year_totals(user=cast.carol, member=cast.member_a1, year=2026)
    assert (totals.bonus, totals.total) == (1, 1)


def test_after_sign_off_a_correction_is_a_reversal_in_the_open_quarter(
    cast: Cast, rules: RuleCatalogue
) -> None:
    (claim,) = record(cast, rules, "SMX-G02", [cast.member_a1])
    claim_review(actor=as_(cast.cathy), claim=claim, decision="approve")
    quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    wrong = LedgerEntry.objects.get()
    july = as_(cast.cathy, now=NOW + dt.timedelta(days=5))
    # nothing more for the closed quarter, not even a deduction
    with pytest.raises(ServiceError, match="2026年第二季度已签字确认"):
        deduction_record(
            actor=july,
            branch=cast.branch_a1,
            member=cast.member_a1,
            item=item(rules, "SMX-K01"),
            reason="缺席",
            occurred_on=JUNE,
            idempotency_key=key(),
        )
    with pytest.raises(ServiceError, match="请填写冲正理由"):
        entry_reverse(actor=july, entry=wrong, reason="")
    reversal = entry_reverse(actor=july, entry=wrong, reason="经核实当日未参加清雪")
    assert (reversal.year, reversal.quarter, reversal.points) == (2026, 3, -1)
    assert (reversal.reverses_id, reversal.seq) == (wrong.pk, 2)
    with pytest.raises(ServiceError, match="该记录已冲正"):
        entry_reverse(actor=july, entry=wrong, reason="再冲一次")
    # the closed quarter's posted figures stand; the correction counts when Q3 is signed
    table = branch_quarter_table(user=cast.carol, branch=cast.branch_a1, quarter=Q2)
    assert [(r["member__name"], r["total"]) for r in table] == [("王甲", 1)]
    signed_q3 = as_(cast.carol, after(Quarter(2026, 3)))
    quarter_sign_off(actor=signed_q3, branch=cast.branch_a1, quarter=Quarter(2026, 3))
    assert member_year_totals(user=cast.carol, member=cast.member_a1, year=2026).total == 0
    assert ledger_chain_problems() == (1, [])


def test_a_closed_quarter_refuses_reversals_into_it(cast: Cast, rules: RuleCatalogue) -> None:
    (claim,) = record(cast, rules, "SMX-G02", [cast.member_a1])
    claim_review(actor=as_(cast.cathy), claim=claim, decision="approve")
    quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    with pytest.raises(ServiceError) as refused:
        entry_reverse(actor=as_(cast.cathy), entry=LedgerEntry.objects.get(), reason="更正")
    assert str(refused.value) == "当前季度（2026年第二季度）已签字确认，无法记冲正"


def test_signing_off_fifty_members_and_five_hundred_claims(
    cast: Cast, rules: RuleCatalogue, django_assert_max_num_queries
) -> None:
    """Ten forms for fifty members: four snow clearings (+1 each) and six volunteer days (+2
    each, at most 10 a quarter, so the sixth counts 0). Each member ends the quarter at 14."""
    members = [add_member(cast.county, "A1B") for _ in range(48)] + [
        cast.member_a1,
        cast.erin_member,
    ]
    claims = []
    for day in range(1, 5):
        claims += record(cast, rules, "SMX-G02", members, day=dt.date(2026, 5, day))
    for day in range(10, 16):
        claims += record(cast, rules, "SMX-G06", members, day=dt.date(2026, 5, day))
    assert len(claims) == 500

    # Its speed is measured in bench/bench_sign_off.py, not here.
    with django_assert_max_num_queries(40):
        # lock head, lock claims, closed quarters, counted points, entries inserted in batches
        # (SQLite caps a statement's parameters: ~9 batches of 500; PostgreSQL: 1), move head,
        # one UPDATE of the claims, audit rows in batches: nothing per claim
        claim_review_many(
            actor=as_(cast.cathy), branch=cast.branch_a1, claims=claims, decision="approve"
        )
    with django_assert_max_num_queries(29):
        # scope (2), lock head (2), pending count, closed quarters, the members' sums, the close
        # row, their counted points (one INSERT) and the audit row, savepoints (4), the public
        # notice (its lines: members, the quarter's sums, the year's totals; its row and audit
        # row); the county's tree (integrity, through `sign_off_hooks`): a savepoint (2), its
        # row locked (created at the county's first sign-off: 2 more), the quarter not yet in
        # it, the leaf, the signed head, the tree's edge, the audit row: the same for 5 claims
        # or 5,000
        close = quarter_sign_off(
            actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2
        )

    assert (close.entries, close.head_seq, close.bonus_total) == (500, 500, 50 * 14)
    table = branch_quarter_table(user=cast.carol, branch=cast.branch_a1, quarter=Q2)
    assert len(table) == 50 and {r["total"] for r in table} == {14}
    assert LedgerEntry.objects.filter(points=0).count() == 50  # each sixth volunteer day
    assert ledger_chain_problems() == (1, [])


def test_base_points_follow_each_members_category_once_a_year(
    cast: Cast, rules: RuleCatalogue
) -> None:
    elderly = add_member(cast.county, "A1B", category="elderly")
    entries = base_points_record(actor=as_(cast.cathy), branch=cast.branch_a1, year=2026)
    by_member = {e.member_id: e.points for e in entries}
    assert by_member == {cast.erin_member.pk: 60, cast.member_a1.pk: 60, elderly.pk: 50}
    assert {e.part for e in entries} == {"base"}
    # run again: nobody is credited twice; a newcomer is
    newcomer = add_member(cast.county, "A1B", category="mobile")
    again = base_points_record(actor=as_(cast.cathy), branch=cast.branch_a1, year=2026)
    assert [(e.member_id, e.points) for e in again] == [(newcomer.pk, 50)]
    with pytest.raises(PermissionDenied):
        base_points_record(actor=as_(cast.dave), branch=cast.branch_a1, year=2026)


def test_totals_are_scoped_to_who_may_see_them(cast: Cast, rules: RuleCatalogue) -> None:
    from django.http import Http404

    member_year_totals(user=cast.erin, member=cast.erin_member, year=2026)  # her own
    for outsider in (cast.dave, cast.erin):
        with pytest.raises(Http404):
            member_year_totals(user=outsider, member=cast.member_a1, year=2026)
    with pytest.raises(Http404):
        branch_quarter_table(user=cast.dave, branch=cast.branch_a1, quarter=Q2)


def test_a_quarter_is_signed_only_once_it_has_ended(cast: Cast, rules: RuleCatalogue) -> None:
    """The committee reviews the quarter behind it (支委会每季度审核): on its last day it is
    still open, and nothing is written by the refusal."""
    events = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as refused:
        quarter_sign_off(actor=as_(cast.carol), branch=cast.branch_a1, quarter=Q2)
    assert str(refused.value) == (
        "2026年第二季度到6月30日才结束，支委会须在季度结束后审核，7月1日起方可签字确认"
    )
    assert not QuarterClose.objects.exists() and AuditEvent.objects.count() == events
    close = quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    assert close.signed_at == after(Q2)


def test_a_public_report_whose_quarter_was_signed_goes_to_the_next_open_quarter(
    cast: Cast, rules: RuleCatalogue
) -> None:
    """A report sent on 30 June that reaches the ledger after Q2 was signed (and, for the year's
    end, after Q4 was) waits for the next review instead of pending for ever in a signed
    quarter."""

    def report(now: dt.datetime) -> Claim:
        return public_report_submit(
            actor=as_(None, now),
            branch=cast.branch_a1,
            member=cast.member_a1,
            occurred_on=now.date(),
            place="村口",
            description="占道堆放杂物",
            reporter_contact="13900000000",
            idempotency_key=key(),
        )

    quarter_sign_off(actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2)
    late = report(NOW)
    assert (late.year, late.quarter, late.status) == (2026, 3, "pending")
    claim_review(actor=as_(cast.cathy, after(Q2)), claim=late, decision="reject", reason="不属实")
    for number in (3, 4):
        quarter = Quarter(2026, number)
        quarter_sign_off(
            actor=as_(cast.carol, after(quarter)), branch=cast.branch_a1, quarter=quarter
        )
    new_year = report(dt.datetime(2026, 12, 31, 23, 59, tzinfo=NOW.tzinfo))
    assert (new_year.year, new_year.quarter) == (2027, 1)
