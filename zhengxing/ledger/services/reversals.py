"""Correcting an entry (冲正): an opposite entry in the current, open quarter; the wrong entry
stays in the chain, as on paper."""

from __future__ import annotations

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for_actor

from ..models import LedgerEntry
from ..rules import Quarter, reversal_quarter_problem
from ._common import _today, entry_snapshot, refuse
from .guard import QuarterGuard, _append


@transaction.atomic
def entry_reverse(*, actor: Actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct an entry (冲正): a new entry with the opposite points, in the current quarter,
    which must be open. The wrong entry stays in the chain, as on paper."""
    branch = Org.objects.get(pk=entry.branch_id)
    require(scope_for_actor(actor).can_manage_org(branch))
    reason = clean_text(reason, label="冲正理由", limit=500)
    guard = QuarterGuard(branch)
    entry = LedgerEntry.objects.get(pk=entry.pk)
    if entry.reverses_id is not None:
        raise ServiceError("冲正记录不能再冲正")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ServiceError("该记录已冲正")
    today = _today(actor)
    current = Quarter.of(today)
    problem = reversal_quarter_problem(today=today, closed=guard.closed({current.year}))
    if problem:
        raise refuse(problem)
    (reversal,) = _append(
        guard.head,
        [
            LedgerEntry(
                county_id=entry.county_id,
                branch_id=entry.branch_id,
                member_id=entry.member_id,
                item_id=entry.item_id,
                year=current.year,
                quarter=current.number,
                part=entry.part,
                points=-entry.points,
                claim_id=entry.claim_id,
                reverses_id=entry.pk,
                note=f"冲正第{entry.seq}号：{reason}"[:500],
                recorded_at=actor.now,
                recorded_by_id=actor.user.pk if actor.user else None,
            )
        ],
    )
    audit_record(
        actor=actor,
        action="ledger.entry.reverse",
        object_type="ledger_entry",
        object_id=reversal.pk,
        county_id=entry.county_id,
        summary=f"冲正第{entry.seq}号：{reason[:100]}",
        before=entry_snapshot(entry),
        after=entry_snapshot(reversal),
    )
    return reversal
