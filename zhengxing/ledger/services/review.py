"""The committee's quarterly review of claims: one at a time (approve, adjust or reject),
many at once, and setting public reports aside as spam. Each locks the branch's chain, then
the claims, so a second reviewer waits and then sees the decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Claim, RuleItem
from ..rules import (
    STATUS_LABELS,
    ClaimSource,
    ClaimStatus,
    Quarter,
    points_range_problem,
    quarter_closed,
)
from ._checks import _decided_problem, _item_problem
from ._common import claim_snapshot, refuse
from .guard import QuarterGuard, _approve, _lock_head

APPROVE, ADJUST, REJECT = "approve", "adjust", "reject"


DECISIONS = {
    APPROVE: ClaimStatus.APPROVED,
    ADJUST: ClaimStatus.ADJUSTED,
    REJECT: ClaimStatus.REJECTED,
}


def _lock_branch_claim(actor: Actor, claim: Claim) -> tuple[Org, QuarterGuard, Claim]:
    """Check the actor manages the claim's branch, then lock (in this order) the branch's chain
    head and the claim, re-read: a second reviewer waits here and then sees the decision."""
    branch = Org.objects.get(pk=claim.branch_id)
    require(scope_for_actor(actor).can_manage_org(branch))
    guard = QuarterGuard(branch)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    return branch, guard, locked


@transaction.atomic
def claim_review(
    *,
    actor: Actor,
    claim: Claim,
    decision: str,
    points: Decimal | None = None,
    reason: str = "",
    item: RuleItem | None = None,
) -> Claim:
    """The committee's decision on one claim: approve, adjust the points within the item's
    range, or reject with a reason. A public report needs the item it falls under."""
    if decision not in DECISIONS:
        raise ServiceError(f"未知的审核结论“{decision}”")
    branch, guard, claim = _lock_branch_claim(actor, claim)
    scope = scope_for_actor(actor)
    reason = clean_text(reason, label="驳回理由", limit=500, required=decision == REJECT)
    problem = _decided_problem(claim) or (
        "不能审核本人的申报"
        if scope.member_id is not None and scope.member_id == claim.member_id
        else None
    )
    if problem:
        raise refuse(problem)
    before = claim_snapshot(claim)
    quarter = Quarter(claim.year, claim.quarter)
    guard.require_open(quarter, refusal="不能再审核；如需更正，请在当前季度记冲正")
    if decision == REJECT:
        claim.status, claim.review_reason = ClaimStatus.REJECTED, reason
        claim.reviewed_at, claim.reviewed_by = actor.now, actor.user
        claim.save(update_fields=["status", "review_reason", "reviewed_at", "reviewed_by"])
    else:
        if claim.item_id is None:
            if item is None:
                raise ServiceError("请选择群众反映对应的积分项目")
            problem = _item_problem(item, branch, quarter.year)
            if problem:
                raise refuse(problem)
            claim.item = item
            claim.points_requested = item.default_points if points is None else points
            claim.save(update_fields=["item", "points_requested"])
        assert claim.item_id is not None and claim.points_requested is not None
        the_item = RuleItem.objects.get(pk=claim.item_id)
        if decision == ADJUST:
            if points is None:
                raise ServiceError("请填写调整后的分值")
            granted = points
        else:
            granted = claim.points_requested
        problem = points_range_problem(granted, low=the_item.min_points, high=the_item.max_points)
        if problem:
            raise refuse(problem)
        _approve(
            actor=actor,
            head=guard.head,
            decided=[(claim, the_item, granted, DECISIONS[decision])],
            note=reason,
        )
    audit_record(
        actor=actor,
        action=f"ledger.claim.{decision}",
        object_type="claim",
        object_id=claim.pk,
        county_id=claim.county_id,
        summary=f"{STATUS_LABELS[claim.status]}：{claim.description[:100]}",
        before=before,
        after=claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_review_many(
    *, actor: Actor, branch: Org, claims: Sequence[Claim], decision: str, reason: str = ""
) -> list[Claim]:
    """The quarterly review of many claims at once (approve as requested, or reject with one
    reason): set-based, with caps applied in the order the claims occurred."""
    if decision not in (APPROVE, REJECT):
        raise ServiceError("批量审核只能批准或驳回")
    scope = scope_for_actor(actor)
    require(scope.can_manage_org(branch))
    reason = clean_text(reason, label="驳回理由", limit=500, required=decision == REJECT)
    ids = {c.pk for c in claims}
    if not ids:
        raise ServiceError("请选择要审核的申报")
    guard = QuarterGuard(branch)
    locked = _lock_claims(ids, branch=branch, status=ClaimStatus.PENDING)
    if len(locked) != len(ids):
        raise ServiceError("部分申报已被审核或不属于本支部，请刷新后重试", code="conflict")
    if scope.member_id is not None and any(c.member_id == scope.member_id for c in locked):
        raise ServiceError("不能审核本人的申报")
    if any(c.item_id is None for c in locked):
        raise ServiceError("群众反映须逐条审核")
    for quarter in sorted({Quarter(c.year, c.quarter) for c in locked}):
        guard.require_open(quarter, refusal="不能再审核")
    if decision == REJECT:
        befores = {c.pk: claim_snapshot(c) for c in locked}
        Claim.objects.filter(pk__in=ids).update(
            status=ClaimStatus.REJECTED,
            review_reason=reason,
            reviewed_at=actor.now,
            reviewed_by=actor.user,
        )
        for c in locked:
            c.status, c.review_reason = ClaimStatus.REJECTED, reason
            c.reviewed_at, c.reviewed_by = actor.now, actor.user
        _audit_decided(actor, locked, befores, decision)
    else:
        _approve_as_requested(actor, guard, locked)
    return locked


def _lock_claims(ids: set[int], **where: object) -> list[Claim]:
    """Lock the claims (after the branch's chain head), in the order they occurred."""
    return list(
        Claim.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, **where)
        .select_related("item", "member")
        .order_by("occurred_on", "pk")
    )


