"""Which entries count (those of quarters the branch secretary signed), the signed quarters,
the review queue, and a member's or a branch's totals by part."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import scope_for

from ..models import Claim, LedgerEntry, QuarterClose
from ..rules import ClaimStatus, Quarter
from ._common import _branch_visible, _part_sums

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def closed_quarters(*, branch_id: int, years: set[int] | None = None) -> set[Quarter]:
    qs = QuarterClose.objects.filter(branch_id=branch_id)
    if years is not None:
        qs = qs.filter(year__in=years)
    return {Quarter(y, q) for y, q in qs.values_list("year", "quarter")}


def claims_pending(*, user: AnyUser, branch: Org, quarter: Quarter) -> QuerySet[Claim]:
    """The committee's review queue for a quarter, preloaded for a page."""
    _branch_visible(user, branch)
    return (
        Claim.objects.filter(
            branch=branch,
            status=ClaimStatus.PENDING,
            year=quarter.year,
            quarter=quarter.number,
        )
        .select_related("member", "item")
        .order_by("occurred_on", "pk")
    )


def counted_entries() -> QuerySet[LedgerEntry]:
    """Entries that count: those of quarters the branch secretary has signed off."""
    signed = QuarterClose.objects.filter(
        branch_id=OuterRef("branch_id"), year=OuterRef("year"), quarter=OuterRef("quarter")
    )
    return LedgerEntry.objects.filter(Exists(signed))


@dataclass(frozen=True)
class PartTotals:
    base: Decimal
    bonus: Decimal
    deduction: Decimal  # negative
    total: Decimal


def member_year_totals(*, user: AnyUser, member: Member, year: int) -> PartTotals:
    """A member's counted points for the year by part (one query)."""
    if not scope_for(user).can_see_member(member):
        raise Http404
    row = counted_entries().filter(member=member, year=year).aggregate(**_part_sums())
    return PartTotals(**row)


def branch_quarter_table(
    *, user: AnyUser, branch: Org, quarter: Quarter, counted_only: bool = True
) -> list[dict[str, Any]]:
    """Each member of the branch with their additions, deductions and total for the quarter:
    the table the branch posts (一张表). One query for any number of members."""
    _branch_visible(user, branch)
    entries = counted_entries() if counted_only else LedgerEntry.objects.all()
    sums = (
        entries.filter(branch=branch, year=quarter.year, quarter=quarter.number)
        .values("member_id", "member__name")
        .annotate(**_part_sums())
        .order_by("member__name", "member_id")
    )
    return [dict(row) for row in sums]
