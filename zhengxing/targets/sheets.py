"""Downloads of the target points' workbooks (`excel.py`), as pages and under
/api/v1/targets/: a unit's ledger (the unit seen by the user, else 404) and the results of the
units the user sees in their county (ranks stay the county's)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from ninja import Router

from zhengxing.core.schemas import ObjectId, responses
from zhengxing.orgs.models import County
from zhengxing.orgs.selectors import org_for_user, scope_for

from . import selectors
from .excel import XLSX, ledger_workbook, results_workbook
from .scores import standing_visible_to, unit_target_scores


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def ledger_download(user: Any, unit_id: int, year: int) -> HttpResponse:
    unit = org_for_user(user, unit_id)
    entries = list(selectors.entries_of_unit(user, unit, year).order_by("seq"))
    panels = selectors.visits_panels({e.visit_id for e in entries if e.visit_id is not None})
    data = ledger_workbook(unit, year, entries, unit_target_scores(unit, year), panels)
    return _download(data, f"目标工作台账-{unit.name}-{year}.xlsx")


def results_download(user: Any, year: int) -> HttpResponse:
    ids = sorted(scope_for(user).county_ids())
    if not ids:
        raise Http404
    county = County.objects.get(pk=ids[0])
    standing = standing_visible_to(user, county_id=county.pk, year=year)
    data = results_workbook(
        f"{county.name} {year}年目标考评结果", standing.units, closed_at=standing.closed_at
    )
    return _download(data, f"目标考评结果-{county.name}-{year}.xlsx")


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() else timezone.localdate().year


@login_required
def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return ledger_download(request.user, pk, _year(request))


@login_required
def results_xlsx(request: HttpRequest) -> HttpResponse:
    return results_download(request.user, _year(request))


urlpatterns = [
    path("unit/<int:pk>/ledger.xlsx", ledger_xlsx, name="ledger_xlsx"),
    path("results.xlsx", results_xlsx, name="results_xlsx"),
]

router = Router(tags=["targets"])
BINARY = {"schema": {"type": "string", "format": "binary"}}
WORKBOOK = {"responses": {200: {"description": "The workbook", "content": {XLSX: BINARY}}}}


@router.get("/units/{unit_id}/ledger.xlsx", response=responses(None, 404), openapi_extra=WORKBOOK)
def ledger_xlsx_api(request: HttpRequest, unit_id: ObjectId, year: int) -> Any:
    """The unit's target ledger and its scores per target, as a workbook."""
    return ledger_download(request.user, unit_id, year)


@router.get("/results.xlsx", response=responses(None, 404), openapi_extra=WORKBOOK)
def results_xlsx_api(request: HttpRequest, year: int) -> Any:
    """The results of the units the user sees in their county (units × tasks and targets,
    ranked as the county ranks), as a workbook."""
    return results_download(request.user, year)
