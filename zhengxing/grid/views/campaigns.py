"""Door-to-door campaigns' pages (敲门行动): the campaigns under the user's organisation with the
form to start one (the township, the village); a campaign's coverage per grid for the grid
head, the station and the township; the worker's round of a grid on the phone (the households,
those not reached first, tap one to record the visit); the visit's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.selectors import org_or_default
from zhengxing.orgs.models import subtree_q
from zhengxing.orgs.selectors import scope_for

from .. import selectors, services
from ..forms import CampaignForm, VisitForm

GRIDS_PER_PAGE = 200


@login_required
@never_cache
def campaign_list(request: HttpRequest) -> HttpResponse:
    org = org_or_default(user=request.user, raw=request.GET.get("org", ""))
    may_start = scope_for(request.user).can_manage_tree(org)
    grids = (
        list(
            selectors.grids_visible_to(request.user)
            .filter(subtree_q(org.path, "org__"))
            .order_by("code")
        )
        if may_start
        else []
    )
    form = CampaignForm(request.POST or None, grids=[(g.pk, f"{g.code} {g.name}") for g in grids])
    if request.method == "POST" and may_start and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=Actor.from_request(request),
                org=org,
                purpose=data["purpose"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                grids=[g for g in grids if g.pk in set(data["grids"])],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The campaign was started."))
            return redirect("grid:campaign", campaign.pk)
    return TemplateResponse(
        request,
        "grid/campaigns.html",
        {
            "org": org,
            "campaigns": list(selectors.campaigns_visible_to(request.user)[:100]),
            "form": form if may_start else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Coverage per grid (households reached of all, those not yet reached counted); each grid's
    own households not reached are on its round's page. A city-wide list of them here cost 8 s
    at 200,000 households (bench_grid): the coverage's one query is the page, the totals over
    every grid and the table GRIDS_PER_PAGE grids at a time (all 4,397 rows took 3 s to draw)."""
    campaign = selectors.campaign_for_user(request.user, pk)
    cov = selectors.coverage_of(request.user, campaign)
    page = Paginator(cov.grids, GRIDS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "grid/campaign.html", {"campaign": campaign, "coverage": cov, "page": page}
    )


@login_required
@never_cache
def campaign_round(request: HttpRequest, pk: int, grid_pk: int) -> HttpResponse:
    """The worker's round of one grid, on the phone: tap a household to record the visit."""
    campaign = selectors.campaign_for_user(request.user, pk)
    grid = selectors.grid_for_user(request.user, grid_pk)
    if not campaign.grids.filter(pk=grid.pk).exists():
        raise Http404
    households = list(selectors.campaign_households(campaign, grid))
    reached = len([h for h in households if h.reached])  # type: ignore[attr-defined]
    return TemplateResponse(
        request,
        "grid/campaign_round.html",
        {
            "campaign": campaign,
            "grid": grid,
            "households": households,
            "reached": reached,
            "percent": selectors.percent(reached, len(households)),
            "may_work": selectors.may_work(scope_for(request.user), grid.org),
        },
    )


@login_required
@never_cache
def visit_page(request: HttpRequest, pk: int, household_pk: int) -> HttpResponse:
    campaign = selectors.campaign_for_user(request.user, pk)
    household = selectors.household_for_user(request.user, household_pk)
    residents = list(household.residents.order_by("pk"))
    form = VisitForm(
        request.POST or None,
        residents=[(r.pk, f"{r.name}（{r.get_relation_display()}）") for r in residents],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_record(
                actor=Actor.from_request(request),
                campaign=campaign,
                household=household,
                outcome=data["outcome"],
                asked=data["asked"],
                note=data["note"],
                leaving=[r for r in residents if r.pk in set(data["leaving"])],
                arriving=[services.Arrival(*row) for row in form.arrivals()],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("grid:campaign_round", campaign.pk, household.grid_id)
    return TemplateResponse(
        request,
        "grid/visit.html",
        {
            "campaign": campaign,
            "household": household,
            "residents": residents,
            "visits": list(household.visits.filter(campaign=campaign).order_by("-visited_at")[:20]),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("campaigns/", campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", campaign_page, name="campaign"),
    path("campaigns/<int:pk>/grid/<int:grid_pk>/", campaign_round, name="campaign_round"),
    path("campaigns/<int:pk>/visit/<int:household_pk>/", visit_page, name="visit"),
]
