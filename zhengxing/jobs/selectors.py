"""Reading jobs, always scoped: a job is seen by whoever started it, by its county's department,
and by the committee of the township it is about."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from zhengxing.orgs.models import subtree_q
from zhengxing.orgs.rules import ROLE_MANAGES_TREE, Role
from zhengxing.orgs.selectors import scope_for

from .models import Job


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    jobs = Job.objects.select_related("county", "org", "started_by")
    if not user.is_authenticated:
        return jobs.none()
    scope = scope_for(user)
    if scope.everything:
        return jobs
    q = Q(started_by=user)
    for g in scope.grants:
        if g.role == Role.COUNTY:
            q |= Q(county_id=g.county_id)
        elif g.role in ROLE_MANAGES_TREE:
            q |= subtree_q(g.path, "org__")
    return jobs.filter(q)


def job_for_user(user: Any, pk: Any) -> Job:
    """The job, if the user may see it; 404 otherwise (the two look the same)."""
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def jobs_of_county(user: Any, *, county_id: int | None = None) -> QuerySet[Job]:
    """The jobs the user sees, newest first, of one county or all theirs."""
    jobs = jobs_visible_to(user)
    if county_id is not None:
        jobs = jobs.filter(county_id=county_id)
    return jobs.order_by("-created_at")
