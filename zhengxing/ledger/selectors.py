"""Reads of the points ledger, scoped to what the user may see (orgs.selectors.scope_for).

Only entries of signed-off quarters count (`counted_entries`). Totals are computed in the
database, one query per table, whatever the number of members.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Rank, Substr
from django.http import Http404
from django.utils.crypto import salted_hmac

from zhengxing.orgs.models import PATH_SEGMENT, Member, Org, subtree_q
from zhengxing.orgs.rules import (
    GROUP_KINDS,
    MEMBER_HOLDING_KINDS,
    ROLE_MANAGES,
    MemberStatus,
    OrgKind,
    Role,
)
from zhengxing.orgs.selectors import org_for_user, orgs_visible_to, scope_for

from .chain import CONTENT_FIELDS, ChainProblem, verify_chain
from .models import (
    BranchChainHead,
    Claim,
    EvidenceFile,
    LedgerEntry,
    Objection,
    Posting,
    QuarterClose,
    QuarterPoints,
    ReminderTalk,
    RuleCatalogue,
    RuleItem,
)
from .rules import (
    ClaimSource,
    ClaimStatus,
    Part,
    Quarter,
    low_patterns,
    low_points_bar,
    points_normal,
)

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


@dataclass(frozen=True)
class PointsProblem:
    """A member's counted points of a signed quarter (`QuarterPoints`) that do not match the
    quarter's entries: edited, missing or extra rows."""

    branch_id: int
    member_id: int
    year: int
    quarter: int
    kept: Decimal | None  # what QuarterPoints says (None: no row)
    entries: Decimal | None  # what the entries add up to (None: no entries)


def quarter_points_problems(*, county_id: int | None = None) -> list[PointsProblem]:
    """Every signed quarter's `QuarterPoints` checked against its entries (a system read for
    `zhengxing verify-ledger`): both sides grouped in the database, walked in the same order."""
    key = ("branch_id", "year", "quarter", "member_id")
    entries = counted_entries()
    kept = QuarterPoints.objects.all()
    if county_id is not None:
        entries, kept = entries.filter(county_id=county_id), kept.filter(county_id=county_id)
    summed = entries.values(*key).annotate(n=Count("pk"), **_part_sums()).order_by(*key)
    stored = kept.values(*key, "entries", "base", "bonus", "deduction", "total").order_by(*key)

    def rows(qs: QuerySet[Any], count: str) -> Iterator[tuple[tuple[int, ...], tuple[Any, ...]]]:
        for row in qs.iterator(chunk_size=5000):
            figures = (row[count], *(_normal(row[p]) for p in ("base", "bonus", "deduction")))
            yield tuple(row[k] for k in key), (*figures, _normal(row["total"]))

    problems: list[PointsProblem] = []
    left, right = rows(summed, "n"), rows(stored, "entries")
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            here, found, want = a[0], None, a[1]  # type: ignore[index]
            a = next(left, None)
        elif a is None or b[0] < a[0]:
            here, found, want = b[0], b[1], None
            b = next(right, None)
        else:
            here, found, want = a[0], b[1], a[1]
            a, b = next(left, None), next(right, None)
            if found == want:
                continue
        problems.append(
            PointsProblem(
                branch_id=here[0],
                year=here[1],
                quarter=here[2],
                member_id=here[3],
                kept=found[4] if found else None,
                entries=want[4] if want else None,
            )
        )
    return problems


# --- public notices, objections and the review workflow (added with the workflow pages) ---
# Imports for this block only; the lead may merge them into the imports at the top.


def posting_public(*, slug: str) -> Posting:
    """A posted notice by its public slug, for anyone (no login): 404 when there is none."""
    posting = (
        Posting.objects.select_related("branch", "branch__parent", "close")
        .filter(slug=slug)
        .first()
    )
    if posting is None:
        raise Http404
    return posting


def posting_objections_public(*, posting: Posting) -> QuerySet[Objection]:
    """The objections to a notice with their answers, oldest first. Callers show only the
    text, the answer and the dates: never the contact."""
    return (
        Objection.objects.filter(posting=posting)
        .only("pk", "posting_id", "member_id", "text", "status", "answer", "submitted_at",
              "answered_at")
        .order_by("submitted_at", "pk")
    )  # fmt: skip


