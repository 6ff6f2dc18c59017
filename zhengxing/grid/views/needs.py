"""Residents' needs for those who answer them: the needs under the user's organisation (open,
overdue with their level, unsatisfied), and one need, moved through its states."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.forms import evidence_storage
from zhengxing.ledger.selectors import org_or_default
from zhengxing.orgs.selectors import scope_for

from .. import report, selectors, services
from ..forms import AnswerForm, PhotoForm
from ..models import Need, NeedPhoto
from ..rules import MAX_NEED_PHOTOS, MOVES, OPEN_STATES, Level, State, level_at

PER_PAGE = 50


@login_required
@require_GET
@never_cache
def need_list(request: HttpRequest) -> HttpResponse:
    """The needs under the user's organisation: open ones by due time, the overdue ones with
    where they have escalated to (the station, the centre), the unsatisfied ones."""
    org = org_or_default(user=request.user, raw=request.GET.get("org", ""))
    which = request.GET.get("list", "open")
    which = which if which in selectors.NEED_LISTS else "open"
    found = selectors.needs_listed(request.user, org, which, now=timezone.now())
    # KeyPages is sliced only, which is all Paginator does; the stubs want int indexing too.
    pages: Paginator[Need] = Paginator(found, PER_PAGE)  # type: ignore[arg-type]
    page = pages.get_page(request.GET.get("page"))
    levels = {value: str(label) for value, label in Level.choices}
    return TemplateResponse(
        request,
        "grid/needs.html",
        {
            "org": org,
            "which": which,
            "lists": selectors.NEED_LISTS,
            "page": page,
            "rows": [(n, levels[n.level]) for n in page],  # type: ignore[attr-defined]
        },
    )


@login_required
@never_cache
def need_page(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_for_user(request.user, pk)
    may_work = selectors.may_work(scope_for(request.user), need.grid.org)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and may_work and form.is_valid():
        try:
            services.need_move(
                actor=Actor.from_request(request),
                need=need,
                to=request.POST.get("to", ""),
                answer=form.cleaned_data["answer"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The need was updated."))
            return redirect("grid:need", need.pk)
    level = level_at(
        received=need.received_at,
        due=need.due_at,
        now=timezone.now(),
        is_open=need.state in OPEN_STATES,
    )
    return TemplateResponse(
        request,
        "grid/need.html",
        {
            "need": need,
            "level": Level(level).label,
            "moves": [(s, State(s).label) for s in State.values if s in MOVES[need.state]]
            if may_work
            else [],
            "form": form,
            "photos": list(need.photos.all()),
            "photo_form": PhotoForm() if may_work and need.state != State.CLOSED else None,
            "max_photos": MAX_NEED_PHOTOS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
@never_cache
def need_report(request: HttpRequest) -> HttpResponse:
    """The month's report of needs per grid, station (point) and organisation; `?format=xlsx`
    for its Excel. The month: `?month=2026-11`, else the last one."""
    org = org_or_default(user=request.user, raw=request.GET.get("org", ""))
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        year, month = last.year, last.month
    found = report.needs_month(user=request.user, org=org, year=year, month=month)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            report.needs_month_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = quote(f"需求月报-{org.name}-{year}年{month}月.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
    return TemplateResponse(
        request,
        "grid/needs_report.html",
        {"org": org, "report": found, "month": f"{year}-{month:02d}"},
    )


@login_required
@require_GET
def need_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """One of the need's photos, for those who see its grid (the worker among them)."""
    return photo_response(selectors.need_photo_for_user(request.user, pk, photo_id))


@login_required
@require_POST
def need_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker adds a photo to the need: the same service as the API's."""
    need = selectors.need_for_user(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ServiceError("请选择一张照片")
        services.need_photo_add(
            actor=Actor.from_request(request), need=need, upload=form.cleaned_data["photo"]
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The photo was added."))
    return redirect("grid:need", need.pk)


@login_required
@require_POST
def need_photo_remove(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """The worker (or the photo's uploader) takes a photo off: the same service as the API's."""
    photo = selectors.need_photo_for_user(request.user, pk, photo_id)
    try:
        services.need_photo_remove(actor=Actor.from_request(request), photo=photo)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The photo was taken off."))
    return redirect("grid:need", pk)


def photo_response(photo: NeedPhoto) -> FileResponse:
    """A need's photo as a response (the page's and the API's); 404 when its file is gone."""
    storage = evidence_storage()
    if not storage.exists(photo.path):
        raise Http404
    response = FileResponse(storage.open(photo.path, "rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-cache"
    return response


urlpatterns = [
    path("needs/", need_list, name="needs"),
    path("need/<int:pk>/photos/", need_photo_add, name="need_photo_add"),
    path("need/<int:pk>/photo/<int:photo_id>/", need_photo, name="need_photo"),
    path("need/<int:pk>/photo/<int:photo_id>/remove/", need_photo_remove, name="need_photo_remove"),
    path("needs/report/", need_report, name="needs_report"),
    path("need/<int:pk>/", need_page, name="need"),
]
