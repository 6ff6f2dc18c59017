"""Reads of the stored findings (`Flag`), for the township and the county only: the flags of the
organisations under their township or county roles ("Flagged to the township with the
evidence, never shown to the public"). A branch's secretary, a committee member or a member sees
none of them: the flags name the raters of their own branch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import subtree_q
from zhengxing.orgs.rules import ROLE_MANAGES_TREE
from zhengxing.orgs.selectors import NOTHING, Scope, scope_for

from .models import Flag

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def flags_q(scope: Scope, prefix: str = "org__") -> Q:
    """The flags a scope may see: those of organisations under its township or county roles
    (`prefix` leads to the organisation: "" for Org rows)."""
    if scope.everything:
        return Q()
    q = NOTHING
    for grant in scope.grants:
        if grant.role in ROLE_MANAGES_TREE:
            q |= subtree_q(grant.path, prefix)
    return q


def may_see_flags(scope: Scope) -> bool:
    return scope.everything or bool(scope.roles() & ROLE_MANAGES_TREE)


def flags_visible_to(user: AnyUser, *, status: str | None = None) -> QuerySet[Flag]:
    """The user's flags, newest first, with their organisation (one query)."""
    flags = Flag.objects.filter(flags_q(scope_for(user))).select_related("org", "decided_by")
    if status:
        flags = flags.filter(status=status)
    return flags.order_by("-found_at", "-pk")


def flag_for_user(user: AnyUser, pk: int) -> Flag:
    """The flag, if the user may see it; 404 otherwise (no hint that it exists)."""
    flag = flags_visible_to(user).filter(pk=pk).first()
    if flag is None:
        raise Http404
    return flag
