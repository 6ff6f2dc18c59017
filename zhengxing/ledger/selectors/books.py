"""The township's book (一册) and the county's view (一个数据库): counted points per branch or
per township, grouped in the database whatever the number of branches, members or entries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from zhengxing.orgs.models import PATH_SEGMENT, Member, Org, subtree_q
from zhengxing.orgs.rules import GROUP_KINDS, MEMBER_HOLDING_KINDS, OrgKind
from zhengxing.orgs.selectors import orgs_visible_to

from ..models import QuarterClose, QuarterPoints
from ..rules import points_normal
from ._common import GONE, QUARTERS, _branch_visible, _normal, _points_sums

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


@dataclass(frozen=True)
class Tally:
    """Counted points of a set of branches for a year."""

    members: int  # on the roll today
    entries: int
    base: Decimal
    bonus: Decimal
    deduction: Decimal  # negative
    total: Decimal

    @property
    def average(self) -> Decimal | None:
        """The year's counted total per member on the roll."""
        return points_normal(self.total / self.members) if self.members else None


@dataclass(frozen=True)
class BookRow:
    org_id: int
    name: str
    code: str
    tally: Tally
    signed: frozenset[int]  # the branch's signed quarters
    branches: int = 1
    by_quarter: tuple[Decimal, ...] = ()  # counted total in Q1..Q4 (0 where not signed)

    @property
    def average_per_quarter(self) -> Decimal | None:
        """The counted total per member and signed quarter: branches that signed three
        quarters and four compare like with like."""
        if not self.tally.members or not self.signed:
            return None
        return points_normal(self.tally.total / self.tally.members / len(self.signed))


# How the book may be sorted (`?sort=`), and the words that say so on the page.
BOOK_SORTS = {
    "tree": "按组织机构顺序",
    "average": "按每名党员每个已签字季度的平均积分从高到低",
    "total": "按计入总分从高到低",
}


@dataclass(frozen=True)
class Book:
    org: Org
    year: int
    rows: list[BookRow]
    tally: Tally
    sort: str = "tree"

    @property
    def sorted_by(self) -> str:
        return BOOK_SORTS[self.sort]


@dataclass(frozen=True)
class CountyRow:
    org_id: int
    name: str
    code: str
    kind: str
    tally: Tally
    branches: int
    signed_by_quarter: tuple[int, ...]  # how many branches signed Q1..Q4


@dataclass(frozen=True)
class CountyView:
    root: Org
    year: int
    rows: list[CountyRow]
    tally: Tally
    branches: int
    signed_by_quarter: tuple[int, ...]


def org_above_branches(*, user: AnyUser, pk: int) -> Org:
    """An organisation above branches (a township or street, a village, a general branch
    with branches under it...) the user may see; 404 otherwise."""
    org = (
        orgs_visible_to(user)
        .filter(pk=pk)
        .exclude(kind__in=MEMBER_HOLDING_KINDS - {OrgKind.GENERAL_BRANCH})
        .exclude(kind__in=GROUP_KINDS)
        .first()
    )
    if org is None:
        raise Http404
    return org


def county_root_for(*, user: AnyUser, county_id: int | None = None) -> Org:
    """The county root the user sees (the organisation department's, or an administrator's
    choice, the first county by default); 404 for anyone who does not see a whole county."""
    roots = orgs_visible_to(user).filter(parent__isnull=True)
    if county_id is not None:
        roots = roots.filter(county_id=county_id)
    root = roots.select_related("county").order_by("county_id").first()
    if root is None:
        raise Http404
    return root


def _tally(sums: dict[str, Any] | None, members: int) -> Tally:
    sums = sums or {}
    return Tally(
        members=members,
        entries=sums.get("entries", 0),
        base=_normal(sums.get("base")),
        bonus=_normal(sums.get("bonus")),
        deduction=_normal(sums.get("deduction")),
        total=_normal(sums.get("total")),
    )


def _tally_sum(tallies: list[Tally]) -> Tally:
    return Tally(
        members=sum(t.members for t in tallies),
        entries=sum(t.entries for t in tallies),
        base=_normal(sum((t.base for t in tallies), start=Decimal(0))),
        bonus=_normal(sum((t.bonus for t in tallies), start=Decimal(0))),
        deduction=_normal(sum((t.deduction for t in tallies), start=Decimal(0))),
        total=_normal(sum((t.total for t in tallies), start=Decimal(0))),
    )


