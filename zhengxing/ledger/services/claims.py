"""Claims waiting for review: a member's self-report (个人申报), the committee's registration
for many members (登记建账) and a report from the public (群众反映). Each is saved once per
idempotency key, so a double tap or two racing requests make one claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction

from zhengxing.audit.services import audit_event, audit_record, audit_record_many
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Claim, RuleItem
from ..rules import ClaimSource, Part, Quarter, Recorder, points_text
from ._checks import _claim_problem, _member_problem
from ._common import _key, _name, _today, claim_snapshot, claims_for_members, refuse
from .guard import QuarterGuard


def _claim_save_once(actor: Actor, claim: Claim, action: str, summary: str) -> Claim:
    """Save a new claim with its audit row, or return the claim already saved under the same
    idempotency key (a double tap, or the other of two racing requests): one claim either way."""
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        return Claim.objects.get(member=claim.member_id, idempotency_key=claim.idempotency_key)
    audit_record(
        actor=actor,
        action=action,
        object_type="claim",
        object_id=claim.pk,
        county_id=claim.county_id,
        summary=summary,
        after=claim_snapshot(claim),
    )
    return claim


@transaction.atomic
def claim_submit(
    *,
    actor: Actor,
    branch: Org,
    member: Member,
    item: RuleItem,
    occurred_on: dt.date,
    place: str,
    description: str,
    points: Decimal | None = None,
    evidence: str = "",
    idempotency_key: str,
) -> Claim:
    """A member's self-report (个人申报): when, where, what happened, the item, and optional
    photo evidence. Submitting the same form twice (same key) returns the first claim."""
    scope = scope_for_actor(actor)
    require(scope.everything or scope.member_id == member.pk)
    key = _key(idempotency_key)
    existing = Claim.objects.filter(member=member, idempotency_key=key).first()
    if existing is not None:
        return existing
    place = clean_text(place, label="活动地点", limit=200)
    description = clean_text(description, label="活动内容", limit=2000)
    evidence = clean_text(evidence, label="证明材料", limit=300, required=False)
    if item.recorder != Recorder.SELF_REPORT:
        raise ServiceError(f"“{item.name}”只能由支委会登记，不能个人申报")
    points = item.default_points if points is None else points
    guard = QuarterGuard(branch)
    problem = _claim_problem(
        branch=branch,
        members=[member],
        item=item,
        occurred_on=occurred_on,
        points=points,
        evidence=evidence,
        today=_today(actor),
        closed=guard.closed({occurred_on.year}),
    )
    if problem:
        raise refuse(problem)
    quarter = Quarter.of(occurred_on)
    claim = Claim(
        county_id=branch.county_id,
        branch=branch,
        member=member,
        item=item,
        year=quarter.year,
        quarter=quarter.number,
        occurred_on=occurred_on,
        place=place,
        description=description,
        points_requested=points,
        evidence=evidence,
        source=ClaimSource.SELF,
        idempotency_key=key,
        submitted_at=actor.now,
        submitted_by=actor.user,
    )
    return _claim_save_once(
        actor, claim, "ledger.claim.submit", f"{member.name}：{item.name} {points_text(points)}分"
    )


@transaction.atomic
def claim_record_many(
    *,
    actor: Actor,
    branch: Org,
    item: RuleItem,
    members: Sequence[Member],
    occurred_on: dt.date,
    place: str,
    description: str,
    points: Decimal | None = None,
    evidence: str = "",
    idempotency_key: str,
) -> list[Claim]:
    """The committee registers one item for many members in one form (登记建账: "twelve members
    cleared snow"). The claims wait for the quarterly review like any other. All or nothing:
    one member who cannot have it refuses the whole form, naming them."""
    require(scope_for_actor(actor).can_manage_org(branch))
    key = _key(idempotency_key)
    place = clean_text(place, label="活动地点", limit=200)
    description = clean_text(description, label="活动内容", limit=2000)
    evidence = clean_text(evidence, label="证明材料", limit=300, required=False)
    if not members:
        raise ServiceError("请选择党员")
    if item.part == Part.DEDUCTION:
        raise ServiceError("扣分请逐人登记并说明理由")
    points = item.default_points if points is None else points
    # Serialise with a second submission of the same form, with reviews and with sign-offs.
    guard = QuarterGuard(branch)
    existing = {
        c.member_id: c
        for c in Claim.objects.filter(member__in=[m.pk for m in members], idempotency_key=key)
    }
    closed = guard.closed({occurred_on.year})
    today = _today(actor)
    to_record = [m for m in dict.fromkeys(members) if m.pk not in existing]
    problem = None
    if to_record:
        problem = _claim_problem(
            branch=branch,
            members=to_record,
            item=item,
            occurred_on=occurred_on,
            points=points,
            evidence=evidence,
            today=today,
            closed=closed,
        )
    if problem:
        raise refuse(problem)
    fresh = claims_for_members(
        actor=actor,
        branch=branch,
        item=item,
        members=to_record,
        occurred_on=occurred_on,
        description=description,
        points=points,
        source=ClaimSource.COMMITTEE,
        idempotency_key=key,
        place=place,
        evidence=evidence,
    )
    audit_record_many(
        audit_event(
            actor=actor,
            action="ledger.claim.record",
            object_type="claim",
            object_id=claim.pk,
            county_id=claim.county_id,
            summary=f"{claim.member.name}：{item.name} {points_text(points)}分",
            after=claim_snapshot(claim),
        )
        for claim in fresh
    )
    by_member = {**existing, **{c.member_id: c for c in fresh}}
    return [by_member[m.pk] for m in dict.fromkeys(members)]


@transaction.atomic
def public_report_submit(
    *,
    actor: Actor,
    branch: Org,
    member: Member,
    occurred_on: dt.date,
    place: str,
    description: str,
    reporter_name: str = "",
    reporter_contact: str,
    idempotency_key: str,
) -> Claim:
    """The public reports a member's conduct (群众反映), leaving a contact so the committee can
    check it. It falls in the quarter it is reported in (the next open one if that quarter has
    just been signed); the committee decides whether it leads to an entry (usually a
    deduction) in its review."""
    key = _key(idempotency_key)
    existing = Claim.objects.filter(member=member, idempotency_key=key).first()
    if existing is not None:
        return existing
    place = clean_text(place, label="地点", limit=200, required=False)
    description = clean_text(description, label="反映的情况", limit=2000)
    reporter_name = _name(reporter_name)
    reporter_contact = clean_text(reporter_contact, label="联系方式（以便核实）", limit=100)
    today = _today(actor)
    problem = _member_problem(member, branch) or (
        "发生日期不能晚于今天" if occurred_on > today else None
    )
    if problem:
        raise refuse(problem)
    # today's quarter, unless it was signed while this request waited: then the next open one
    quarter = QuarterGuard(branch).first_open(Quarter.of(today))
    claim = Claim(
        county_id=branch.county_id,
        branch=branch,
        member=member,
        item=None,
        year=quarter.year,
        quarter=quarter.number,
        occurred_on=occurred_on,
        place=place,
        description=description,
        points_requested=None,
        source=ClaimSource.PUBLIC,
        reporter_name=reporter_name,
        reporter_contact_enc=pii.encrypt(reporter_contact),
        idempotency_key=key,
        submitted_at=actor.now,
        submitted_by=actor.user,
    )
    return _claim_save_once(actor, claim, "ledger.public_report.submit", f"群众反映：{member.name}")
