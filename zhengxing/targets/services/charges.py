"""What the higher committee's supervision charges to a branch's annual score, offered through
`orgs.annual_score` (registered at the app's `ready()`): a deduction citing the finding, and
its reversal when the finding is withdrawn — both entries of the unit's target ledger, chained
and audited like the others, never an edit or a delete.

003 Gaotai: "對工作落實不力、弄虛作假、評選過程不公正和結果不及時公開的情況給予通報,要酌情扣去
該黨支部本年度黨建責任書相應分數。"

Unlike a deduction recorded on the targets' own page, a charged one needs the unit to have a
published target catalogue for the year: without one there is no 党建责任书 to deduct from, and
the deduction would vanish from every score — refused in Chinese, nothing written."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.text import clean_text
from zhengxing.ledger.rules import points_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for_actor

from ..models import TargetEntry
from ..rules import SOURCE_LABELS, EntryKind
from ..selectors import catalogue_for_unit, targets_for_unit
from .ledger import (
    _append_once,
    _assessor_check,
    _entry,
    _lock,
    entry_snapshot,
    target_deduction_record,
)


def target_charge(
    *,
    actor: Actor,
    unit: Org,
    year: int,
    points: Decimal,
    category: str,
    reason: str,
    reference: str,
) -> str:
    """A deduction from the unit's total for `year`, its `category` a `DeductionSource`, the
    finding's `reference` kept in the entry's evidence; the entry's id, as text."""
    _assessor_check(scope_for_actor(actor), unit)
    if not targets_for_unit(unit, catalogue_for_unit(unit, year)):
        raise ServiceError(
            f"{unit.name}{year}年没有已发布的目标清单（党建责任书），无从扣分", code="invalid"
        )
    entry = target_deduction_record(
        actor=actor,
        unit=unit,
        points=points,
        source=category,
        reason=reason,
        year=year,
        evidence=reference,
    )
    return str(entry.pk)


@transaction.atomic
def target_deduction_reverse(*, actor: Actor, unit: Org, entry_ref: str, reason: str) -> str:
    """Give back what one deduction of the unit took: a reversal entry (positive, the same
    source, `submission` naming the deduction). Reversing one twice: refused, and held by the
    `target_entry_one_reversal` constraint when two requests race."""
    _assessor_check(scope_for_actor(actor), unit)
    reason = clean_text(reason, label="撤销理由", limit=1000)
    deduction = TargetEntry.objects.filter(
        pk=int(entry_ref) if entry_ref.isdigit() else 0, unit=unit, kind=EntryKind.DEDUCTION
    ).first()
    if deduction is None or deduction.points is None:
        raise ServiceError("找不到要撤销的扣分", code="conflict")
    head = _lock(unit, deduction.year)
    if TargetEntry.objects.filter(submission=deduction, kind=EntryKind.REVERSAL).exists():
        raise ServiceError("这笔扣分已经撤销过了", code="conflict")
    entry = _entry(
        actor,
        unit,
        deduction.year,
        target_id=deduction.target_id,
        code=deduction.code,
        kind=EntryKind.REVERSAL,
        points=-deduction.points,
        text=reason,
        evidence=deduction.evidence,
        source=deduction.source,
        submission_id=deduction.pk,
        assessor_id=actor.user.pk if actor.user else None,
    )
    _append_once(head, entry, refused="这笔扣分已经撤销过了")
    audit_record(
        actor=actor,
        action="targets.deduction.reverse",
        object_type="target_entry",
        object_id=entry.pk,
        county_id=unit.county_id,
        summary=(
            f"{unit.name} 撤销扣分{points_text(-deduction.points)}分"
            f"（{SOURCE_LABELS.get(deduction.source, deduction.source)}）：{reason}"
        ),
        after=entry_snapshot(entry),
    )
    return str(entry.pk)
