"""The quarter's public notice (公示), made when the quarter is signed: each member's points
frozen in its lines, the signed chain head repeated, the objection window opened."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MemberStatus

from ..models import LedgerEntry, Posting, QuarterClose
from ..rules import ZERO, Part, Quarter, points_text
from ..selectors import counted_entries
from ._common import _today


def objection_days() -> int:
    """How long the public may object to a notice: settings.ZHENGXING_OBJECTION_DAYS (7 unless
    the environment says otherwise)."""
    return int(settings.ZHENGXING_OBJECTION_DAYS)


def _sum_or_zero(entries: Any) -> Coalesce:
    """A member's sum over `entries` (correlated on OuterRef("pk")) as one scalar subquery."""
    return Coalesce(
        Subquery(entries.order_by().values("member_id").annotate(s=Sum("points")).values("s")[:1]),
        Value(ZERO),
    )


def posting_lines(*, branch: Org, quarter: Quarter) -> list[dict[str, Any]]:
    """What a notice posts for each member of the branch: the quarter's additions (base and
    bonus), deductions (negative) and total, and the year's counted total up to this quarter.
    Names only: never an ID number or phone. One query, whatever the number of members;
    members who left the branch still appear if they have entries in the quarter."""
    in_quarter = LedgerEntry.objects.filter(
        member_id=OuterRef("pk"), branch_id=branch.pk, year=quarter.year, quarter=quarter.number
    )
    rows = (
        Member.objects.filter(
            (
                Q(branch_id=branch.pk)
                & ~Q(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            )
            | Q(Exists(in_quarter))
        )
        .annotate(
            additions=_sum_or_zero(in_quarter.filter(part__in=(Part.BASE, Part.BONUS))),
            deductions=_sum_or_zero(in_quarter.filter(part=Part.DEDUCTION)),
            year_total=_sum_or_zero(
                counted_entries().filter(
                    member_id=OuterRef("pk"), year=quarter.year, quarter__lte=quarter.number
                )
            ),
        )
        .order_by("name", "pk")
        .values("pk", "name", "additions", "deductions", "year_total")
    )
    return [
        {
            "member_id": row["pk"],
            "name": row["name"],
            "additions": points_text(row["additions"]),
            "deductions": points_text(row["deductions"]),
            "total": points_text(row["additions"] + row["deductions"]),
            "year_total": points_text(row["year_total"]),
        }
        for row in rows
    ]


def _posting_create(*, actor: Actor, branch: Org, close: QuarterClose) -> Posting:
    """The quarter's public notice, made in the sign-off's transaction: its lines frozen, the
    signed chain head repeated, and the objection window opened."""
    quarter = Quarter(close.year, close.quarter)
    posting = Posting.objects.create(
        county_id=branch.county_id,
        branch=branch,
        close=close,
        slug=secrets.token_urlsafe(12),
        year=close.year,
        quarter=close.quarter,
        published_at=actor.now,
        objections_until=_today(actor) + dt.timedelta(days=objection_days()),
        head_seq=close.head_seq,
        head_hash=close.head_hash,
        lines=posting_lines(branch=branch, quarter=quarter),
    )
    audit_record(
        actor=actor,
        action="ledger.posting.publish",
        object_type="posting",
        object_id=posting.pk,
        county_id=branch.county_id,
        summary=f"{branch.name} {quarter.label}积分公示，异议期至{posting.objections_until}",
        after={
            "branch_id": branch.pk,
            "quarter": str(quarter),
            "slug": posting.slug,
            "objections_until": posting.objections_until.isoformat(),
            "head_seq": posting.head_seq,
            "head_hash": posting.head_hash,
            "members": len(posting.lines),
        },
    )
    return posting
