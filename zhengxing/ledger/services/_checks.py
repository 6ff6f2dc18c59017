"""Why a claim cannot be made or decided, in the order a person would fix it: shared by claims,
review and deductions so a rule is checked the same way wherever it applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus

from ..models import Claim, RuleCatalogue, RuleItem
from ..rules import (
    STATUS_LABELS,
    ZERO,
    ClaimStatus,
    Quarter,
    cap_reached_problem,
    claim_date_problem,
    evidence_missing,
    points_range_problem,
)
from ..selectors import catalogue_applying
from .guard import _counted


def _room_problem(members: Sequence[Member], item: RuleItem, quarter: Quarter) -> str | None:
    """The first member for whom this item's cap is already full (one query for all)."""
    counted = _counted({m.pk for m in members}, {item.code}, {quarter.year})
    for member in members:
        in_year = sum(
            (v for (m, _, q), v in counted.items() if m == member.pk and q.year == quarter.year),
            start=ZERO,
        )
        problem = cap_reached_problem(
            name=item.name,
            counted_quarter=counted.get((member.pk, item.code, quarter), ZERO),
            counted_year=in_year,
            cap_quarter=item.cap_quarter,
            cap_year=item.cap_year,
        )
        if problem:
            return problem if len(members) == 1 else f"{member.name}：{problem}"
    return None


def _member_problem(member: Member, branch: Org) -> str | None:
    if branch.kind not in MEMBER_HOLDING_KINDS:
        return f"“{branch.name}”不是党支部"
    if member.branch_id != branch.pk:
        return f"“{member.name}”不是“{branch.name}”的党员"
    if member.status in (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED):
        return f"“{member.name}”已不在本支部党员名册中"
    return None


def _item_problem(item: RuleItem, branch: Org, year: int) -> str | None:
    catalogue = RuleCatalogue.objects.get(pk=item.catalogue_id)
    if not catalogue.is_current:
        return f"“{item.name}”所在的积分规则已有新版本，请按新版本申报"
    applying = catalogue_applying(branch=branch, year=year)
    if applying is None or applying.pk != catalogue.pk:
        return f"“{item.name}”不属于本支部{year}年适用的积分规则"
    return None


def _claim_problem(
    *,
    branch: Org,
    members: Sequence[Member],
    item: RuleItem,
    occurred_on: dt.date,
    points: Decimal,
    evidence: str,
    today: dt.date,
    closed: set[Quarter],
) -> str | None:
    """Why this claim (for one member, or the same for many) cannot be made, checked in the
    order a person would fix them. A fixed number of queries for any number of members."""
    catalogue_year = RuleCatalogue.objects.values_list("year", flat=True).get(pk=item.catalogue_id)
    return (
        next(filter(None, (_member_problem(m, branch) for m in members)), None)
        or claim_date_problem(
            occurred_on, today=today, closed=closed, catalogue_year=catalogue_year
        )
        or _item_problem(item, branch, occurred_on.year)
        or points_range_problem(points, low=item.min_points, high=item.max_points)
        or (
            evidence_missing(item.name) if item.evidence_required and not evidence.strip() else None
        )
        or _room_problem(members, item, Quarter.of(occurred_on))
    )


def _decided_problem(claim: Claim) -> str | None:
    if claim.status != ClaimStatus.PENDING:
        return f"该申报已审核（{STATUS_LABELS[claim.status]}），不能重复审核"
    return None
