"""The higher committee's supervision (督导检查): the township records a finding against a branch —
its evaluation late, unfair or faked, or its results not published in time — with the facts in
words and its evidence (the branch's integrity flags, files uploaded through the ledger's
evidence check), and the deduction from the branch's annual score that follows; or withdraws it.

003 Gaotai: "上級黨委要組織專人定期開展督導檢查,對工作落實不力、弄虛作假、評選過程不公正和結果
不及時公開的情況給予通報,要酌情扣去該黨支部本年度黨建責任書相應分數。"

"酌情" — at the committee's discretion: the article names no figure. A finding takes from 0.5 to
20 points (`POINTS_LOW`, `POINTS_HIGH`, held by a check constraint too): the smallest step of
the target ledger up to a fifth of a 100-point year, so one finding cannot wipe out a year.

The deduction is written through `orgs.annual_score` (the targets app offers it) in the
finding's own transaction: a deduction refused (no target catalogue for the year, the branch
outside the assessor's reach) leaves no finding, and a finding never stands without its
deduction. A withdrawal never deletes: the finding keeps its row, marked withdrawn, and the
target ledger gets a reversal entry."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.rules import points_normal, points_text
from zhengxing.ledger.selectors import evidence_owned
from zhengxing.orgs.annual_score import annual_score_deduct, annual_score_restore
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import scope_for_actor

from . import ratings, timeliness
from .flag_selectors import flags_q
from .models import Flag, SupervisionFinding, SupervisionKind, SupervisionStatus

POINTS_LOW, POINTS_HIGH = Decimal("0.5"), Decimal("20")
FACTS_MAX = 2000
FILES_MAX = 10
FLAGS_MAX = 50
KIND_WORDS = {  # as the audit log and the deduction's reason say them
    SupervisionKind.LATE: "评定不及时",
    SupervisionKind.UNFAIR: "评定不公正",
    SupervisionKind.FAKED: "弄虚作假",
    SupervisionKind.UNPUBLISHED: "结果未及时公开",
}
# What a flag of each detector suggests, when the township records a finding from it
FLAG_SUGGESTS = {
    timeliness.LATE: SupervisionKind.LATE,
    timeliness.UNPUBLISHED: SupervisionKind.UNPUBLISHED,
    ratings.RING: SupervisionKind.UNFAIR,
    ratings.OUTLIER: SupervisionKind.UNFAIR,
    ratings.EXTREME: SupervisionKind.UNFAIR,
    ratings.IDENTICAL: SupervisionKind.UNFAIR,
}


def suggested_kind(flag_kind: str) -> str:
    """The finding a flag points to: late or unpublished from the timing detectors, unfair from
    the ballots', faked from the claims'."""
    return FLAG_SUGGESTS.get(flag_kind, SupervisionKind.FAKED)


def _points(value: Decimal | str | int | float) -> Decimal:
    try:
        points = points_normal(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise ServiceError("扣分须是数字，如 2 或 0.5") from None
    if not POINTS_LOW <= points <= POINTS_HIGH:
        raise ServiceError(
            f"扣分须在{POINTS_LOW.normalize():f}到{POINTS_HIGH.normalize():f}分之间", code="invalid"
        )
    return points


def _in_reach(actor: Actor, branch: Org) -> None:
    scope = scope_for_actor(actor)
    require(Org.objects.filter(flags_q(scope, prefix=""), pk=branch.pk).exists())


def _flags(branch: Org, flag_ids: Iterable[int]) -> list[Flag]:
    ids = set(flag_ids)
    if len(ids) > FLAGS_MAX:
        raise ServiceError(f"最多引用{FLAGS_MAX}条核查线索")
    found = list(Flag.objects.filter(pk__in=ids, org=branch))
    if len(found) != len(ids):
        raise ServiceError("所引用的核查线索不属于该党支部")
    return found


def _files(actor: Actor, refs: Iterable[str]) -> list[str]:
    refs = list(dict.fromkeys(r.strip() for r in refs if r.strip()))
    if len(refs) > FILES_MAX:
        raise ServiceError(f"最多附{FILES_MAX}份证明材料")
    for ref in refs:
        if actor.user is None or evidence_owned(user=actor.user, ref=ref) is None:
            raise ServiceError(f"证明材料“{ref}”不存在，或不是你上传的")
    return refs


@transaction.atomic
def supervision_record(
    *,
    actor: Actor,
    branch: Org,
    kind: str,
    year: int,
    facts: str,
    points: Decimal | str | int | float,
    flag_ids: Iterable[int] = (),
    file_refs: Iterable[str] = (),
) -> SupervisionFinding:
    """The township's (or the county's) finding against a branch in its scope, and the deduction
    from the branch's score of `year` that follows, in one transaction."""
    _in_reach(actor, branch)
    if branch.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError("督查结论只能针对党支部")
    if kind not in SupervisionKind.values:
        raise ServiceError("请选择督查发现的问题：评定不及时、评定不公正、弄虚作假或结果未及时公开")
    if not 2000 <= year <= timezone.localdate(actor.now).year:
        raise ServiceError("年度无效")
    facts = clean_text(facts, label="事实经过", limit=FACTS_MAX)
    amount = _points(points)
    flags = _flags(branch, flag_ids)
    files = _files(actor, file_refs)
    ref = f"DC{year}-{secrets.token_hex(4).upper()}"
    words = KIND_WORDS[SupervisionKind(kind)]
    deduction_ref = annual_score_deduct(
        actor=actor,
        unit=branch,
        year=year,
        points=amount,
        category=kind,
        reason=f"督查结论{ref}（{words}）：{facts}"[:1000],
        reference=f"督查结论{ref}",
    )
    finding = SupervisionFinding.objects.create(
        county_id=branch.county_id,
        org=branch,
        ref=ref,
        kind=kind,
        year=year,
        facts=facts,
        points=amount,
        files=files,
        deduction_ref=deduction_ref,
        recorded_at=actor.now,
        recorded_by=actor.user,
    )
    finding.flags.set(flags)
    audit_record(
        actor=actor,
        action="integrity.supervision.record",
        object_type="integrity_supervision",
        object_id=finding.pk,
        county_id=branch.county_id,
        summary=f"督查结论{ref}：{branch.name}{year}年{words}，扣{points_text(amount)}分",
        after={
            "ref": ref,
            "org_id": branch.pk,
            "kind": kind,
            "year": year,
            "points": points_text(amount),
            "flags": sorted(f.pk for f in flags),
            "files": files,
            "deduction": deduction_ref,
        },
    )
    return finding


