"""Every ledger writer against the secretary's sign-off, on PostgreSQL, made to overlap for
certain: one transaction takes the branch's chain lock and is held open until PostgreSQL shows
the other one waiting for it (`pg_blocking_pids` names the holder), and only then commits. So
each test proves the two really raced, and that the lock decided the outcome.

Sign-off first: the writer waits, then finds the quarter signed — refused in Chinese, or, for a
public report, filed into the next open quarter. Writer first: the sign-off waits, then sees
the writer's pending claim (and refuses) or counts its entry (and anchors it).

The sign-off acts on 1 July (a quarter is signed once it has ended); the writers act on 30 June,
as a request begun just before midnight would."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, connections, transaction

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import Claim, LedgerEntry, QuarterClose, RuleCatalogue
from zhengxing.ledger.selectors import ledger_chain_problems
from zhengxing.ledger.services import (
    base_points_record,
    claim_record_many,
    claim_review,
    claim_review_many,
    claim_submit,
    deduction_record,
    entry_reverse,
    public_report_submit,
    quarter_sign_off,
    reminder_talk_record,
)
from zhengxing.testing import Cast

from .conftest import NOW, Q2, D, after, as_, item, key

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

JUNE = dt.date(2026, 6, 20)


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("who waits for whose lock is read from PostgreSQL's pg_stat_activity")


@dataclass
class Overlap:
    first: Any  # what the first call returned, or the exception it raised
    second: Any
    waited: bool  # PostgreSQL showed the second blocked by the first's transaction


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def overlapping(first: Callable[[], Any], second: Callable[[], Any]) -> Overlap:
    """Run `first` in a transaction held open; start `second` in another thread; wait until
    PostgreSQL shows the second's backend blocked by the first's; then let the first commit."""
    holding, release = threading.Event(), threading.Event()
    pids: dict[str, int] = {}
    out: dict[str, Any] = {}

    def hold() -> None:
        try:
            pids["first"] = _backend_pid()
            with transaction.atomic():
                try:
                    out["first"] = first()
                finally:
                    holding.set()
                    release.wait(60)
        except Exception as failed:
            out["first"] = failed
        finally:
            holding.set()
            connections.close_all()

    def wait_then_write() -> None:
        try:
            pids["second"] = _backend_pid()
            out["second"] = second()
        except Exception as failed:
            out["second"] = failed
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(60)
    writer = threading.Thread(target=wait_then_write)
    writer.start()
    waited, deadline = False, time.monotonic() + 30
    while not waited and time.monotonic() < deadline and writer.is_alive():
        if "second" in pids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT a.wait_event_type = 'Lock' AND %s = ANY(pg_blocking_pids(a.pid)) "
                    "FROM pg_stat_activity a WHERE a.pid = %s",
                    [pids["first"], pids["second"]],
                )
                row = cursor.fetchone()
                waited = bool(row and row[0])
        if not waited:
            time.sleep(0.01)
    release.set()
    holder.join(60)
    writer.join(60)
    assert not holder.is_alive() and not writer.is_alive()
    return Overlap(out.get("first"), out.get("second"), waited)


def sign_q2(cast: Cast) -> Callable[[], QuarterClose]:
    return lambda: quarter_sign_off(
        actor=as_(cast.carol, after(Q2)), branch=cast.branch_a1, quarter=Q2
    )


def refused(outcome: Any) -> str:
    assert isinstance(outcome, ServiceError), outcome
    return str(outcome)


def closed_q2(cast: Cast) -> QuarterClose:
    return QuarterClose.objects.get(branch=cast.branch_a1, year=2026, quarter=2)


def counted_whole(cast: Cast) -> None:
    """The signature holds exactly the quarter's entries, the chain verifies, and no claim is
    left pending in the signed quarter."""
    close = closed_q2(cast)
    in_q2 = LedgerEntry.objects.filter(branch=cast.branch_a1, year=2026, quarter=2)
    assert close.entries == in_q2.count()
    assert close.head_seq == max([0, *in_q2.values_list("seq", flat=True)])
    assert not Claim.objects.filter(
        branch=cast.branch_a1, year=2026, quarter=2, status="pending"
    ).exists()
    assert ledger_chain_problems() == (1, []) or not LedgerEntry.objects.exists()


# --- the sign-off holds the lock; the writer comes second ----------------------------------


def test_a_self_report_waiting_on_the_sign_off_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    raced = overlapping(
        sign_q2(cast),
        lambda: claim_submit(
            actor=as_(cast.erin),
            branch=cast.branch_a1,
            member=cast.erin_member,
            item=item(rules, "SMX-G02"),
            occurred_on=JUNE,
            place="村口",
            description="清雪",
            idempotency_key=key(),
        ),
    )
    assert raced.waited
    assert refused(raced.second) == (
        "2026年第二季度已签字确认，不能再申报或登记；如需更正，请在当前季度记冲正"
    )
    assert not Claim.objects.exists()
    counted_whole(cast)


def test_a_committee_record_waiting_on_the_sign_off_is_refused(
    cast: Cast, rules: RuleCatalogue
) -> None:
    raced = overlapping(
        sign_q2(cast),
        lambda: claim_record_many(
            actor=as_(cast.cathy),
            branch=cast.branch_a1,
            item=item(rules, "SMX-G02"),
            members=[cast.member_a1, cast.erin_member],
            occurred_on=JUNE,
            place="村道",
            description="清雪",
            idempotency_key=key(),
        ),
    )
    assert raced.waited
    assert refused(raced.second).startswith("2026年第二季度已签字确认，不能再申报或登记")
    assert not Claim.objects.exists()


def test_a_deduction_waiting_on_the_sign_off_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    raced = overlapping(
        sign_q2(cast),
        lambda: deduction_record(
            actor=as_(cast.cathy),
            branch=cast.branch_a1,
            member=cast.member_a1,
            item=item(rules, "SMX-K01"),
            reason="无故缺席",
            occurred_on=dt.date(2026, 6, 29),
            idempotency_key=key(),
        ),
    )
    assert raced.waited
    assert refused(raced.second).startswith("2026年第二季度已签字确认")
    assert not LedgerEntry.objects.exists()
    counted_whole(cast)


def test_base_points_waiting_on_the_sign_off_are_refused(cast: Cast, rules: RuleCatalogue) -> None:
    """Reproduced before the guard: the check ran before the lock, so the points went into the
    quarter just signed and verify-ledger reported the quarter's totals wrong."""
    raced = overlapping(
        sign_q2(cast),
        lambda: base_points_record(actor=as_(cast.cathy), branch=cast.branch_a1, year=2026),
    )
    assert raced.waited
    assert refused(raced.second) == "2026年第二季度已签字确认，无法记入基础积分"
    assert not LedgerEntry.objects.exists()
    counted_whole(cast)


