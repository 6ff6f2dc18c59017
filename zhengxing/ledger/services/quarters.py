"""Signing a branch's quarter (书记签字确认): it closes, its entries count from then on, each
member's points are kept for the reports, and the public notice is posted."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import require
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import Scope, scope_for_actor

from .. import sign_off_hooks
from ..models import Claim, LedgerEntry, QuarterClose, QuarterPoints
from ..rules import ZERO, ClaimStatus, Part, Quarter, points_text, quarter_closed, sign_off_problem
from ..selectors import closed_quarters
from ._common import _today, refuse
from .guard import _lock_head
from .postings import _posting_create


def _is_secretary_of(scope: Scope, branch: Org) -> bool:
    return scope.everything or any(
        g.role == Role.SECRETARY and branch.path.startswith(g.path) for g in scope.grants
    )


def may_sign_off(*, actor: Actor, branch: Org) -> bool:
    """Whether the actor may sign the branch's quarters (the page shows the button by this)."""
    return _is_secretary_of(scope_for_actor(actor), branch)


@transaction.atomic
def quarter_sign_off(*, actor: Actor, branch: Org, quarter: Quarter) -> QuarterClose:
    """The branch secretary signs the quarter (书记签字确认): it closes, its entries count from
    now on, and the chain head at this moment is kept as the anchor the notice will show."""
    require(_is_secretary_of(scope_for_actor(actor), branch))
    head = _lock_head(branch)
    pending = Claim.objects.filter(
        branch=branch, year=quarter.year, quarter=quarter.number, status=ClaimStatus.PENDING
    ).count()
    problem = sign_off_problem(
        quarter,
        today=_today(actor),
        closed=closed_quarters(branch_id=branch.pk, years={quarter.year}),
        pending=pending,
    )
    if problem:
        raise refuse(problem)
    counted = _quarter_points(branch=branch, quarter=quarter)
    totals: dict[str, Any] = {
        "entries": sum(row.entries for row in counted),
        "base_total": sum((row.base for row in counted), start=ZERO),
        "bonus_total": sum((row.bonus for row in counted), start=ZERO),
        "deduction_total": sum((row.deduction for row in counted), start=ZERO),
    }
    try:
        with transaction.atomic():
            close = QuarterClose.objects.create(
                county_id=branch.county_id,
                branch=branch,
                year=quarter.year,
                quarter=quarter.number,
                signed_at=actor.now,
                signed_by=actor.user,
                signed_by_label=actor.label[:150],
                head_seq=head.seq,
                head_hash=head.hash,
                **totals,
            )
    except IntegrityError:
        raise refuse(quarter_closed(quarter)) from None
    audit_record(
        actor=actor,
        action="ledger.quarter.sign_off",
        object_type="quarter_close",
        object_id=close.pk,
        county_id=branch.county_id,
        summary=f"{branch.name} {quarter.label}签字确认，链头第{head.seq}号",
        after={
            "branch_id": branch.pk,
            "quarter": str(quarter),
            "head_seq": head.seq,
            "head_hash": head.hash,
            "entries": totals["entries"],
            "base_total": points_text(totals["base_total"]),
            "bonus_total": points_text(totals["bonus_total"]),
            "deduction_total": points_text(totals["deduction_total"]),
        },
    )
    QuarterPoints.objects.bulk_create(counted)
    _posting_create(actor=actor, branch=branch, close=close)
    # the apps above: the county's tree of signed quarters appends this one (integrity)
    sign_off_hooks.run(actor=actor, close=close)
    return close


def _quarter_points(*, branch: Org, quarter: Quarter) -> list[QuarterPoints]:
    """Each member's points in the branch's quarter by part, summed in the database: what the
    sign-off makes count, kept as `QuarterPoints` for the reports."""
    rows = (
        LedgerEntry.objects.filter(branch=branch, year=quarter.year, quarter=quarter.number)
        .values("member_id")
        .annotate(
            entries=Count("pk"),
            base=Coalesce(Sum("points", filter=Q(part=Part.BASE)), Value(ZERO)),
            bonus=Coalesce(Sum("points", filter=Q(part=Part.BONUS)), Value(ZERO)),
            deduction=Coalesce(Sum("points", filter=Q(part=Part.DEDUCTION)), Value(ZERO)),
            total=Coalesce(Sum("points"), Value(ZERO)),
        )
        .order_by("member_id")
    )
    return [
        QuarterPoints(
            county_id=branch.county_id,
            branch_id=branch.pk,
            year=quarter.year,
            quarter=quarter.number,
            **row,
        )
        for row in rows
    ]
