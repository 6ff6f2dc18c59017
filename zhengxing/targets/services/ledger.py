"""The unit's target ledger (目标工作台账, 004 Sanmenxia: "建立目标工作台账，采取日常考评和现场考评
相结合的方式，对目标完成情况进行评审"): the unit's Party staff report progress on a target with its
evidence; the assessing body — the unit's superior, a county or township role above it — scores
each submission (日常考评) and visits with a checklist scored by named assessors (现场考评); a
deduction (003 Gaotai: "扣去该党支部本年度党建责任书相应分数", for an evaluation late, unfair or
faked) is an entry of the same ledger with its source and reason. The on-site visits, whose
scores enter this ledger when the visit is closed, are in `visits.py`.

Every write checks the actor, refuses bad input in Chinese before writing, locks the unit's chain
head (`ledger.chained`), refuses an entry of a year closed (年终评定, `closing.py`), appends its
hashed entries and writes its audit row in one transaction.
A second daily assessment of a submission: refused, and held by a partial unique constraint
when two requests race."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.chained import chain_append, chain_lock
from zhengxing.ledger.rules import points_normal, points_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import Scope, scope_for_actor

from ..models import Target, TargetChainHead, TargetEntry
from ..rules import (
    DEDUCTION_HIGH,
    SOURCE_LABELS,
    TARGET_CONTENT_FIELDS,
    DeductionSource,
    EntryKind,
    Measure,
    applies_to,
    plain,
)
from ..selectors import catalogue_for_unit, may_assess
from .closing import year_closed_check

ZERO = Decimal(0)


def _points(value: Decimal | str | int | float, *, label: str = "分数") -> Decimal:
    try:
        return points_normal(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise ServiceError(f"{label}须是数字，如 5 或 2.5") from None


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ServiceError("提交标识无效，请刷新页面后重新提交")
    return key


def _year(actor: Actor) -> int:
    return timezone.localdate(actor.now).year


def _assessor_check(scope: Scope, unit: Org) -> None:
    problem = may_assess(scope, unit)
    if problem is not None:
        belongs = problem.startswith("考评人不能")
        raise ServiceError(problem, code="invalid" if belongs else "out_of_scope")


def _target_of_unit(unit: Org, code: str, year: int) -> Target:
    """The target of this code in the catalogue that applies to the unit this year."""
    catalogue = catalogue_for_unit(unit, year)
    if catalogue is None:
        raise ServiceError(f"{unit.name}{year}年没有已发布的目标清单")
    target = catalogue.targets.filter(code=code).first()
    if target is None or not applies_to(
        kinds=target.kinds, categories=target.categories, kind=unit.kind, category=unit.category
    ):
        raise ServiceError(f"{unit.name}{year}年的目标清单中没有目标“{code}”")
    return target


def entry_snapshot(entry: TargetEntry) -> dict[str, Any]:
    return {
        "unit_id": entry.unit_id,
        "seq": entry.seq,
        "kind": entry.kind,
        "code": entry.code,
        "year": entry.year,
        "points": None if entry.points is None else points_text(entry.points),
        "value": None if entry.value is None else points_text(entry.value),
        "submission_id": entry.submission_id,
        "visit_id": entry.visit_id,
        "assessor_id": entry.assessor_id,
        "source": entry.source,
        "evidence": entry.evidence,
        "hash": entry.hash,
    }


def _entry(actor: Actor, unit: Org, year: int, **fields: Any) -> TargetEntry:
    base: dict[str, Any] = {
        "county_id": unit.county_id,
        "unit_id": unit.pk,
        "target_id": None,
        "code": "",
        "year": year,
        "points": None,
        "value": None,
        "text": "",
        "evidence": "",
        "submission_id": None,
        "visit_id": None,
        "assessor_id": None,
        "source": "",
        "recorded_at": actor.now,
        "recorded_by_id": actor.user.pk if actor.user else None,
        "idempotency_key": "",
    }
    base.update(fields)
    return TargetEntry(**base)


def _lock(unit: Org, year: int) -> TargetChainHead:
    """Lock the unit's chain head; then refuse an entry of a year closed (`closing.py`)."""
    head = chain_lock(TargetChainHead, county_id=unit.county_id, unit_id=unit.pk)
    year_closed_check(unit, year)
    return head


def _append(unit: Org, entries: Sequence[TargetEntry]) -> None:
    chain_append(_lock(unit, entries[0].year), entries, fields=TARGET_CONTENT_FIELDS)


def _append_once(head: TargetChainHead, entry: TargetEntry, *, refused: str) -> None:
    """Append an entry that a partial unique constraint allows once (a submission's daily
    assessment, a deduction's reversal): a second that raced past the service's check is
    refused with `refused`, nothing written."""
    try:
        with transaction.atomic():
            chain_append(head, [entry], fields=TARGET_CONTENT_FIELDS)
    except IntegrityError:
        raise ServiceError(refused, code="conflict") from None


def _value(target: Target, value: Decimal | str | int | float | None) -> Decimal | None:
    if value is None or value == "":
        if target.measure in (Measure.COUNT, Measure.SHARE):
            how = "数量" if target.measure == Measure.COUNT else "比例"
            raise ServiceError(f"“{target.name}”按{how}计分，请填写完成数")
        return None
    number = _points(value, label="完成数")
    if number < 0:
        raise ServiceError("完成数不能为负数")
    if target.measure == Measure.SHARE and number > 100:
        raise ServiceError("比例须在0到100之间（百分数）")
    return number


