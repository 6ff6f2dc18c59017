"""A member's own points: the year's entries, claims still pending, counted totals per quarter
and the reminder talks held."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.http import Http404

from zhengxing.orgs.models import Member
from zhengxing.orgs.selectors import scope_for

from ..models import Claim, LedgerEntry, ReminderTalk
from ..rules import ClaimStatus
from ._common import _normal, _signed
from .entries import counted_entries

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


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
