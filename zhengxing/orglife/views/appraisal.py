"""Democratic appraisal's pages: the member's ballot on a phone (a grade for every other member)
and the posted result; the branch's page (open the round, see how many voted, post the result
behind a second look, the follow-ups of 不合格)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, confirmed
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs import selectors as org_selectors

from .. import selectors, services
from ..appraisal_rules import GRADE_LABELS
from ..services.appraisal import appraised_members


@login_required
@never_cache
def my_appraisal(request: HttpRequest) -> HttpResponse:
    """The member's ballot of the year's appraisal, or its posted result."""
    member = org_selectors.own_member(request.user)
    year = timezone.localdate().year
    found = selectors.appraisal_of(user=request.user, branch=member.branch, year=year)
    others = {pk: name for pk, name in appraised_members(member.branch).items() if pk != member.pk}
    if request.method == "POST" and found is not None:
        grades = {pk: request.POST.get(f"grade-{pk}", "") for pk in others}
        try:
            services.appraisal_vote(
                actor=Actor.from_request(request),
                appraisal=found,
                voter=member,
                grades={pk: g for pk, g in grades.items() if g},
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Your ballot was cast."))
        return redirect("orglife:my_appraisal")
    return TemplateResponse(
        request,
        "orglife/appraisal/mine.html",
        {
            "member": member,
            "year": year,
            "appraisal": found,
            "others": list(others.items()),
            "grades": list(GRADE_LABELS.items()),
            "results": selectors.appraisal_results(appraisal=found)
            if found and found.posted_at
            else None,
        },
    )


@login_required
@never_cache
def branch_appraisal(request: HttpRequest, branch_id: int) -> HttpResponse:
    """The branch's appraisal of the year: open it, post the result."""
    branch = ledger_selectors.branch_for_manager(user=request.user, pk=branch_id)
    year = timezone.localdate().year
    found = selectors.appraisal_of(user=request.user, branch=branch, year=year)
    if request.method == "POST":
        actor = Actor.from_request(request)
        try:
            if found is None:
                services.appraisal_open(actor=actor, branch=branch, year=year)
                messages.success(request, _("The appraisal is open: members can vote."))
            elif not confirmed(request.POST):
                messages.error(request, NOT_CONFIRMED)
            else:
                services.appraisal_post(actor=actor, appraisal=found)
                messages.success(request, _("The result was posted."))
        except ServiceError as e:
            messages.error(request, str(e))
        return redirect("orglife:branch_appraisal", branch.pk)
    return TemplateResponse(
        request,
        "orglife/appraisal/branch.html",
        {
            "branch": branch,
            "year": year,
            "appraisal": found,
            "members": len(appraised_members(branch)),
            "voters": selectors.appraisal_voters(appraisal=found) if found else 0,
            "results": selectors.appraisal_results(appraisal=found)
            if found and found.posted_at
            else None,
        },
    )


urlpatterns = [
    path("appraisal/", my_appraisal, name="my_appraisal"),
    path("appraisal/<int:branch_id>/", branch_appraisal, name="branch_appraisal"),
]
