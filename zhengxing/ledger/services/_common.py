"""What every ledger writer shares: cleaning the text people type (Chinese refusals), the
actor's date, idempotency keys, and what the audit log keeps of a claim and of an entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import name_problem

from ..models import Claim, LedgerEntry, RuleItem
from ..rules import Quarter, QuarterClosed, points_text


def refuse(problem: str) -> ServiceError:
    """A rule's refusal, with its stable code: "quarter_closed" when it is that the quarter is
    signed (`rules.QuarterClosed`), else "invalid"."""
    closed = isinstance(problem, QuarterClosed)
    return ServiceError(problem, code="quarter_closed" if closed else "invalid")


def _today(actor: Actor) -> dt.date:
    """The actor's moment, as a date where the county is: tests pass `now` in."""
    return timezone.localdate(actor.now)


def _name(value: str) -> str:
    """A name the public leaves (optional): no invisible characters (`rules.name_problem`)."""
    value = clean_text(value, label="姓名", limit=50, required=False)
    if (problem := name_problem(value)) is not None:
        raise refuse(problem)
    return value


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise ServiceError("提交标识无效，请刷新页面后重新提交")
    return key


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """What the audit log keeps of a claim: never the public reporter's contact."""
    origin = {"origin": f"{claim.origin_kind}:{claim.origin_id}"} if claim.origin_kind else {}
    return {
        **origin,
        "branch_id": claim.branch_id,
        "member_id": claim.member_id,
        "item_id": claim.item_id,
        "quarter": f"{claim.year}Q{claim.quarter}",
        "occurred_on": claim.occurred_on.isoformat(),
        "place": claim.place,
        "description": claim.description,
        "points_requested": _maybe_points(claim.points_requested),
        "points_awarded": _maybe_points(claim.points_awarded),
        "evidence": claim.evidence,
        "source": claim.source,
        "status": claim.status,
        "review_reason": claim.review_reason,
    }


def _maybe_points(value: Decimal | None) -> str | None:
    return None if value is None else points_text(value)


def entry_snapshot(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "branch_id": entry.branch_id,
        "seq": entry.seq,
        "member_id": entry.member_id,
        "item_id": entry.item_id,
        "quarter": f"{entry.year}Q{entry.quarter}",
        "part": entry.part,
        "points": points_text(entry.points),
        "claim_id": entry.claim_id,
        "reverses_id": entry.reverses_id,
        "hash": entry.hash,
    }


def claims_for_members(
    *,
    actor: Actor,
    branch: Org,
    item: RuleItem,
    members: Sequence[Member],
    occurred_on: dt.date,
    description: str,
    points: Decimal,
    source: str,
    idempotency_key: str,
    **more: Any,
) -> list[Claim]:
    """One item for many members, one claim each, saved in one statement: the committee's form
    for many (登记建账) and points that follow from organisation life."""
    quarter = Quarter.of(occurred_on)
    fresh = [
        Claim(
            county_id=branch.county_id,
            branch=branch,
            member=member,
            item=item,
            year=quarter.year,
            quarter=quarter.number,
            occurred_on=occurred_on,
            description=description,
            points_requested=points,
            source=source,
            idempotency_key=idempotency_key,
            submitted_at=actor.now,
            submitted_by=actor.user,
            **more,
        )
        for member in members
    ]
    Claim.objects.bulk_create(fresh)
    return fresh
