"""The review workflow's reads: the branches a user manages, their claims, public reports and
objections (a 404 outside the user's scope, with no hint that the row exists), and the
evidence files a user uploaded."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Org, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, ROLE_MANAGES, Role
from zhengxing.orgs.selectors import scope_for

from ..models import Claim, EvidenceFile, Objection, QuarterClose
from ..rules import ClaimSource, ClaimStatus, Quarter
from ._common import _branch_visible

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


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


def evidence_owned(*, user: AnyUser, ref: str) -> EvidenceFile | None:
    """The evidence file `ref` names, if this user uploaded it (anyone else's is None)."""
    if not user.is_authenticated or not ref:
        return None
    return EvidenceFile.objects.filter(ref=ref, uploaded_by_id=user.pk).first()


# --- what is waiting for the user (the home page) ------------------------------------------
# The branch committee reviews claims and answers objections, the secretary signs: these count
# for the branch's secretary and committee members, not for every role above that could open
# the same pages (a township would otherwise see every claim of its villages "waiting").
BRANCH_DUTIES = frozenset({Role.SECRETARY, Role.COMMITTEE})


def _branches_where(user: AnyUser, roles: frozenset[str]) -> QuerySet[Org]:
    """The member-holding organisations under the user's grants of `roles`."""
    q = Q(pk__in=[])
    for grant in scope_for(user).grants:
        if grant.role in roles:
            q |= subtree_q(grant.path)
    return Org.objects.filter(q, kind__in=MEMBER_HOLDING_KINDS)


def claims_to_review(*, user: AnyUser) -> dict[int, int]:
    """Pending claims of the branches whose committee the user sits on, by branch id (the
    user's own claims left out: someone else reviews them). One query."""
    own = Q(member_id=scope_for(user).member_id or 0)
    rows = (
        Claim.objects.filter(
            branch__in=_branches_where(user, BRANCH_DUTIES), status=ClaimStatus.PENDING
        )
        .exclude(own)
        .values("branch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["branch_id"]: row["n"] for row in rows}


def objections_to_answer(*, user: AnyUser) -> int:
    """Open objections to the notices of the branches whose committee the user sits on."""
    return Objection.objects.filter(
        posting__branch__in=_branches_where(user, BRANCH_DUTIES), status=Objection.Status.OPEN
    ).count()


def quarters_to_sign(*, user: AnyUser, today: dt.date) -> list[tuple[int, Quarter]]:
    """(branch id, quarter) for each of this year's quarters that has ended (in the first
    quarter: last year's fourth) of a branch the user is secretary of, not yet signed. Two
    queries."""
    branch_ids = list(
        _branches_where(user, frozenset({Role.SECRETARY})).values_list("pk", flat=True)
    )
    if not branch_ids:
        return []
    current = Quarter.of(today)
    ended = [Quarter(today.year, n) for n in range(1, current.number)] or [current.previous()]
    signed = set(
        QuarterClose.objects.filter(
            branch_id__in=branch_ids, year__in={q.year for q in ended}
        ).values_list("branch_id", "year", "quarter")
    )
    return [
        (branch_id, q)
        for branch_id in branch_ids
        for q in ended
        if (branch_id, q.year, q.number) not in signed
    ]