def test_a_reversal_waiting_on_the_sign_off_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    deduction_record(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        member=cast.member_a1,
        item=item(rules, "SMX-K01"),
        reason="无故缺席",
        occurred_on=JUNE,
        idempotency_key=key(),
    )
    wrong = LedgerEntry.objects.get()
    raced = overlapping(
        sign_q2(cast),
        lambda: entry_reverse(actor=as_(cast.cathy), entry=wrong, reason="已请假"),
    )
    assert raced.waited
    assert refused(raced.second) == "当前季度（2026年第二季度）已签字确认，无法记冲正"
    assert LedgerEntry.objects.count() == 1
    counted_whole(cast)


def test_a_public_report_waiting_on_the_sign_off_goes_to_the_next_quarter(
    cast: Cast, rules: RuleCatalogue
) -> None:
    """Reproduced before the guard: the report was filed into the signed quarter, pending for
    ever, since a signed quarter's claims cannot be reviewed."""
    raced = overlapping(
        sign_q2(cast),
        lambda: public_report_submit(
            actor=as_(None),
            branch=cast.branch_a1,
            member=cast.member_a1,
            occurred_on=JUNE,
            place="村口",
            description="占道堆放杂物",
            reporter_contact="13900000000",
            idempotency_key=key(),
        ),
    )
    assert raced.waited
    report = raced.second
    assert isinstance(report, Claim), report
    assert (report.year, report.quarter, report.status) == (2026, 3, "pending")
    counted_whole(cast)
    # and the committee can decide it in Q3
    july = as_(cast.cathy, after(Q2))
    entry = deduction_record(
        actor=july,
        branch=cast.branch_a1,
        member=cast.member_a1,
        item=item(rules, "SMX-K04"),
        reason="经核实属实",
        report=report,
        idempotency_key=key(),
    )
    assert (entry.year, entry.quarter, entry.points) == (2026, 3, -10)


def test_a_reminder_talk_waiting_on_the_sign_off_keeps_the_signed_points(
    cast: Cast, rules: RuleCatalogue
) -> None:
    deduction_record(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        member=cast.member_a1,
        item=item(rules, "SMX-K01"),
        reason="无故缺席",
        occurred_on=JUNE,
        idempotency_key=key(),
    )
    raced = overlapping(
        sign_q2(cast),
        lambda: reminder_talk_record(
            actor=as_(cast.carol, after(Q2)),
            member=cast.member_a1,
            held_on=after(Q2).date(),
            notes="积分偏低",
        ),
    )
    assert raced.waited
    assert raced.second.points_at_talk == -5  # counted once the signature committed


