"""The quarter's public notice (公示), made when the quarter is signed: each member's points
frozen in its lines, the signed chain head repeated, the objection window opened."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum

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


def posting_lines(*, branch: Org, quarter: Quarter) -> list[dict[str, Any]]:
    """What a notice posts for each member of the branch: the quarter's additions (base and
    bonus), deductions (negative) and total, and the year's counted total up to this quarter.
    Names only: never an ID number or phone. Members who left the branch still appear if they
    have entries in the quarter.

    Three queries, each going once through its rows, whatever the number of members: the
    members; the quarter's entries of the branch summed by member; the year's counted entries
    of those members summed by member. (One query with a subquery per member and sum, as it
    was, let SQLite look each member's entries up among all the branch's entries of the
    quarter: 2.6 s for a 500-member branch, growing with the square; bench/README.md.)"""
    in_quarter = LedgerEntry.objects.filter(
        branch_id=branch.pk, year=quarter.year, quarter=quarter.number
    )
    gone = (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED)
    members = Member.objects.filter(
        (Q(branch_id=branch.pk) & ~Q(status__in=gone)) | Q(pk__in=in_quarter.values("member_id"))
    )
    sums = {
        row["member_id"]: row
        for row in in_quarter.order_by()
        .values("member_id")
        .annotate(
            additions=Sum("points", filter=Q(part__in=(Part.BASE, Part.BONUS)), default=ZERO),
            deductions=Sum("points", filter=Q(part=Part.DEDUCTION), default=ZERO),
        )
    }
    year_totals = dict(
        counted_entries()
        .filter(member_id__in=members.values("pk"), year=quarter.year, quarter__lte=quarter.number)
        .order_by()
        .values("member_id")
        .annotate(total=Sum("points"))
        .values_list("member_id", "total")
    )
    lines = []
    nothing = {"additions": ZERO, "deductions": ZERO}
    for pk, name in members.order_by("name", "pk").values_list("pk", "name"):
        row = sums.get(pk, nothing)
        lines.append(
            {
                "member_id": pk,
                "name": name,
                "additions": points_text(row["additions"]),
                "deductions": points_text(row["deductions"]),
                "total": points_text(row["additions"] + row["deductions"]),
                "year_total": points_text(year_totals.get(pk) or ZERO),
            }
        )
    return lines


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
