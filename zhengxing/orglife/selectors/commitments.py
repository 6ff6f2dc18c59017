"""Reads of 三亮 commitments: the member's own, the branch's (with progress and reviews), the
public board (approved ones only, names only), and the half-yearly review scores a star
scheme's component would weigh."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse

from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.orgs.selectors import scope_for

from ..models import Commitment, CommitmentProgress, CommitmentReview, CommitmentStatus

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def _with_history(qs: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return qs.select_related("member").prefetch_related(
        Prefetch("progress", CommitmentProgress.objects.order_by("-reported_on", "-pk")),
        Prefetch("reviews", CommitmentReview.objects.order_by("half")),
    )


def member_commitments(*, user: AnyUser, member: Member, year: int) -> QuerySet[Commitment]:
    """A member's commitments of the year, for them and those who may see them."""
    if not scope_for(user).can_see_member(member):
        raise Http404
    return _with_history(Commitment.objects.filter(member=member, year=year)).order_by("field")


def branch_commitments(*, user: AnyUser, branch: Org, year: int) -> QuerySet[Commitment]:
    """The branch's commitments of the year, those waiting first: four queries for any number."""
    if not scope_for(user).can_see_org(branch):
        raise Http404
    return _with_history(Commitment.objects.filter(branch=branch, year=year)).order_by(
        "status", "member__name", "field"
    )


def commitment_for_user(*, user: AnyUser, pk: int) -> Commitment:
    """A commitment the user may see (their own, or one of a branch in their scope); else 404."""
    c = Commitment.objects.select_related("branch", "member").filter(pk=pk).first()
    scope = scope_for(user)
    if c is None or not (c.member_id == scope.member_id or scope.can_see_org(c.branch)):
        raise Http404
    return c


def public_branch(public_ref: str) -> Org:
    """A branch by its public reference (never its id); 404 otherwise."""
    branch = Org.objects.filter(public_ref=public_ref, kind__in=MEMBER_HOLDING_KINDS).first()
    if branch is None:
        raise Http404
    return branch


def public_commitments(*, branch: Org, year: int) -> QuerySet[Commitment]:
    """The public board (党务公开栏): approved commitments with the member's name, the promise,
    how it is checked, the progress and the branch's evaluations. Nothing else of the member."""
    return _with_history(
        Commitment.objects.filter(branch=branch, year=year, status=CommitmentStatus.APPROVED)
    ).order_by("member__name", "field")


# The stars' component `commitment_review` (`stars/sources.py`), per member in one SELECT inside
# the recompute's statement: the sum of the branch's reviews of the member's approved commitments
# of the year (in tenths) and how many, in the period's half-years, given by the recompute's
# moment: each member's average review is s10 / n / 10.
REVIEW_SCORES_SQL = f"""
        SELECT c.member_id AS subject_id, CAST(SUM(v.score) * 10 AS BIGINT) AS s10,
               COUNT(*) AS n
        FROM orglife_commitmentreview v JOIN orglife_commitment c ON c.id = v.commitment_id
        WHERE v.county_id = %(county)s AND c.year = %(year)s
          AND c.status = '{CommitmentStatus.APPROVED.value}' AND v.half IN ({{halves}})
          AND v.reviewed_at <= %(moment)s
        GROUP BY c.member_id"""


def commitments_board_url(rating: Any, user: Any = None) -> str:
    """Where a rating's commitment review comes from: the branch's public board of the year,
    every commitment with its reviews (open to whoever sees the rating, no login)."""
    board = reverse("public_life:commitments", args=[rating.branch.public_ref])
    return f"{board}?year={rating.year}"
