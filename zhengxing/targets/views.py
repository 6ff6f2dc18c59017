"""The target points' pages (mobile-first): the index (the units the user keeps, the assessors'
queue, the catalogues, the county's overview), a unit's targets with its progress form and
ledger, the assessor's queue of submissions to score, the catalogues with their publish button,
the county's button closing a year (年终评定). The on-site visits' pages are in
`visit_views.py`, the catalogue's editor in `editor.py`. Each page calls the same services as
the API (`api.py`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengxing.accounts.reauth import recent_auth
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, confirmed
from zhengxing.ledger.evidence import store, upload_problem
from zhengxing.orgs.models import County
from zhengxing.orgs.selectors import org_for_user, scope_for
from zhengxing.orgs.services import county_root

from . import selectors, services
from .models import TargetCatalogue, TargetEntry
from .rules import KIND_LABELS, MEASURE_LABELS, SOURCE_LABELS
from .scores import standing_visible_to, unit_target_scores

app_name = "targets"


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@login_required
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    scope = scope_for(request.user)
    counties = sorted(scope.county_ids())
    standing = (
        standing_visible_to(request.user, county_id=counties[0], year=year) if counties else None
    )
    root = county_root(County.objects.get(pk=counties[0])) if counties else None
    return TemplateResponse(
        request,
        "targets/index.html",
        {
            "year": year,
            "units": list(selectors.units_staffed_by(request.user)),
            "queue": selectors.submissions_to_assess(request.user, year).count(),
            "visits": list(selectors.visits_to_score(request.user, year)[:20]),
            "assessable": list(selectors.units_to_assess(request.user)[:300]),
            "catalogues": list(selectors.catalogues_visible_to(request.user)[:20]),
            "may_draft": bool(selectors.catalogue_owners(request.user)),
            "overview": standing.units[:200] if standing else [],
            "closed_at": standing.closed_at if standing else None,
            "may_close": root is not None and scope.can_manage_tree(root),
            "close_not_yet": year >= timezone.localdate().year,
            "county_code": root.county.code if root else "",
        },
    )


@login_required
@never_cache
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's targets, its score on each, its ledger; its staff report progress here."""
    unit = org_for_user(request.user, pk)
    year = _year(request)
    staff = scope_for(request.user).can_manage_org(unit)
    if request.method == "POST":
        if not staff:
            raise Http404
        evidence = ""
        upload = request.FILES.get("evidence")
        try:
            if upload is not None:
                problem = upload_problem(upload)
                if problem:
                    raise ServiceError(problem)
                evidence = store(upload, today=timezone.localdate())[0]
            services.target_progress_submit(
                actor=Actor.from_request(request),
                unit=unit,
                code=request.POST.get("code", ""),
                text=request.POST.get("text", ""),
                value=request.POST.get("value") or None,
                evidence=evidence,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Progress recorded."))
        return redirect(f"{request.path}?year={year}")
    catalogue = selectors.catalogue_for_unit(unit, year)
    targets = selectors.targets_for_unit(unit, catalogue)
    score = unit_target_scores(unit, year)
    rows = [(t, score.targets.get(t.code) if score else None) for t in targets]
    this_year = timezone.localdate().year
    closed_at = selectors.year_closed_at(unit, year)
    return TemplateResponse(
        request,
        "targets/unit.html",
        {
            "unit": unit,
            "year": year,
            "staff": staff,
            # progress is reported for this year only (the service records it there), while
            # the year is open: a past year's page shows why there is no form
            "may_report": staff and year == this_year and closed_at is None,
            "closed_at": closed_at,
            "this_year": this_year,
            "catalogue": catalogue,
            "rows": rows,
            "score": score,
            "entries": list(selectors.entries_of_unit(request.user, unit, year)[:200]),
            "kinds": KIND_LABELS,
            "measures": MEASURE_LABELS,
            "sources": SOURCE_LABELS,
            "key": f"{request.user.pk}-{unit.pk}-{timezone.now().timestamp()}",
            "chain_problem": selectors.unit_chain_problem(unit=unit),
        },
    )


@login_required
@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    """The assessor's queue on a phone (日常考评): each submission with a score box."""
    year = _year(request)
    if request.method == "POST":
        found = TargetEntry.objects.filter(
            selectors.assessing_q(request.user),
            pk=request.POST.get("submission") or 0,
            kind="progress",
        ).first()
        if found is None:
            raise Http404
        try:
            services.target_submission_assess(
                actor=Actor.from_request(request),
                submission=found,
                points=request.POST.get("points", ""),
                note=request.POST.get("note", ""),
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Score recorded."))
        return redirect(f"{request.path}?year={year}")
    return TemplateResponse(
        request,
        "targets/queue.html",
        {"year": year, "entries": list(selectors.submissions_to_assess(request.user, year)[:100])},
    )


@login_required
@never_cache
def catalogue_page(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = selectors.catalogue_for_user(request.user, pk)
    if catalogue is None:
        raise Http404
    return TemplateResponse(
        request,
        "targets/catalogue.html",
        {
            "catalogue": catalogue,
            "tasks": list(catalogue.tasks.prefetch_related("targets")),
            "measures": MEASURE_LABELS,
            "may_publish": scope_for(request.user).can_manage_tree(catalogue.owner),
            # a published version starts the next draft, unless one is being written
            "draft": TargetCatalogue.objects.filter(
                owner_id=catalogue.owner_id, year=catalogue.year, status="draft"
            ).first(),
        },
    )


@require_POST
@login_required
def catalogue_publish(request: HttpRequest, pk: int) -> HttpResponse:
    catalogue = selectors.catalogue_for_user(request.user, pk)
    if catalogue is None:
        raise Http404
    try:
        if not confirmed(request.POST):
            raise ServiceError(NOT_CONFIRMED)
        services.target_catalogue_publish(actor=Actor.from_request(request), catalogue=catalogue)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Targets published."))
    return redirect("targets:catalogue", catalogue.pk)


@require_POST
@login_required
@recent_auth
def year_close(request: HttpRequest, year: int) -> HttpResponse:
    """The county closes the year (年终评定): its units' scores and places kept, their ledgers of
    that year shut for good; behind a confirmation and the password entered again (as a
    quarter's sign-off is), the year having ended."""
    counties = sorted(scope_for(request.user).county_ids())
    if not counties:
        raise Http404
    owner = county_root(County.objects.get(pk=counties[0]))
    try:
        if not confirmed(request.POST):  # the year's results are kept for good
            raise ServiceError(NOT_CONFIRMED)
        services.target_year_close(actor=Actor.from_request(request), owner=owner, year=year)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The year was closed and its ranking kept."))
    return redirect(f"{reverse('targets:index')}?year={year}")


urlpatterns = [
    path("", index, name="index"),
    path("unit/<int:pk>/", unit_page, name="unit"),
    path("queue/", queue, name="queue"),
    path("catalogues/<int:pk>/", catalogue_page, name="catalogue"),
    path("catalogues/<int:pk>/publish/", catalogue_publish, name="publish"),
    path("years/<int:year>/close/", year_close, name="year_close"),
]
