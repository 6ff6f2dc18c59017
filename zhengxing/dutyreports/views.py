"""The review's pages: the list (rounds, reports to write, reports to score, a new round), the
county's rubric, a round (its units and their progress, its panel, the meeting opened and
closed, its Excel), a unit's report (the secretary writes it on a phone), a report (the panel
member scores it on a phone; the scores once all have), and the public's results of a county."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, confirmed
from zhengxing.ledger.forms import evidence_storage
from zhengxing.ledger.services import evidence_upload
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import scope_for

from . import selectors, services
from .excel import results_workbook
from .forms import PickForm, ReportForm, RoundForm, RubricForm, ScoreForm
from .models import Report, ReportFile, Score
from .rules import DEFAULT_RUBRIC, State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _holding_orgs(request: HttpRequest) -> list[tuple[int, str]]:
    """The county and townships where the user may hold a round."""
    scope = scope_for(request.user)
    found = Org.objects.filter(
        scope.org_q(), kind__in=selectors.HOLDING_KINDS, is_active=True
    ).order_by("path")[:200]
    return [(o.pk, o.name) for o in found if selectors.may_manage(scope, o)]


@login_required
@never_cache
def index(request: HttpRequest) -> HttpResponse:
    orgs = _holding_orgs(request)
    form = RoundForm(request.POST or None, orgs=orgs) if orgs else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = services.round_create(
                actor=Actor.from_request(request),
                org=Org.objects.get(pk=data["org"]),
                year=data["year"],
                title=data["title"],
                thresholds=(data["good_from"], data["fairly_good_from"], data["fair_from"]),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("dutyreports:round", rnd.pk)
    scope = scope_for(request.user)
    return TemplateResponse(
        request,
        "dutyreports/index.html",
        {
            "rounds": list(selectors.rounds_visible_to(request.user)[:100]),
            "to_report": list(selectors.units_to_report(request.user)),
            "to_score": selectors.reports_to_score(request.user),
            "sets_rubric": any(selectors.may_set_rubric(scope, c) for c in scope.county_ids())
            or scope.everything,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def rubric_page(request: HttpRequest) -> HttpResponse:
    """The county's rubric: everyone in the county reads it; its organisation department sets
    the next version."""
    scope = scope_for(request.user)
    counties = sorted(scope.county_ids()) or (
        list(County.objects.order_by("pk").values_list("pk", flat=True)[:1])
        if scope.everything
        else []
    )
    if not counties:
        raise Http404
    county = County.objects.get(pk=counties[0])
    current = selectors.rubric_current(county.pk)
    sets = selectors.may_set_rubric(scope, county.pk)
    shown = [(i.name, i.max_points) for i in current.items.all()] if current else DEFAULT_RUBRIC
    initial = "\n".join(f"{name} {points}" for name, points in shown)
    if request.method == "POST" and not sets:
        raise PermissionDenied
    form = RubricForm(request.POST or None, initial={"lines": initial}) if sets else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.rubric_set(
                actor=Actor.from_request(request), county=county, items=form.items()
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The rubric was saved as a new version."))
            return redirect("dutyreports:rubric")
    return TemplateResponse(
        request,
        "dutyreports/rubric.html",
        {"county": county, "current": current, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _user_label(u: User) -> str:
    return u.get_full_name() or u.get_username()


@login_required
@never_cache
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_for_user(request.user, pk)
    manages = selectors.may_manage(scope_for(request.user), rnd)
    setting_up = manages and rnd.state == State.SETUP
    action = request.POST.get("action", "")
    unit_form = panel_form = None
    if setting_up:
        unit_form = PickForm(
            request.POST if action == "unit" else None,
            choices=[(o.pk, o.name) for o in selectors.unit_candidates(rnd)],
            label=_("A unit whose secretary reports"),
        )
        panel_form = PickForm(
            request.POST if action == "panel" else None,
            choices=[(u.pk, _user_label(u)) for u in selectors.panel_candidates(rnd)[:200]],
            label=_("A member of the review panel"),
        )
    error = None
    if request.method == "POST" and manages:
        actor = Actor.from_request(request)
        try:
            if action == "unit" and unit_form is not None and unit_form.is_valid():
                org = Org.objects.get(pk=unit_form.cleaned_data["pick"])
                services.round_unit_add(actor=actor, round=rnd, org=org)
                return redirect("dutyreports:round", rnd.pk)
            if action == "panel" and panel_form is not None and panel_form.is_valid():
                user = User.objects.get(pk=panel_form.cleaned_data["pick"])
                services.round_panel_add(actor=actor, round=rnd, user=user)
                return redirect("dutyreports:round", rnd.pk)
            if action in ("open", "close"):
                if not confirmed(request.POST):
                    raise ServiceError(NOT_CONFIRMED)
                if action == "open":
                    services.round_open(actor=actor, round=rnd)
                    messages.success(request, _("The review meeting is open."))
                else:
                    services.round_close(actor=actor, round=rnd)
                    messages.success(request, _("The review is closed and its results posted."))
                return redirect("dutyreports:round", rnd.pk)
        except ServiceError as e:
            error = str(e)
    elif request.method == "POST":
        raise PermissionDenied
    rows = selectors.unit_rows(rnd)
    return TemplateResponse(
        request,
        "dutyreports/round.html",
        {
            "round": rnd,
            "rows": rows,
            "panel": list(selectors.panel_of(rnd)),
            "rubric": rnd.rubric if rnd.rubric_id else selectors.rubric_current(rnd.county_id),
            "manages": manages,
            # the panel reads every report and the results; a unit's secretary their own only
            "reads_all": manages or selectors.panelist_of(request.user, rnd) is not None,
            "unit_form": unit_form,
            "panel_form": panel_form,
            "error": error,
            "my_units": {
                r.unit.pk for r in rows if selectors.secretary_of(request.user, r.unit.org)
            },
            "public_url": reverse("public_dutyreports:results", args=[_county_ref(rnd.county_id)]),
        },
        status=400 if request.method == "POST" else 200,
    )


def _county_ref(county_id: int) -> str:
    return str(
        Org.objects.filter(county_id=county_id, parent__isnull=True)
        .values_list("public_ref", flat=True)
        .get()
    )


@login_required
@never_cache
def unit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's report: its secretary writes it (and again, until the meeting opens)."""
    unit = selectors.unit_for_user(request.user, pk)
    report = Report.objects.filter(unit=unit).first()
    writes = unit.round.state == State.SETUP and selectors.secretary_of(request.user, unit.org)
    form = None
    if writes:
        form = ReportForm(
            request.POST or None,
            request.FILES or None,
            initial={"text": report.text if report else ""},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            actor = Actor.from_request(request)
            try:
                files = [
                    evidence_upload(actor=actor, upload=f) for f in form.cleaned_data["attachments"]
                ]
                services.report_submit(
                    actor=actor, unit=unit, text=form.cleaned_data["text"], files=files
                )
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("Your report was submitted."))
                return redirect("dutyreports:unit", unit.pk)
    return TemplateResponse(
        request,
        "dutyreports/unit.html",
        {"unit": unit, "report": report, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A report, read by the panel, the managers and the unit's secretary; scored on a phone
    by each panel member who may."""
    report = selectors.report_for_user(request.user, pk)
    rnd = report.round
    panelist = selectors.panelist_of(request.user, rnd)
    mine = Score.objects.filter(report=report, panelist=panelist).first() if panelist else None
    recuses = panelist is not None and selectors.belongs_to(panelist.user_id, report.unit.org)
    form = None
    if panelist and rnd.state == State.MEETING and mine is None and not recuses and rnd.rubric:
        form = ScoreForm(request.POST or None, items=list(rnd.rubric.items.all()))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.score_submit(
                    actor=Actor.from_request(request),
                    report=report,
                    marks=form.marks(),
                    comment=form.cleaned_data["comment"],
                )
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("Your score was recorded."))
                return redirect("dutyreports:report", report.pk)
    return TemplateResponse(
        request,
        "dutyreports/report.html",
        {
            "report": report,
            "round": rnd,
            "files": list(report.files.select_related("evidence")),
            "scores": selectors.scores_shown(report, panelist),
            "given": report.scores.count(),
            "mine": mine,
            "recuses": recuses,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int) -> FileResponse:
    """A report's attachment, for those who may read the report."""
    found = ReportFile.objects.select_related("evidence", "report").filter(pk=pk).first()
    if found is None:
        raise Http404
    selectors.report_for_user(request.user, found.report_id)
    response = FileResponse(
        evidence_storage().open(found.evidence.path, "rb"),
        content_type=found.evidence.content_type,
    )
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_GET
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's results (those scored so far), for its managers and its panel."""
    rnd = selectors.round_for_user(request.user, pk)
    if not (
        selectors.may_manage(scope_for(request.user), rnd)
        or selectors.panelist_of(request.user, rnd)
    ):
        raise Http404
    comments: dict[int, list[Score]] = {}
    for s in Score.objects.filter(report__round=rnd, report__score__isnull=False).order_by("pk"):
        comments.setdefault(s.report_id, []).append(s)
    response = HttpResponse(
        results_workbook(rnd, selectors.unit_rows(rnd), comments), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="duty-review-{rnd.pk}.xlsx"'
    return response


# --- the public's page ------------------------------------------------------------------


@require_GET
def public_results(request: HttpRequest, ref: str) -> HttpResponse:
    """A county's closed rounds: each unit's score, grade and the panel's comments. A round
    still being set up or in its meeting shows nothing."""
    county = selectors.county_org_public(ref)
    return TemplateResponse(
        request,
        "dutyreports/public/results.html",
        {"county": county, "rounds": selectors.rounds_public(county.county_id)},
    )


urlpatterns = [
    path("", index, name="index"),
    path("rubric/", rubric_page, name="rubric"),
    path("<int:pk>/", round_page, name="round"),
    path("<int:pk>/results.xlsx", results_xlsx, name="results_xlsx"),
    path("unit/<int:pk>/", unit_page, name="unit"),
    path("report/<int:pk>/", report_page, name="report"),
    path("file/<int:pk>/", report_file, name="file"),
]
public_urlpatterns = [path("<slug:ref>/", public_results, name="results")]
