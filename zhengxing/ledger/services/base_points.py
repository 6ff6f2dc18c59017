"""The year's base points (基础积分) credited to each active member of a branch by category."""

from __future__ import annotations

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Claim, LedgerEntry
from ..rules import ZERO, ClaimSource, ClaimStatus, Part, Quarter
from ..selectors import catalogue_applying
from ._common import _today
from .guard import QuarterGuard, _approve


@transaction.atomic
def base_points_record(*, actor: Actor, branch: Org, year: int) -> list[LedgerEntry]:
    """Credit each active member of the branch the year's base points (基础积分) for their
    category, under the catalogue's base item, in the current quarter. Once per member and
    year: a second run credits only members added since."""
    require(scope_for_actor(actor).can_manage_org(branch))
    catalogue = catalogue_applying(branch=branch, year=year)
    if catalogue is None:
        raise ServiceError(f"本支部{year}年还没有适用的积分规则")
    base_item = catalogue.items.filter(part=Part.BASE).order_by("position", "pk").first()
    if base_item is None:
        raise ServiceError("积分规则中没有基础积分项目")
    today = _today(actor)
    quarter = Quarter.of(today)
    if quarter.year != year:
        raise ServiceError(f"{year}年的基础积分须在{year}年内记入")
    guard = QuarterGuard(branch)
    guard.require_open(quarter, refusal="无法记入基础积分")
    bases = dict(catalogue.category_bases.values_list("category", "points"))
    key = f"base-points-{year}"
    members = list(
        Member.objects.filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .exclude(claims__idempotency_key=key)
        .order_by("pk")
    )
    claims = [
        Claim(
            county_id=branch.county_id,
            branch=branch,
            member=member,
            item=base_item,
            year=quarter.year,
            quarter=quarter.number,
            occurred_on=today,
            description=f"{year}年基础积分",
            points_requested=bases.get(member.category, base_item.default_points),
            source=ClaimSource.COMMITTEE,
            idempotency_key=key,
            submitted_at=actor.now,
            submitted_by=actor.user,
        )
        for member in members
    ]
    Claim.objects.bulk_create(claims)
    entries = _approve(
        actor=actor,
        head=guard.head,
        decided=[(c, base_item, c.points_requested or ZERO, ClaimStatus.APPROVED) for c in claims],
        note=f"{year}年基础积分",
    )
    audit_record(
        actor=actor,
        action="ledger.base_points.record",
        object_type="org",
        object_id=branch.pk,
        county_id=branch.county_id,
        summary=f"{branch.name} {year}年基础积分：{len(entries)}名党员",
        after={"year": year, "item_id": base_item.pk, "members": [m.pk for m in members]},
    )
    return entries
