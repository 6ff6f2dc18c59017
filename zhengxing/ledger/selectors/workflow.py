"""The review workflow's reads: the branches a user manages, their claims, public reports and
objections (a 404 outside the user's scope, with no hint that the row exists), and the
evidence files a user uploaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Org, subtree_q
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, ROLE_MANAGES
from zhengxing.orgs.selectors import scope_for

from ..models import Claim, EvidenceFile, Objection
from ..rules import ClaimSource, ClaimStatus
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