@transaction.atomic
def target_progress_submit(
    *,
    actor: Actor,
    unit: Org,
    code: str,
    text: str,
    idempotency_key: str,
    value: Decimal | str | int | float | None = None,
    evidence: str = "",
) -> TargetEntry:
    """The unit's Party staff record progress on a target (its text, a value for a count or a
    share, an evidence file). Evidence missing where the target requires it: refused, nothing
    written. A double tap records it once."""
    require(scope_for_actor(actor).can_manage_org(unit))
    year = _year(actor)
    target = _target_of_unit(unit, code, year)
    if target.measure == Measure.FIGURE:
        raise ServiceError(f"“{target.name}”取自年度指标，无需报送进展")
    text = clean_text(text, label="工作进展", limit=2000)
    number = _value(target, value)
    evidence = (evidence or "").strip()
    if target.evidence_required and not evidence:
        raise ServiceError(f"“{target.name}”须附证明材料（照片或文件）")
    key = _key(idempotency_key)
    existing = TargetEntry.objects.filter(unit=unit, idempotency_key=key).first()
    if existing is not None:
        return existing
    entry = _entry(
        actor,
        unit,
        year,
        target_id=target.pk,
        code=target.code,
        kind=EntryKind.PROGRESS,
        value=number,
        text=text,
        evidence=evidence[:300],
        idempotency_key=key,
    )
    _append(unit, [entry])
    audit_record(
        actor=actor,
        action="targets.progress.submit",
        object_type="target_entry",
        object_id=entry.pk,
        county_id=unit.county_id,
        summary=f"{unit.name} 报送目标进展：{target.code} {target.name}",
        after=entry_snapshot(entry),
    )
    return entry


def _score(value: Decimal | str | int | float, target: Target) -> Decimal:
    points = _points(value)
    if not ZERO <= points <= target.points:
        raise ServiceError(f"“{target.name}”的得分须在0到{plain(target.points)}分之间")
    return points


@transaction.atomic
def target_submission_assess(
    *, actor: Actor, submission: TargetEntry, points: Decimal | str | int | float, note: str = ""
) -> TargetEntry:
    """Daily assessment (日常考评): the assessing body scores one progress submission, within
    the target's points. An assessor belonging to the unit, or not above it: refused."""
    unit = Org.objects.get(pk=submission.unit_id)
    _assessor_check(scope_for_actor(actor), unit)
    if submission.kind != EntryKind.PROGRESS or submission.target_id is None:
        raise ServiceError("只能对报送的目标进展进行日常考评")
    target = Target.objects.get(pk=submission.target_id)
    score = _score(points, target)
    note = clean_text(note, label="考评意见", limit=1000, required=False)
    head = _lock(unit, submission.year)  # two assessors of one submission: one at a time
    if TargetEntry.objects.filter(submission=submission, kind=EntryKind.DAILY).exists():
        raise ServiceError("这条进展已经考评过了", code="conflict")
    entry = _entry(
        actor,
        unit,
        submission.year,
        target_id=target.pk,
        code=target.code,
        kind=EntryKind.DAILY,
        points=score,
        text=note,
        submission_id=submission.pk,
        assessor_id=actor.user.pk if actor.user else None,
    )
    _append_once(head, entry, refused="这条进展已经考评过了")
    audit_record(
        actor=actor,
        action="targets.daily.assess",
        object_type="target_entry",
        object_id=entry.pk,
        county_id=unit.county_id,
        summary=f"{unit.name} 日常考评：{target.code} {target.name} {points_text(score)}分",
        after=entry_snapshot(entry),
    )
    return entry


@transaction.atomic
def target_deduction_record(
    *,
    actor: Actor,
    unit: Org,
    points: Decimal | str | int | float,
    source: str,
    reason: str,
    year: int | None = None,
    code: str = "",
    evidence: str = "",
) -> TargetEntry:
    """A deduction from the unit's year (003 Gaotai: the higher committee "扣去该党支部本年度
    党建责任书相应分数" when its evaluation was late, unfair or faked), by the assessing body,
    with its source and reason; against one target when `code` names it, else the unit's total.
    `evidence`: what it rests on (a supervision finding's reference, `charges.target_charge`)."""
    _assessor_check(scope_for_actor(actor), unit)
    magnitude = _points(points, label="扣分")
    if not ZERO < magnitude <= DEDUCTION_HIGH:
        raise ServiceError(f"扣分须在0.1到{points_text(DEDUCTION_HIGH)}分之间")
    if source not in DeductionSource.values:
        raise ServiceError("请选择扣分原因类别")
    reason = clean_text(reason, label="扣分理由", limit=1000)
    year = year or _year(actor)
    target = _target_of_unit(unit, code, year) if code else None
    entry = _entry(
        actor,
        unit,
        year,
        target_id=target.pk if target else None,
        code=target.code if target else "",
        kind=EntryKind.DEDUCTION,
        points=-magnitude,
        text=reason,
        evidence=evidence.strip()[:300],
        source=source,
        assessor_id=actor.user.pk if actor.user else None,
    )
    _append(unit, [entry])
    audit_record(
        actor=actor,
        action="targets.deduction.record",
        object_type="target_entry",
        object_id=entry.pk,
        county_id=unit.county_id,
        summary=f"{unit.name} 扣{points_text(magnitude)}分（{SOURCE_LABELS[source]}）：{reason}",
        after=entry_snapshot(entry),
    )
    return entry
