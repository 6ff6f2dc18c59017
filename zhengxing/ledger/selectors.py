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

from zhengxing.orgs.models import PATH_SEGMENT, Member, Org, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, ROLE_MANAGES, MemberStatus
from zhengxing.orgs.selectors import scope_for

from .chain import CONTENT_FIELDS, ChainProblem, verify_chain
from .models import (
    BranchChainHead,
    Claim,
    LedgerEntry,
    Objection,
    Posting,
    QuarterClose,
    RuleCatalogue,
    RuleItem,
)
from .rules import ClaimSource, ClaimStatus, Part, Quarter

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
    """A branch for the public report form, by its id or its code (a code used in more than
    one county is ambiguous: 404)."""
    qs = Org.objects.filter(kind__in=MEMBER_HOLDING_KINDS, is_active=True)
    matches = list(qs.filter(pk=int(ref))[:1]) if ref.isdigit() else []
    if not matches:
        matches = list(qs.filter(code=ref)[:2])
    if len(matches) != 1:
        raise Http404
    return matches[0]


def branch_members_public(*, branch: Org) -> QuerySet[Member]:
    """The branch's current members, names only, for the public to say whom a report is about."""
    return (
        Member.objects.filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .only("pk", "name")
        .order_by("name", "pk")
    )


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