def posting_of(*, user: AnyUser, branch: Org, quarter: Quarter) -> Posting | None:
    _branch_visible(user, branch)
    return Posting.objects.filter(branch=branch, year=quarter.year, quarter=quarter.number).first()


@dataclass(frozen=True)
class PostingCheck:
    """Whether the ledger still matches a posted notice. `matches`: the entry at the posted
    head still has the posted hash and the chain verifies from the start up to it. `chain_ok`:
    the branch's whole chain, to today, still verifies (later entries included)."""

    matches: bool
    problem: str
    chain_ok: bool
    chain_problem: str
    entries_checked: int
    current_seq: int


def posting_check(*, posting: Posting) -> PostingCheck:
    """Anyone can check a notice later: walk the branch's chain up to the posted head (two
    queries for the rows and anchors, one for the head; the walk is chain.verify_chain)."""
    rows = list(
        LedgerEntry.objects.filter(branch_id=posting.branch_id)
        .order_by("seq")
        .values("id", "prev_hash", "hash", *CONTENT_FIELDS)
    )
    posted = [row for row in rows if row["seq"] <= posting.head_seq]
    problem = verify_chain(posting.branch_id, posted, head=(posting.head_seq, posting.head_hash))
    head = (
        BranchChainHead.objects.filter(branch_id=posting.branch_id)
        .values_list("seq", "hash")
        .first()
    )
    anchors = dict(
        QuarterClose.objects.filter(branch_id=posting.branch_id, head_seq__gt=0).values_list(
            "head_seq", "head_hash"
        )
    )
    whole = verify_chain(posting.branch_id, rows, head=head, anchors=anchors)
    return PostingCheck(
        matches=problem is None,
        problem=problem.message if problem else "",
        chain_ok=whole is None,
        chain_problem=whole.message if whole else "",
        entries_checked=len(posted),
        current_seq=head[0] if head else 0,
    )


def branch_public(*, ref: str) -> Org:
    """A branch for the public report form, by its random public reference (`Org.public_ref`):
    never by id or code, which anyone could count through to harvest every branch's members."""
    branch = Org.objects.filter(
        public_ref=ref, kind__in=MEMBER_HOLDING_KINDS, is_active=True
    ).first()
    if branch is None:
        raise Http404
    return branch


def branch_members_public(*, branch: Org) -> QuerySet[Member]:
    """The branch's current members, names only, for the public to say whom a report is about."""
    return (
        Member.objects.filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .only("pk", "name")
        .order_by("name", "pk")
    )


def member_public_ref(*, branch: Org, member_id: int) -> str:
    """How a public page names one of the branch's members (a form's choice): a keyed hash of
    the branch's public reference and the member's id, so the page carries no database id and
    one branch's choices say nothing about another's."""
    value = f"{branch.public_ref}:{member_id}"
    return salted_hmac("zhengxing.public-member", value, algorithm="sha256").hexdigest()[:16]


def branch_members_by_ref(*, branch: Org) -> dict[str, Member]:
    """The branch's current members (`branch_members_public`) by their public references."""
    return {
        member_public_ref(branch=branch, member_id=m.pk): m
        for m in branch_members_public(branch=branch)
    }


def branches_managed(*, user: AnyUser) -> QuerySet[Org]:
    """The member-holding organisations the user may run the review workflow for."""
    scope = scope_for(user)
    qs = Org.objects.filter(kind__in=MEMBER_HOLDING_KINDS)
    if scope.everything:
        return qs.order_by("path")
    q = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role in ROLE_MANAGES:
            q |= subtree_q(grant.path)
    return qs.filter(q).order_by("path")


def branch_for_manager(*, user: AnyUser, pk: int) -> Org:
    """A branch the user manages; 404 otherwise (no hint that it exists)."""
    branch = branches_managed(user=user).filter(pk=pk).first()
    if branch is None:
        raise Http404
    return branch


def claim_for_manager(*, user: AnyUser, pk: int) -> Claim:
    """A claim of a branch the user manages, with its member and item; 404 otherwise."""
    claim = Claim.objects.select_related("member", "item", "branch").filter(pk=pk).first()
    if claim is None or not scope_for(user).can_manage_org(claim.branch):
        raise Http404
    return claim


