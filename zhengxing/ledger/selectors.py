"""Reads of the points ledger, scoped to what the user may see (orgs.selectors.scope_for).

Only entries of signed-off quarters count (`counted_entries`). Totals are computed in the
database, one query per table, whatever the number of members.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from zhengxing.orgs.models import PATH_SEGMENT, Member, Org
from zhengxing.orgs.selectors import scope_for

from .chain import CONTENT_FIELDS, ChainProblem, verify_chain
from .models import (
    BranchChainHead,
    Claim,
    LedgerEntry,
    QuarterClose,
    RuleCatalogue,
    RuleItem,
)
from .rules import ClaimStatus, Part, Quarter

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

ZERO = Value(Decimal("0.0"))


# --- catalogues ---------------------------------------------------------------------------


def ancestor_paths(path: str) -> list[str]:
    """The paths of a node and every node above it (each level adds one fixed-width segment)."""
    return [path[:end] for end in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)]


def catalogue_applying(*, branch: Org, year: int) -> RuleCatalogue | None:
    """The current catalogue that governs a branch in a year: the nearest owner above it wins
    (a township's own rules before the county's). One query on the owner's path."""
    ancestors = ancestor_paths(branch.path)
    return (
        RuleCatalogue.objects.filter(
            county_id=branch.county_id, year=year, is_current=True, owner__path__in=ancestors
        )
        .order_by("-owner__depth")
        .first()
    )


def catalogue_items(*, catalogue: RuleCatalogue) -> QuerySet[RuleItem]:
    return catalogue.items.order_by("position", "pk")


# --- claims and quarters ------------------------------------------------------------------


def closed_quarters(*, branch_id: int, years: set[int] | None = None) -> set[Quarter]:
    qs = QuarterClose.objects.filter(branch_id=branch_id)
    if years is not None:
        qs = qs.filter(year__in=years)
    return {Quarter(y, q) for y, q in qs.values_list("year", "quarter")}


def _branch_visible(user: AnyUser, branch: Org) -> None:
    if not scope_for(user).can_see_org(branch):
        raise Http404


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


def _part_sums(prefix: str = "") -> dict[str, Any]:
    field = f"{prefix}points"
    return {
        "base": Coalesce(Sum(field, filter=Q(**{f"{prefix}part": Part.BASE})), ZERO),
        "bonus": Coalesce(Sum(field, filter=Q(**{f"{prefix}part": Part.BONUS})), ZERO),
        "deduction": Coalesce(Sum(field, filter=Q(**{f"{prefix}part": Part.DEDUCTION})), ZERO),
        "total": Coalesce(Sum(field), ZERO),
    }


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


# --- the chain ----------------------------------------------------------------------------


def _rows_by_branch(county_id: int | None) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    qs = LedgerEntry.objects.all()
    if county_id is not None:
        qs = qs.filter(county_id=county_id)
    rows = qs.order_by("branch_id", "seq").values("id", "prev_hash", "hash", *CONTENT_FIELDS)
    current: int | None = None
    batch: list[dict[str, Any]] = []
    for row in rows.iterator(chunk_size=5000):
        if row["branch_id"] != current:
            if current is not None:
                yield current, batch
            current, batch = row["branch_id"], []
        batch.append(row)
    if current is not None:
        yield current, batch


def ledger_chain_problems(*, county_id: int | None = None) -> tuple[int, list[ChainProblem]]:
    """Every branch chain checked (a system read for `zhengxing verify-ledger`, not scoped to a
    user): the number of chains and the first problem of each broken one."""
    heads_qs = BranchChainHead.objects.all()
    closes_qs = QuarterClose.objects.filter(head_seq__gt=0)
    if county_id is not None:
        heads_qs = heads_qs.filter(county_id=county_id)
        closes_qs = closes_qs.filter(county_id=county_id)
    heads = {b: (s, h) for b, s, h in heads_qs.values_list("branch_id", "seq", "hash")}
    anchors: dict[int, dict[int, str]] = {}
    for branch_id, seq, digest in closes_qs.values_list("branch_id", "head_seq", "head_hash"):
        anchors.setdefault(branch_id, {})[seq] = digest
    problems: list[ChainProblem] = []
    seen: set[int] = set()
    for branch_id, rows in _rows_by_branch(county_id):
        seen.add(branch_id)
        problem = verify_chain(
            branch_id, rows, head=heads.get(branch_id), anchors=anchors.get(branch_id)
        )
        if problem is not None:
            problems.append(problem)
    # a branch whose every entry was deleted still has its head (and perhaps its anchors)
    for branch_id in sorted((set(heads) | set(anchors)) - seen):
        problem = verify_chain(
            branch_id, [], head=heads.get(branch_id), anchors=anchors.get(branch_id)
        )
        if problem is not None:
            problems.append(problem)
    return len(seen | set(heads)), problems
