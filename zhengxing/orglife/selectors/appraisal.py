"""Reads of democratic appraisal: a branch's round of a year, its posted results, who voted, the
county's policy, and the follow-ups of 不合格 (a round's, and those past their deadline)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from zhengxing.orgs.models import County, Org, subtree_q
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import county_for_roles, scope_for

from ..models import AppraisalPolicy, AppraisalResult, AppraisalRound, FollowUpStep
from .shop import branch_open_to

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def appraisal_of(*, user: AnyUser, branch: Org, year: int) -> AppraisalRound | None:
    """The branch's round of the year, for its members and those who may see it."""
    if not branch_open_to(user, branch):
        raise Http404
    return AppraisalRound.objects.filter(branch=branch, year=year).first()


def appraisal_results(*, appraisal: AppraisalRound) -> QuerySet[AppraisalResult]:
    """The posted grades (names only), by name."""
    return appraisal.results.select_related("member").order_by("member__name", "pk")


def appraisal_voters(*, appraisal: AppraisalRound) -> int:
    """How many members have cast their ballot."""
    return appraisal.ballots.values("voter_id").distinct().count()


def appraisal_own_ballot(*, appraisal: AppraisalRound, voter_id: int) -> dict[int, str]:
    """The grades the voter cast (ratee id -> grade), shown to the voter alone to change them
    before the result is posted; empty before they vote."""
    rows = appraisal.ballots.filter(voter_id=voter_id).values_list("ratee_id", "grade")
    return dict(rows)


def appraisal_county(*, user: AnyUser) -> County:
    """The county whose policy the user reads (anyone holding a role in it; the service lets
    only its organisation department set it); PermissionDenied without a role."""
    return county_for_roles(user, frozenset(Role.values))


def appraisal_policy(*, county_id: int) -> AppraisalPolicy:
    """The county's policy, or the defaults when it has set none (not saved)."""
    found = AppraisalPolicy.objects.filter(county_id=county_id).first()
    return found or AppraisalPolicy(county_id=county_id)


def appraisal_follow_ups(*, appraisal: AppraisalRound) -> QuerySet[FollowUpStep]:
    """Every step of the round's follow-ups, member by member, in order."""
    return (
        FollowUpStep.objects.filter(result__round=appraisal)
        .select_related("result__member", "recorded_by")
        .order_by("result__member__name", "result_id", "order")
    )


def follow_up_for_manager(*, user: AnyUser, pk: int) -> FollowUpStep:
    """A step of a branch the user manages; 404 otherwise."""
    found = FollowUpStep.objects.select_related("branch").filter(pk=pk).first()
    if found is None or not scope_for(user).can_manage_org(found.branch):
        raise Http404
    return found


def follow_ups_overdue(*, user: AnyUser, org: Org, today: dt.date) -> QuerySet[FollowUpStep]:
    """The steps under `org` not recorded by their deadline, the longest overdue first: what the
    township chases (one query, `follow_up_step_open`)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        FollowUpStep.objects.filter(
            subtree_q(org.path, "branch__"), county_id=org.county_id, recorded_on__isnull=True,
            due_on__lt=today,
        )
        .select_related("result__member", "branch")
        .order_by("due_on", "pk")
    )  # fmt: skip
