"""Reads of the board of chances to serve: a branch's board (its members and those who may see
the branch), one chance with its sign-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Org

from ..models import Chance, ChanceSignup
from .shop import branch_open_to

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def branch_chances(*, user: AnyUser, branch: Org, member_id: int | None = None) -> QuerySet[Chance]:
    """The branch's chances, newest day first, with how many signed up (and whether
    `member_id` did): one query."""
    if not branch_open_to(user, branch):
        raise Http404
    qs = (
        Chance.objects.filter(branch=branch)
        .select_related("item")
        .annotate(signed=Count("signups"))
    )
    if member_id is not None:
        mine = ChanceSignup.objects.filter(chance=OuterRef("pk"), member_id=member_id)
        qs = qs.annotate(mine=Exists(mine))
    return qs.order_by("-happens_on", "-pk")


def chance_for_user(*, user: AnyUser, pk: int) -> Chance:
    """A chance of a branch the user belongs to or may see; 404 otherwise."""
    chance = Chance.objects.select_related("branch", "item").filter(pk=pk).first()
    if chance is None or not branch_open_to(user, chance.branch):
        raise Http404
    return chance


def chance_signups(*, chance: Chance) -> QuerySet[ChanceSignup]:
    return chance.signups.select_related("member").order_by("member__name", "pk")
