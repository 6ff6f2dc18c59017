"""A branch and its members as the public report form shows them: by random or keyed public
references, never by database ids, and names only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.crypto import salted_hmac

from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus


def branch_public(*, ref: str) -> Org:
    """A branch for the public report form, by its random public reference (`Org.public_ref`):
    never by id or code, which anyone could count through to harvest every branch's members."""
    branch = Org.objects.filter(
        public_ref=ref, kind__in=MEMBER_HOLDING_KINDS, is_active=True
    ).first()
    if branch is None:
        raise Http404
    return branch


def branch_members_public(*, branch: Org) -> QuerySet[Member]:
    """The branch's current members, names only, for the public to say whom a report is about."""
    return (
        Member.objects.filter(branch=branch)
        .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
        .only("pk", "name")
        .order_by("name", "pk")
    )


def member_public_ref(*, branch: Org, member_id: int) -> str:
    """How a public page names one of the branch's members (a form's choice): a keyed hash of
    the branch's public reference and the member's id, so the page carries no database id and
    one branch's choices say nothing about another's."""
    value = f"{branch.public_ref}:{member_id}"
    return salted_hmac("zhengxing.public-member", value, algorithm="sha256").hexdigest()[:16]


def branch_members_by_ref(*, branch: Org) -> dict[str, Member]:
    """The branch's current members (`branch_members_public`) by their public references."""
    return {
        member_public_ref(branch=branch, member_id=m.pk): m
        for m in branch_members_public(branch=branch)
    }