def township_book(*, user: AnyUser, org: Org, year: int, sort: str = "tree") -> Book:
    """The book of a township (一册; 002: "支部一张表、基层党委一册、旗县区一个数据库"): per
    branch in its subtree, the members on the roll, the
    counted entries and points by part and by quarter, the signed quarters and the averages per
    member; in the order `sort` names (BOOK_SORTS: the tree's, else the highest average per
    member and signed quarter first, or the highest total), the page saying which. Four grouped
    queries, whatever the number of branches, members or entries."""
    _branch_visible(user, org)
    branches = list(
        Org.objects.filter(subtree_q(org.path), kind__in=MEMBER_HOLDING_KINDS)
        .order_by("path")
        .values("pk", "name", "code")
    )
    members = dict(
        Member.objects.filter(subtree_q(org.path, "branch__"))
        .exclude(status__in=GONE)
        .values("branch_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("branch_id", "n")
    )
    sums: dict[int, dict[str, Any]] = {}
    quarters: dict[int, dict[int, Decimal]] = {}
    grouped: QuerySet[Any] = (
        QuarterPoints.objects.filter(subtree_q(org.path, "branch__"), year=year)
        .values("branch_id", "quarter")
        .annotate(**_points_sums())
        .order_by()
    )
    for row in grouped:
        branch_sums = sums.setdefault(row["branch_id"], {})
        for key in ("entries", "base", "bonus", "deduction", "total"):
            branch_sums[key] = branch_sums.get(key, 0) + row[key]
        quarters.setdefault(row["branch_id"], {})[row["quarter"]] = row["total"]
    signed: dict[int, set[int]] = {}
    for branch_id, quarter in QuarterClose.objects.filter(
        subtree_q(org.path, "branch__"), year=year
    ).values_list("branch_id", "quarter"):
        signed.setdefault(branch_id, set()).add(quarter)
    rows = [
        BookRow(
            org_id=b["pk"],
            name=b["name"],
            code=b["code"],
            tally=_tally(sums.get(b["pk"]), members.get(b["pk"], 0)),
            signed=frozenset(signed.get(b["pk"], ())),
            by_quarter=tuple(_normal(quarters.get(b["pk"], {}).get(q)) for q in QUARTERS),
        )
        for b in branches
    ]
    sort = sort if sort in BOOK_SORTS else "tree"
    if sort == "average":  # stable: the tree's order among equals; branches without any last
        rows.sort(key=lambda r: (r.average_per_quarter is None, -(r.average_per_quarter or 0)))
    elif sort == "total":
        rows.sort(key=lambda r: -r.tally.total)
    return Book(org=org, year=year, rows=rows, tally=_tally_sum([r.tally for r in rows]), sort=sort)


def county_view(*, user: AnyUser, root: Org, year: int) -> CountyView:
    """The county's database view (一个数据库): per organisation directly under the county (the
    townships and streets), its branches, members, counted entries and points, and how many
    branches signed each quarter; and the county's totals. Each figure is grouped in the
    database by the first levels of the branch's path: five queries in all."""
    _branch_visible(user, root)
    width = len(root.path) + PATH_SEGMENT
    fields = ("pk", "name", "code", "kind", "path")
    tops = [dict(row) for row in Org.objects.filter(parent=root).order_by("path").values(*fields)]
    holding = Q(kind__in=MEMBER_HOLDING_KINDS)

    def grouped(qs: QuerySet[Any], path: str, **aggregates: Any) -> dict[str, dict[str, Any]]:
        rows = (
            qs.annotate(top=Substr(path, 1, width)).values("top").annotate(**aggregates).order_by()
        )
        return {row["top"]: row for row in rows}

    n_branches = grouped(Org.objects.filter(subtree_q(root.path), holding), "path", n=Count("pk"))
    n_members = grouped(
        Member.objects.filter(county_id=root.county_id).exclude(status__in=GONE),
        "branch__path",
        n=Count("pk"),
    )
    sums = grouped(
        QuarterPoints.objects.filter(county_id=root.county_id, year=year),
        "branch__path",
        **_points_sums(),
    )
    closes = grouped(
        QuarterClose.objects.filter(county_id=root.county_id, year=year),
        "branch__path",
        **{f"q{q}": Count("pk", filter=Q(quarter=q)) for q in QUARTERS},
    )
    rows = []
    for top in tops:
        path = top["path"]
        close = closes.get(path, {})
        rows.append(
            CountyRow(
                org_id=top["pk"],
                name=top["name"],
                code=top["code"],
                kind=top["kind"],
                tally=_tally(sums.get(path), n_members.get(path, {}).get("n", 0)),
                branches=n_branches.get(path, {}).get("n", 0),
                signed_by_quarter=tuple(close.get(f"q{q}", 0) for q in QUARTERS),
            )
        )
    return CountyView(
        root=root,
        year=year,
        rows=rows,
        tally=_tally_sum([r.tally for r in rows]),
        branches=sum(r.branches for r in rows),
        signed_by_quarter=tuple(sum(r.signed_by_quarter[i] for r in rows) for i in range(4)),
    )