@transaction.atomic
def supervision_withdraw(
    *, actor: Actor, finding: SupervisionFinding, reason: str
) -> SupervisionFinding:
    """Withdraw a finding (wrongly recorded, overturned on appeal): the deduction is given back
    by a reversal entry in the branch's target ledger; the finding stays, marked withdrawn.
    Twice: refused (the row is locked while it changes)."""
    branch = Org.objects.get(pk=finding.org_id)
    _in_reach(actor, branch)
    reason = clean_text(reason, label="撤回理由", limit=FACTS_MAX)
    locked = SupervisionFinding.objects.select_for_update().get(pk=finding.pk)
    if locked.status == SupervisionStatus.WITHDRAWN:
        raise ServiceError("该督查结论已经撤回", code="conflict")
    locked.reversal_ref = annual_score_restore(
        actor=actor,
        unit=branch,
        entry_ref=locked.deduction_ref,
        reason=f"撤回督查结论{locked.ref}：{reason}"[:1000],
    )
    locked.status = SupervisionStatus.WITHDRAWN
    locked.withdrawn_at = actor.now
    locked.withdrawn_by = actor.user
    locked.withdraw_reason = reason
    locked.save(
        update_fields=["status", "withdrawn_at", "withdrawn_by", "withdraw_reason", "reversal_ref"]
    )
    audit_record(
        actor=actor,
        action="integrity.supervision.withdraw",
        object_type="integrity_supervision",
        object_id=locked.pk,
        county_id=locked.county_id,
        summary=f"撤回督查结论{locked.ref}（{branch.name}），退还{points_text(locked.points)}分",
        before={"status": SupervisionStatus.RECORDED},
        after={"status": locked.status, "reason": reason, "reversal": locked.reversal_ref},
    )
    return locked
