"""Reads of democratic appraisal: a branch's round of a year, its posted results, who voted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from zhengxing.orgs.models import Org

from ..models import AppraisalResult, AppraisalRound
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