def claim_for_user(*, user: AnyUser, pk: int) -> Claim:
    """A claim the user may see: their own, or one of a branch in their subtree; else 404."""
    claim = Claim.objects.select_related("branch").filter(pk=pk).first()
    scope = scope_for(user)
    if claim is None or not (claim.member_id == scope.member_id or scope.can_see_org(claim.branch)):
        raise Http404
    return claim


def public_reports_pending(*, user: AnyUser, branch: Org) -> QuerySet[Claim]:
    """The public's reports about the branch's members still awaiting the committee."""
    _branch_visible(user, branch)
    return (
        Claim.objects.filter(branch=branch, source=ClaimSource.PUBLIC, status=ClaimStatus.PENDING)
        .select_related("member")
        .order_by("submitted_at", "pk")
    )


def objections_inbox(*, user: AnyUser, branch: Org | None = None) -> QuerySet[Objection]:
    """Objections to the notices of branches the user manages (open ones first), with their
    notices and branches preloaded."""
    branches = branches_managed(user=user)
    if branch is not None:
        branches = branches.filter(pk=branch.pk)
    return (
        Objection.objects.filter(posting__branch__in=branches)
        .select_related("posting", "posting__branch", "member")
        .order_by("-status", "submitted_at", "pk")
    )


def objection_for_manager(*, user: AnyUser, pk: int) -> Objection:
    objection = objections_inbox(user=user).filter(pk=pk).first()
    if objection is None:
        raise Http404
    return objection


# --- reports: a member's points, the branch table, the township book, the county view,
# rankings and low points (added with the report pages) -------------------------------------
#
# Every figure is an aggregate the database computes; Python only arranges the few rows a
# page shows (members of one branch, branches of one township, townships of one county).
# Entries count when their own branch signed their quarter (`_signed`), as in counted_entries.

# Members on a branch's roll today: everyone but those transferred out or deceased.
GONE = (MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED)
ADDITION_PARTS = (Part.BASE, Part.BONUS)
QUARTERS = (1, 2, 3, 4)


def _signed(alias: str = "") -> Exists:
    """The entry (at `alias`, a join of ledger entries, or the row itself) lies in a quarter its
    branch has signed off."""
    prefix = f"{alias}__" if alias else ""
    return Exists(
        QuarterClose.objects.filter(
            branch_id=OuterRef(f"{prefix}branch_id"),
            year=OuterRef(f"{prefix}year"),
            quarter=OuterRef(f"{prefix}quarter"),
        )
    )


def _sum(column: str, condition: Q | None = None) -> Coalesce:
    """A conditional sum over the joined `QuarterPoints` (`p`), 0 when there are none."""
    return Coalesce(Sum(f"p__{column}", filter=condition), ZERO)


def _counted(year: int, **condition: Any) -> FilteredRelation:
    """A member's counted points of the year (`QuarterPoints`, at most four rows a branch),
    joined (LEFT) once as `p`: every column a report needs is a conditional sum over it."""
    lookups = {f"quarter_points__{field}": value for field, value in condition.items()}
    return FilteredRelation("quarter_points", condition=Q(quarter_points__year=year, **lookups))


def _points_sums() -> dict[str, Any]:
    """Sums of `QuarterPoints` rows, named as `_part_sums` names the entries' sums."""
    return {
        "entries": Coalesce(Sum("entries"), 0),
        **{part: Coalesce(Sum(part), ZERO) for part in ("base", "bonus", "deduction", "total")},
    }


def _normal(value: Decimal | None) -> Decimal:
    return points_normal(value or 0)


# --- a member's own points ----------------------------------------------------------------


def member_entries(*, user: AnyUser, member: Member, year: int) -> QuerySet[LedgerEntry]:
    """A member's ledger entries of a year, newest first, each marked `counted` (its quarter is
    signed) and `reversed` (a later entry corrects it), with item, claim and the corrected
    entry preloaded: one query."""
    if not scope_for(user).can_see_member(member):
        raise Http404
    return (
        LedgerEntry.objects.filter(member=member, year=year)
        .annotate(
            counted=_signed(),
            reversed=Exists(LedgerEntry.objects.filter(reverses_id=OuterRef("pk"))),
        )
        .select_related("item", "claim", "reverses", "branch")
        .order_by("-quarter", "-seq", "-pk")
    )