# --- the writer holds the lock; the sign-off comes second ----------------------------------


def test_a_sign_off_waiting_on_a_self_report_sees_it_pending(
    cast: Cast, rules: RuleCatalogue
) -> None:
    """Reproduced before the guard: the self-report took no lock, the sign-off counted no
    pending claim, and the claim was left pending in a signed quarter."""
    raced = overlapping(
        lambda: claim_submit(
            actor=as_(cast.erin),
            branch=cast.branch_a1,
            member=cast.erin_member,
            item=item(rules, "SMX-G02"),
            occurred_on=JUNE,
            place="村口",
            description="清雪",
            idempotency_key=key(),
        ),
        sign_q2(cast),
    )
    assert raced.waited
    assert isinstance(raced.first, Claim), raced.first
    assert refused(raced.second) == "2026年第二季度还有1条申报待审核，请审核后再签字确认"
    assert not QuarterClose.objects.exists()


def test_a_sign_off_waiting_on_a_public_report_sees_it_pending(
    cast: Cast, rules: RuleCatalogue
) -> None:
    raced = overlapping(
        lambda: public_report_submit(
            actor=as_(None),
            branch=cast.branch_a1,
            member=cast.member_a1,
            occurred_on=JUNE,
            place="村口",
            description="占道堆放杂物",
            reporter_contact="13900000000",
            idempotency_key=key(),
        ),
        sign_q2(cast),
    )
    assert raced.waited
    assert (raced.first.year, raced.first.quarter) == (2026, 2)
    assert refused(raced.second) == "2026年第二季度还有1条申报待审核，请审核后再签字确认"


@pytest.mark.parametrize(("decision", "entries"), [("approve", 1), ("adjust", 1), ("reject", 0)])
def test_a_sign_off_waiting_on_a_review_counts_its_decision(
    cast: Cast, rules: RuleCatalogue, decision: str, entries: int
) -> None:
    (claim,) = claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G04"),
        members=[cast.member_a1],
        occurred_on=JUNE,
        place="村委会",
        description="调解邻里纠纷",
        idempotency_key=key(),
    )
    raced = overlapping(
        lambda: claim_review(
            actor=as_(cast.carol, NOW),
            claim=claim,
            decision=decision,
            points=D(3) if decision == "adjust" else None,
            reason="未调解成功" if decision == "reject" else "",
        ),
        sign_q2(cast),
    )
    assert raced.waited
    assert isinstance(raced.second, QuarterClose), raced.second
    assert raced.second.entries == entries
    counted_whole(cast)


def test_a_sign_off_waiting_on_a_batch_review_counts_its_entries(
    cast: Cast, rules: RuleCatalogue
) -> None:
    claims = claim_record_many(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        item=item(rules, "SMX-G02"),
        members=[cast.member_a1, cast.erin_member],
        occurred_on=JUNE,
        place="村道",
        description="清雪",
        idempotency_key=key(),
    )
    raced = overlapping(
        lambda: claim_review_many(
            actor=as_(cast.cathy), branch=cast.branch_a1, claims=claims, decision="approve"
        ),
        sign_q2(cast),
    )
    assert raced.waited
    assert isinstance(raced.second, QuarterClose), raced.second
    assert raced.second.entries == 2
    counted_whole(cast)


def test_a_sign_off_waiting_on_a_deduction_from_a_report_counts_it(
    cast: Cast, rules: RuleCatalogue
) -> None:
    report = public_report_submit(
        actor=as_(None),
        branch=cast.branch_a1,
        member=cast.member_a1,
        occurred_on=JUNE,
        place="村口",
        description="占道堆放杂物",
        reporter_contact="13900000000",
        idempotency_key=key(),
    )
    raced = overlapping(
        lambda: deduction_record(
            actor=as_(cast.cathy),
            branch=cast.branch_a1,
            member=cast.member_a1,
            item=item(rules, "SMX-K04"),
            reason="经核实属实",
            report=report,
            idempotency_key=key(),
        ),
        sign_q2(cast),
    )
    assert raced.waited
    assert isinstance(raced.second, QuarterClose), raced.second
    assert raced.second.deduction_total == -10
    counted_whole(cast)


def test_a_sign_off_waiting_on_base_points_counts_them(cast: Cast, rules: RuleCatalogue) -> None:
    raced = overlapping(
        lambda: base_points_record(actor=as_(cast.cathy), branch=cast.branch_a1, year=2026),
        sign_q2(cast),
    )
    assert raced.waited
    assert isinstance(raced.second, QuarterClose), raced.second
    assert raced.second.base_total == 120
    counted_whole(cast)
