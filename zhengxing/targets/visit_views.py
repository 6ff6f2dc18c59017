"""The on-site visits' pages, on a phone at the unit (现场考评, 004: "采取日常考评和现场考评相结合的
方式"): the leader opens a visit to a unit with its named assessors; each assessor scores the
checklist on the visit's page; the leader closes it there, and its scores enter the unit's
target ledger. The same services as the API (`services/visits.py`)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, confirmed
from zhengxing.orgs.selectors import org_for_user, scope_for

from . import selectors, services


@login_required
@never_cache
def onsite(request: HttpRequest, pk: int) -> HttpResponse:
    """Open an on-site visit to the unit: the day, the named assessors (the leader is one of
    them), a note; and the unit's visits of the year."""
    unit = org_for_user(request.user, pk)
    today = timezone.localdate()
    problem = selectors.may_assess(scope_for(request.user), unit)
    candidates = [u for u in selectors.assessor_candidates(unit) if u.pk != request.user.pk]
    error = None
    if request.method == "POST" and problem is None:
        picked = {int(p) for p in request.POST.getlist("assessor") if p.isdigit()}
        try:
            try:
                visited = dt.date.fromisoformat(request.POST.get("visited_on", ""))
            except ValueError:
                raise ServiceError("请填写考评日期") from None
            visit = services.target_visit_open(
                actor=Actor.from_request(request),
                unit=unit,
                visited_on=visited,
                assessors=list(User.objects.filter(pk__in=picked)),
                note=request.POST.get("note", ""),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ServiceError as e:
            error = str(e)
        else:
            messages.success(request, _("The visit is open: each assessor scores it here."))
            return redirect("targets:visit", visit.pk)
    return TemplateResponse(
        request,
        "targets/onsite.html",
        {
            "unit": unit,
            "today": today,
            "candidates": candidates,
            "picked": {int(p) for p in request.POST.getlist("assessor") if p.isdigit()},
            "visits": list(
                selectors.visits_visible_to(request.user).filter(unit=unit, year=today.year)[:20]
            ),
            "key": f"{request.user.pk}-{unit.pk}-{timezone.now().timestamp()}",
            "problem": problem,
            "error": error,
        },
    )


@login_required
@never_cache
def visit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit: the signed-in assessor's checklist to score, who of the panel has scored, the
    leader's button to close it; once closed, the visit's score per target and each
    assessor's."""
    visit = selectors.visit_for_user(request.user, pk)
    if visit is None:
        raise Http404
    error = None
    if request.method == "POST":
        actor = Actor.from_request(request)
        try:
            if request.POST.get("action") == "close":
                if not confirmed(request.POST):
                    raise ServiceError(NOT_CONFIRMED)
                services.target_visit_close(actor=actor, visit=visit)
                messages.success(request, _("The visit is closed: its scores are in the ledger."))
            else:
                scores = {
                    k.removeprefix("t-"): str(v)
                    for k, v in request.POST.items()
                    if k.startswith("t-")
                }
                services.target_visit_score(actor=actor, visit=visit, scores=scores)
                messages.success(request, _("Your scores are recorded."))
        except ServiceError as e:
            error = str(e)
        else:
            return redirect("targets:visit", visit.pk)
    detail = selectors.visit_detail(request.user, visit)
    posted = request.POST if error else {}
    rows = [
        (
            t,
            [(seat, (detail.shown(seat) or {}).get(t.code)) for seat in detail.seats],
            detail.decided.get(t.code),
        )
        for t in detail.checklist
    ]
    return TemplateResponse(
        request,
        "targets/visit.html",
        {
            "visit": visit,
            "detail": detail,
            "rows": rows,
            "to_score": [(t, posted.get(f"t-{t.code}", "")) for t in detail.to_score],
            "error": error,
        },
    )


urlpatterns = [
    path("onsite/<int:pk>/", onsite, name="onsite"),
    path("visits/<int:pk>/", visit_page, name="visit"),
]