def member_claims_pending(*, user: AnyUser, member: Member) -> QuerySet[Claim]:
    """A member's claims still awaiting the committee, oldest first, items preloaded."""
    if not scope_for(user).can_see_member(member):
        raise Http404
    return (
        Claim.objects.filter(member=member, status=ClaimStatus.PENDING)
        .select_related("item")
        .order_by("occurred_on", "pk")
    )


def member_quarter_totals(*, user: AnyUser, member: Member, year: int) -> dict[int, Decimal]:
    """A member's counted points per quarter of the year (quarters without any: absent)."""
    if not scope_for(user).can_see_member(member):
        raise Http404
    rows = (
        counted_entries()
        .filter(member=member, year=year)
        .values("quarter")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {row["quarter"]: _normal(row["total"]) for row in rows}


def member_talks(*, user: AnyUser, member: Member) -> QuerySet[ReminderTalk]:
    """The reminder talks held with a member (约谈提醒), newest first. For those who see the
    member's branch, not for the member's own login."""
    if not scope_for(user).can_see_org(member.branch):
        raise Http404
    return ReminderTalk.objects.filter(member=member).order_by("-held_on", "-pk")


# --- the branch table (一张表) --------------------------------------------------------------


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


# --- the township book (一册) and the county view (一个数据库) -----------------------------


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


@dataclass(frozen=True)
class Book:
    org: Org
    year: int
    rows: list[BookRow]
    tally: Tally


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


def township_book(*, user: AnyUser, org: Org, year: int) -> Book:
    """The book of a township (一册): per branch in its subtree, the members on the roll, the
    counted entries and points by part, the signed quarters and the average per member. Four
    grouped queries, whatever the number of branches, members or entries."""
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
    sums: dict[int, dict[str, Any]] = {
        row["branch_id"]: dict(row)
        for row in QuarterPoints.objects.filter(subtree_q(org.path, "branch__"), year=year)
        .values("branch_id")
        .annotate(**_points_sums())
        .order_by()
    }
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
        )
        for b in branches
    ]
    return Book(org=org, year=year, rows=rows, tally=_tally_sum([r.tally for r in rows]))


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


# --- rankings and low points --------------------------------------------------------------


def default_org_for(*, user: AnyUser) -> Org | None:
    """The highest organisation the user's roles cover (a county's root for the organisation
    department, the township for its committee, the branch for its secretary)."""
    scope = scope_for(user)
    if scope.everything:
        return Org.objects.filter(parent__isnull=True).order_by("county_id", "pk").first()
    grants = sorted((g for g in scope.grants if g.role != Role.MEMBER), key=lambda g: len(g.path))
    return Org.objects.filter(pk=grants[0].org_id).first() if grants else None


def org_or_default(*, user: AnyUser, raw: str) -> Org:
    """The organisation a page's `?org=` names (scoped: a 404 outside the user's), else the
    user's own (`default_org_for`); a 404 for a user who holds no role over one."""
    org = org_for_user(user, int(raw)) if raw.isdigit() else default_org_for(user=user)
    if org is None:
        raise Http404
    return org


def _members_of(org: Org) -> QuerySet[Member]:
    """The members on the roll in an organisation's subtree (a county's root: by county)."""
    qs = Member.objects.exclude(status__in=GONE)
    if org.parent_id is None:
        return qs.filter(county_id=org.county_id)
    # the subtree's branches first (a range of the path index), then their members (the
    # branch index): the database does not walk every member of the county
    return qs.filter(branch_id__in=Org.objects.filter(subtree_q(org.path)).values("pk"))


def members_ranked_count(*, org: Org) -> int:
    """How many members `member_ranking` ranks (one per member on the roll): counted without
    the sums, for the pager."""
    return _members_of(org).count()


def member_ranking(*, user: AnyUser, org: Org, year: int) -> QuerySet[Any]:
    """The members on the roll under `org` ranked by their counted total for the year (RANK:
    ties share a rank and the next rank skips, 1, 1, 3), then by name. Rows are dicts: pk,
    name, branch_id, branch__name, total, rank. One query per page (plus the count); members
    without entries rank last with 0."""
    _branch_visible(user, org)
    return (
        _members_of(org)
        .annotate(p=_counted(year))
        .values("pk", "name", "branch_id", "branch__name")
        .annotate(total=_sum("total"))
        .annotate(rank=Window(Rank(), order_by=F("total").desc()))
        .order_by("rank", "name", "pk")
    )


