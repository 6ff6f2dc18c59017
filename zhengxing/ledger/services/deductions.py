"""Deductions (违规扣分) the committee records, from its own finding or deciding a public report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Claim, LedgerEntry, RuleItem
from ..rules import (
    ClaimSource,
    ClaimStatus,
    Part,
    Quarter,
    points_range_problem,
    points_text,
    quarter_closed,
)
from ._checks import _claim_problem, _decided_problem, _item_problem, _member_problem
from ._common import _key, _today, claim_snapshot, entry_snapshot, refuse
from .guard import QuarterGuard, _approve


@transaction.atomic
def deduction_record(
    *,
    actor: Actor,
    branch: Org,
    member: Member,
    item: RuleItem,
    reason: str,
    occurred_on: dt.date | None = None,
    points: Decimal | None = None,
    place: str = "",
    report: Claim | None = None,
    idempotency_key: str,
) -> LedgerEntry:
    """The committee deducts points (违规扣分) with its reason; the source is the committee's own
    finding, or a public report (`report`) which this decides."""
    require(scope_for_actor(actor).can_manage_org(branch))
    key = _key(idempotency_key)
    reason = clean_text(reason, label="扣分理由", limit=500)
    place = clean_text(place, label="地点", limit=200, required=False)
    if item.part != Part.DEDUCTION:
        raise ServiceError(f"“{item.name}”不是扣分项目")
    points = item.default_points if points is None else points
    guard = QuarterGuard(branch)
    if report is not None:
        report = Claim.objects.select_for_update().get(pk=report.pk)
        if report.source != ClaimSource.PUBLIC or report.member_id != member.pk:
            raise ServiceError("所选群众反映与该党员不符")
        problem = _decided_problem(report)
        if problem:
            raise refuse(problem)
    else:
        existing = Claim.objects.filter(member=member, idempotency_key=key).first()
        if existing is not None:
            return LedgerEntry.objects.get(claim=existing, reverses__isnull=True)
    if report is not None:
        # a public report falls in the quarter it was made in, whenever the conduct happened
        quarter = Quarter(report.year, report.quarter)
        closed = guard.closed({quarter.year})
        problem = (
            _member_problem(member, branch)
            or (quarter_closed(quarter, "，请在当前季度记录") if quarter in closed else None)
            or _item_problem(item, branch, quarter.year)
            or points_range_problem(points, low=item.min_points, high=item.max_points)
        )
    else:
        if occurred_on is None:
            raise ServiceError("请填写发生日期")
        problem = _claim_problem(
            branch=branch,
            members=[member],
            item=item,
            occurred_on=occurred_on,
            points=points,
            evidence="",
            today=_today(actor),
            closed=guard.closed({occurred_on.year}),
        )
    if problem:
        raise refuse(problem)
    if report is None:
        assert occurred_on is not None
        quarter = Quarter.of(occurred_on)
        claim = Claim(
            county_id=branch.county_id,
            branch=branch,
            member=member,
            year=quarter.year,
            quarter=quarter.number,
            occurred_on=occurred_on,
            place=place,
            description=reason,
            source=ClaimSource.COMMITTEE,
            idempotency_key=key,
            submitted_at=actor.now,
            submitted_by=actor.user,
        )
        before = None
    else:
        claim, before = report, claim_snapshot(report)
    claim.item, claim.points_requested = item, points
    claim.save()
    (entry,) = _approve(
        actor=actor,
        head=guard.head,
        decided=[(claim, item, points, ClaimStatus.APPROVED)],
        note=reason,
    )
    audit_record(
        actor=actor,
        action="ledger.deduction.record",
        object_type="claim",
        object_id=claim.pk,
        county_id=claim.county_id,
        summary=f"{member.name}：{item.name} {points_text(entry.points)}分（{reason[:100]}）",
        before=before,
        after={**claim_snapshot(claim), "entry": entry_snapshot(entry)},
    )
    return entry
