"""Points that follow from organisation life itself, with no claim to review: the articles give
points for taking part — "党员参加支部组织的'三会一课'…按规定积分" (000: Bayannur, 规范"三会一课") —
so when a secretary closes a meeting's minutes, or an organiser records who came to a service,
each member's points are entered at once through the catalogue's item, as approved claims whose
origin (`ledger.origins`) the points pages link to. Absence without leave can carry the
catalogue's deduction the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from zhengxing.audit.services import audit_event, audit_record_many
from zhengxing.core.actor import Actor
from zhengxing.core.errors import require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import scope_for_actor

from .. import origins
from ..models import Claim, LedgerEntry, RuleItem
from ..rules import (
    ClaimSource,
    ClaimStatus,
    Quarter,
    claim_date_problem,
    points_range_problem,
    points_text,
)
from ._checks import _item_problem, _member_problem
from ._common import _key, _today, claim_snapshot, claims_for_members, refuse
from .guard import QuarterGuard, _approve


@transaction.atomic
def points_from_activity(
    *,
    actor: Actor,
    branch: Org,
    item: RuleItem,
    members: Sequence[Member],
    occurred_on: dt.date,
    description: str,
    origin_kind: str,
    origin_id: int,
    points: Decimal | None = None,
) -> list[LedgerEntry]:
    """Enter `item` for each member, approved at once, linked to its origin (a registered kind
    and the row's id). Only the branch's committee may: the caller (a meeting's minutes closed, a
    service recorded) has already checked what earned it. Run twice for the same origin and item
    it writes nothing more: one claim per member, origin and item (the idempotency key). Caps
    apply as in review: points beyond an item's cap are entered as 0 with the reason. All or
    nothing: a member who cannot have it refuses the whole, naming them."""
    require(scope_for_actor(actor).can_manage_org(branch))
    if not origins.is_registered(origin_kind):
        raise ValueError(f"unregistered origin kind {origin_kind!r}")
    description = clean_text(description, label="活动内容", limit=2000)
    points = item.default_points if points is None else points
    key = _key(f"{origin_kind}:{origin_id}:{item.code}")
    guard = QuarterGuard(branch)
    existing = set(
        Claim.objects.filter(member__in=[m.pk for m in members], idempotency_key=key).values_list(
            "member_id", flat=True
        )
    )
    to_enter = [m for m in dict.fromkeys(members) if m.pk not in existing]
    if not to_enter:
        return []
    quarter = Quarter.of(occurred_on)
    problem = (
        next(filter(None, (_member_problem(m, branch) for m in to_enter)), None)
        or claim_date_problem(
            occurred_on,
            today=_today(actor),
            closed=guard.closed({quarter.year}),
            catalogue_year=item.catalogue.year,
        )
        or _item_problem(item, branch, quarter.year)
        or points_range_problem(points, low=item.min_points, high=item.max_points)
    )
    if problem:
        raise refuse(problem)
    fresh = claims_for_members(
        actor=actor,
        branch=branch,
        item=item,
        members=to_enter,
        occurred_on=occurred_on,
        description=description,
        points=points,
        source=ClaimSource.LIFE,
        idempotency_key=key,
        origin_kind=origin_kind,
        origin_id=origin_id,
    )
    entries = _approve(
        actor=actor,
        head=guard.head,
        decided=[(claim, item, points, ClaimStatus.APPROVED) for claim in fresh],
    )
    audit_record_many(
        audit_event(
            actor=actor,
            action="ledger.claim.from_activity",
            object_type="claim",
            object_id=claim.pk,
            county_id=claim.county_id,
            summary=f"{claim.member.name}：{item.name} {points_text(points)}分"
            f"（{description[:60]}）",
            after=claim_snapshot(claim),
        )
        for claim in fresh
    )
    return entries
