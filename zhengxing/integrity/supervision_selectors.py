"""Reads of the supervision findings: the township and the county see those of the branches
under their roles; a branch's secretary sees the findings against their own branch and what
they cost it — the finding and its deduction, never the flags' raw evidence (who scored whom)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import subtree_q
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import Scope, scope_for

from .flag_selectors import flags_q, may_see_flags
from .models import SupervisionFinding

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def supervision_q(scope: Scope) -> Q:
    """The findings a scope may see: the flags' reach (township, county), and the branch of
    each secretary's role."""
    q = flags_q(scope)
    for grant in scope.grants:
        if grant.role == Role.SECRETARY:
            q |= subtree_q(grant.path, "org__")
    return q


def may_see_supervision(scope: Scope) -> bool:
    return may_see_flags(scope) or Role.SECRETARY in scope.roles()


def supervision_visible_to(
    user: AnyUser, *, org_id: int | None = None
) -> QuerySet[SupervisionFinding]:
    """The user's findings, newest first, with their branch and who recorded them (one
    query; the flags they cite are a second, when asked for)."""
    found = SupervisionFinding.objects.filter(supervision_q(scope_for(user))).select_related(
        "org", "recorded_by", "withdrawn_by"
    )
    if org_id is not None:
        found = found.filter(org_id=org_id)
    return found.order_by("-recorded_at", "-pk")


def supervision_for_user(user: AnyUser, pk: int) -> SupervisionFinding:
    """The finding, if the user may see it; 404 otherwise (no hint that it exists)."""
    finding = supervision_visible_to(user).filter(pk=pk).first()
    if finding is None:
        raise Http404
    return finding
