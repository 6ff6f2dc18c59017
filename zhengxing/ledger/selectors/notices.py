"""Posted notices (公示) as the public and the branch see them, and anyone's check that the
ledger still matches a notice."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from zhengxing.orgs.models import Org

from ..chain import CONTENT_FIELDS, verify_chain
from ..models import BranchChainHead, LedgerEntry, Objection, Posting, QuarterClose
from ..rules import ZERO, Quarter, points_text
from ._common import _branch_visible

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def posting_public(*, slug: str) -> Posting:
    """A posted notice by its public slug, for anyone (no login): 404 when there is none."""
    posting = (
        Posting.objects.select_related(
            "county", "branch", "branch__parent", "close", "close__signed_by"
        )
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
class PostingTotals:
    """The notice's sums, as its 合计 row shows them (text, as the lines carry points): the
    quarter's additions (base and bonus), its deductions (negative) and their total. They are
    the signed quarter's own figures: the lines count every member with an entry in it."""

    additions: str
    deductions: str
    total: str


def posting_totals(*, posting: Posting) -> PostingTotals:
    """The sums of the notice's frozen lines (nothing is read: the lines are on the row)."""
    additions = sum((Decimal(line["additions"]) for line in posting.lines), start=ZERO)
    deductions = sum((Decimal(line["deductions"]) for line in posting.lines), start=ZERO)
    return PostingTotals(
        additions=points_text(additions),
        deductions=points_text(deductions),
        total=points_text(additions + deductions),
    )


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