def low_points_threshold() -> Decimal:
    """settings.ZHENGXING_LOW_POINTS_THRESHOLD (the year's points below which a member is
    low; 60 unless the environment says otherwise)."""
    return Decimal(str(settings.ZHENGXING_LOW_POINTS_THRESHOLD))


def low_points_quarters() -> int:
    """settings.ZHENGXING_LOW_POINTS_QUARTERS: how many signed quarters in a row make low
    points long-running (2 unless the environment says otherwise)."""
    return int(settings.ZHENGXING_LOW_POINTS_QUARTERS)


def _low_q(threshold: Decimal, quarters: int) -> Q:
    """rules.is_low as a condition on the annotations s1..s4 (the member's branch signed the
    quarter) and c1..c4 (counted total by the end of the quarter), one OR-branch per case."""
    q = Q(pk__in=[])
    for pattern in low_patterns(quarters):
        case = Q()
        for n in pattern.signed:
            case &= Q(**{f"s{n}": True, f"c{n}__lt": low_points_bar(threshold, n)})
        for n in pattern.unsigned:
            case &= Q(**{f"s{n}": False})
        q |= case
    return q


def low_points(
    *,
    user: AnyUser,
    org: Org,
    year: int,
    threshold: Decimal,
    quarters: int,
) -> QuerySet[Any]:
    """The members on the roll under `org` whose points stay low (rules.is_low): below the
    pro-rated bar at the end of each of their branch's latest `quarters` signed quarters of
    the year. Rows are dicts: pk, name, branch_id, branch__name, c1..c4 (counted totals by the
    end of each quarter), total, talks (reminder talks this year) and last_talk. Lowest first;
    one query per page (plus the count)."""
    _branch_visible(user, org)
    closes = {
        f"s{q}": Exists(
            QuarterClose.objects.filter(branch_id=OuterRef("branch_id"), year=year, quarter=q)
        )
        for q in QUARTERS
    }
    talks = ReminderTalk.objects.filter(member_id=OuterRef("pk"), year=year).order_by()
    return (
        _members_of(org)
        .annotate(p=_counted(year))
        .annotate(**closes)
        .annotate(
            talks=Coalesce(
                Subquery(talks.values("member_id").annotate(n=Count("pk")).values("n")[:1]),
                Value(0),
            ),
            last_talk=Subquery(talks.order_by("-held_on").values("held_on")[:1]),
        )
        .values("pk", "name", "branch_id", "branch__name", "talks", "last_talk", *closes)
        .annotate(
            **{f"c{q}": _sum("total", Q(p__quarter__lte=q)) for q in QUARTERS},
            total=_sum("total"),
        )
        .filter(_low_q(threshold, quarters))
        .order_by("total", "name", "pk")
    )


RANKING_SCOPES = ("branch", "township", "county")


def ranking_org(*, user: AnyUser, scope: str, org_id: int | None) -> Org:
    """The organisation a ranking covers: `org_id` (or the user's own highest organisation)
    taken at the level `scope` names: the branch itself, the township above it (the tree's
    second level) or the county's root; an empty scope takes the organisation as it is.
    404 when the user does not see it, or for a branch ranking of an organisation that holds
    no members."""
    org = org_for_user(user, org_id) if org_id is not None else default_org_for(user=user)
    if org is None:
        raise Http404
    levels = {"county": 1, "township": 2}
    path = org.path[: levels[scope] * PATH_SEGMENT] if scope in levels else org.path
    if path != org.path:
        found = orgs_visible_to(user).filter(path=path).first()
        if found is None:
            raise Http404
        org = found
    if scope == "branch" and org.kind not in MEMBER_HOLDING_KINDS:
        raise Http404
    return org


def evidence_owned(*, user: AnyUser, ref: str) -> EvidenceFile | None:
    """The evidence file `ref` names, if this user uploaded it (anyone else's is None)."""
    if not user.is_authenticated or not ref:
        return None
    return EvidenceFile.objects.filter(ref=ref, uploaded_by_id=user.pk).first()
