"""Reads of membership transfers between counties (组织关系转接), always scoped: those sent
from the user's scope, those waiting for the user's organisations to receive them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, QuerySet
from django.http import Http404

from zhengxing.orgs.rules import ROLE_MANAGES
from zhengxing.orgs.selectors import scope_for

from ..models import Arrival, Transfer

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def transfers_out_visible_to(user: AnyUser) -> QuerySet[Transfer]:
    """Transfers sent from branches in the user's scope, newest first."""
    return (
        Transfer.objects.filter(scope_for(user).org_q("from_branch__"))
        .select_related("member", "from_branch", "to_org", "to_county")
        .order_by("-sent_on", "-pk")
    )


def transfers_in_visible_to(user: AnyUser) -> QuerySet[Transfer]:
    """Transfers to organisations in the user's scope (another county's members coming in),
    those still waiting first."""
    return (
        Transfer.objects.filter(scope_for(user).org_q("to_org__"))
        .select_related("member", "from_branch", "to_org", "county", "received_member")
        .order_by(F("received_on").desc(nulls_first=True), "sent_on", "pk")
    )


def transfer_for_user(user: AnyUser, pk: int) -> Transfer:
    """A transfer the user sees from either side."""
    found = (
        transfers_out_visible_to(user).filter(pk=pk).first()
        or transfers_in_visible_to(user).filter(pk=pk).first()
    )
    if found is None:
        raise Http404
    return found


def arrivals_visible_to(user: AnyUser) -> QuerySet[Arrival]:
    """Members received from counties outside the system into branches in the user's scope,
    newest first."""
    return (
        Arrival.objects.filter(scope_for(user).org_q("branch__"))
        .select_related("member", "branch")
        .order_by("-arrived_on", "-pk")
    )


def may_receive_arrivals(user: AnyUser) -> bool:
    """Whether the user receives members from outside the system (a branch's secretary or
    committee, the township, the county) and so reads the joint files of those who arrived;
    a grid worker sees who arrived, not their files."""
    scope = scope_for(user)
    return bool(scope.everything or scope.roles() & ROLE_MANAGES)
