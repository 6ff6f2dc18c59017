"""The branch's table for a year (一张表): each member's additions and deductions per quarter,
the year's total and the rank in the branch."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, Window
from django.db.models.functions import Rank
from django.http import Http404

from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import orgs_visible_to

from ..models import QuarterClose, QuarterPoints
from ._common import GONE, QUARTERS, _branch_visible, _counted, _normal, _sum

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


@dataclass(frozen=True)
class BranchRow:
    member_id: int
    name: str
    on_roll: bool  # False: transferred out or deceased, listed for the entries they have
    quarters: tuple[tuple[Decimal, Decimal], ...]  # (additions, deductions) for Q1..Q4
    total: Decimal
    rank: int


@dataclass(frozen=True)
class BranchTable:
    branch: Org
    year: int
    signed: frozenset[int]  # quarter numbers the secretary signed
    rows: list[BranchRow]
    totals: tuple[tuple[Decimal, Decimal], ...]
    total: Decimal


def branch_for_viewer(*, user: AnyUser, pk: int) -> Org:
    """A member-holding organisation the user may see (its table); 404 otherwise."""
    org = orgs_visible_to(user).filter(pk=pk, kind__in=MEMBER_HOLDING_KINDS).first()
    if org is None:
        raise Http404
    return org


def signed_quarters(*, branch: Org, year: int) -> frozenset[int]:
    return frozenset(
        QuarterClose.objects.filter(branch=branch, year=year).values_list("quarter", flat=True)
    )


def branch_year_table(*, user: AnyUser, branch: Org, year: int) -> BranchTable:
    """The branch's ledger for a year (一张表): one row per member on the roll (and anyone else
    with entries in this branch that year), additions and deductions per quarter, the year's
    total and the rank in the branch (RANK: ties share a rank, the next rank skips). Only this
    branch's signed quarters count. Two queries, whatever the number of members."""
    _branch_visible(user, branch)
    counted_here = QuarterPoints.objects.filter(branch=branch, year=year)
    columns: dict[str, Any] = {}
    for q in QUARTERS:
        columns[f"a{q}"] = _sum("base", Q(p__quarter=q)) + _sum("bonus", Q(p__quarter=q))
        columns[f"d{q}"] = _sum("deduction", Q(p__quarter=q))
    columns["total"] = _sum("total")
    query = (
        Member.objects.filter(
            (Q(branch=branch) & ~Q(status__in=GONE)) | Q(pk__in=counted_here.values("member_id"))
        )
        .annotate(p=_counted(year, branch_id=branch.pk))
        .values("pk", "name", "branch_id", "status")
        .annotate(**columns)
        .annotate(rank=Window(Rank(), order_by=F("total").desc()))
        .order_by("rank", "name", "pk")
    )
    rows: list[dict[str, Any]] = [dict(row) for row in query]
    result = [
        BranchRow(
            member_id=row["pk"],
            name=row["name"],
            on_roll=row["branch_id"] == branch.pk and row["status"] not in GONE,
            quarters=tuple((_normal(row[f"a{q}"]), _normal(row[f"d{q}"])) for q in QUARTERS),
            total=_normal(row["total"]),
            rank=row["rank"],
        )
        for row in rows
    ]
    totals = tuple(
        (
            _normal(sum((r.quarters[q - 1][0] for r in result), start=Decimal(0))),
            _normal(sum((r.quarters[q - 1][1] for r in result), start=Decimal(0))),
        )
        for q in QUARTERS
    )
    return BranchTable(
        branch=branch,
        year=year,
        signed=signed_quarters(branch=branch, year=year),
        rows=result,
        totals=totals,
        total=_normal(sum((r.total for r in result), start=Decimal(0))),
    )