def _approve_as_requested(actor: Actor, guard: QuarterGuard, locked: list[Claim]) -> None:
    """Approve locked, pending, itemised claims at the points requested (capped in the order
    they occurred), each with its audit row."""
    befores = {c.pk: claim_snapshot(c) for c in locked}
    decided = []
    for c in locked:
        assert c.item is not None and c.points_requested is not None
        decided.append((c, c.item, c.points_requested, ClaimStatus.APPROVED))
    _approve(actor=actor, head=guard.head, decided=decided)
    _audit_decided(actor, locked, befores, APPROVE)


def _audit_decided(
    actor: Actor, claims: list[Claim], befores: dict[int, dict[str, object]], decision: str
) -> None:
    audit_record_many(
        audit_event(
            actor=actor,
            action=f"ledger.claim.{decision}",
            object_type="claim",
            object_id=c.pk,
            county_id=c.county_id,
            summary=f"{c.member.name}：{STATUS_LABELS[c.status]}",
            before=befores[c.pk],
            after=claim_snapshot(c),
        )
        for c in claims
    )


OWN_CLAIM = "本人申报须由其他委员审核"
PUBLIC_ONE_BY_ONE = "群众反映须逐条审核"


@dataclass(frozen=True)
class Skipped:
    """A claim "approve all" left pending, and why, in words a committee member can act on."""

    claim_id: int
    member: str
    item: str
    reason: str


@dataclass
class Approval:
    """What "approve all" did: the claims approved, and those it left, each with its reason."""

    approved: list[Claim] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@transaction.atomic
def claim_approve_all(*, actor: Actor, branch: Org, claims: Sequence[Claim]) -> Approval:
    """ "Approve all shown" in the quarterly review — "支委会每季度对积分情况进行一次审核" (004):
    every listed claim that the actor may approve as requested is approved (capped, audited
    one by one, as `claim_review_many` does); the others are left pending and listed with the
    reason, instead of refusing the whole list for one of them: a reviewer's own claim
    ("本人申报须由其他委员审核"), a report from the public (decided one by one, under an item),
    a claim decided meanwhile, one whose quarter is signed, one of another branch."""
    scope = scope_for_actor(actor)
    require(scope.can_manage_org(branch))
    ids = {c.pk for c in claims}
    if not ids:
        raise ServiceError("请选择要审核的申报")
    guard = QuarterGuard(branch)
    locked = _lock_claims(ids)  # of any branch or status: each one left is listed with why
    closed = guard.closed({c.year for c in locked})
    result = Approval()
    approvable = []
    for c in locked:
        quarter = Quarter(c.year, c.quarter)
        reason = (
            ("不属于本支部" if c.branch_id != branch.pk else None)
            or _decided_problem(c)
            or (
                OWN_CLAIM
                if scope.member_id is not None and c.member_id == scope.member_id
                else None
            )
            or (PUBLIC_ONE_BY_ONE if c.item_id is None else None)
            or (quarter_closed(quarter, "，不能再审核") if quarter in closed else None)
        )
        if reason is None:
            approvable.append(c)
        else:
            item = c.item.name if c.item else "群众反映"
            result.skipped.append(Skipped(c.pk, c.member.name, item, str(reason)))
    if approvable:
        _approve_as_requested(actor, guard, approvable)
    result.approved = approvable
    return result


@transaction.atomic
def public_reports_mark_spam(
    *, actor: Actor, branch: Org, claims: Sequence[Claim], reason: str = ""
) -> list[Claim]:
    """The committee sets pending public reports aside as spam, in bulk (a flood of made-up
    reports): each is audited, none is reviewed or leads to an entry, and none holds up the
    quarter's sign-off any longer. Only reports from the public, only while pending."""
    require(scope_for_actor(actor).can_manage_org(branch))
    reason = clean_text(reason, label="说明", limit=500, required=False) or "标记为垃圾信息"
    ids = {c.pk for c in claims}
    if not ids:
        raise ServiceError("请选择要标记为垃圾信息的群众反映")
    _lock_head(branch)  # the order every writer takes: the chain's head, then the claims
    locked = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, branch=branch, source=ClaimSource.PUBLIC, status=ClaimStatus.PENDING)
        .select_related("member")
        .order_by("submitted_at", "pk")
    )
    if len(locked) != len(ids):
        raise ServiceError("部分群众反映已处理或不属于本支部，请刷新后重试")
    befores = {c.pk: claim_snapshot(c) for c in locked}
    Claim.objects.filter(pk__in=ids).update(
        status=ClaimStatus.SPAM, review_reason=reason, reviewed_at=actor.now, reviewed_by=actor.user
    )
    for c in locked:
        c.status, c.review_reason = ClaimStatus.SPAM, reason
        c.reviewed_at, c.reviewed_by = actor.now, actor.user
    audit_record_many(
        audit_event(
            actor=actor,
            action="ledger.public_report.spam",
            object_type="claim",
            object_id=c.pk,
            county_id=c.county_id,
            summary=f"群众反映标记为垃圾信息：{c.member.name}",
            before=befores[c.pk],
            after=claim_snapshot(c),
        )
        for c in locked
    )
    return locked
