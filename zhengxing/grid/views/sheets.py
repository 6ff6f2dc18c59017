"""Households and residents by Excel: the page to import a workbook — uploaded, then imported by
a background job whose page shows its progress and, when a row is bad, the problems per row
(nothing written) — and to download the grids' households in the same layout (phones in full:
the password asked again, the download logged)."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.accounts.reauth import is_recent, reauth_redirect
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import Form
from zhengxing.jobs.models import JobKind
from zhengxing.jobs.selectors import jobs_of_county
from zhengxing.ledger.selectors import org_or_default
from zhengxing.orgs.selectors import scope_for

from .. import selectors
from ..jobs import households_import_start
from ..sheets import households_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx, .xls, .et, .ods or .csv)"))


@login_required
@never_cache
def households_io(request: HttpRequest) -> HttpResponse:
    org = org_or_default(user=request.user, raw=request.GET.get("org", ""))
    scope = scope_for(request.user)
    may_import = selectors.may_work(scope, org)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and may_import and form.is_valid():
        try:
            job = households_import_start(
                actor=Actor.from_request(request), org=org, upload=form.cleaned_data["file"]
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("jobs:detail", pk=job.pk)
    recent = jobs_of_county(request.user, county_id=org.county_id).filter(
        kind=JobKind.HOUSEHOLD_IMPORT
    )[:5]
    return TemplateResponse(
        request,
        "grid/households_io.html",
        {
            "org": org,
            "form": form if may_import else None,
            "may_export": scope.can_manage_tree(org),
            "recent": recent,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
@never_cache
def households_download(request: HttpRequest) -> HttpResponse:
    org = org_or_default(user=request.user, raw=request.GET.get("org", ""))
    if not is_recent(request):
        return reauth_redirect(request, request.get_full_path())
    data = households_export(actor=Actor.from_request(request), org=org)
    response = HttpResponse(data, content_type=XLSX)
    name = quote(f"住户表-{org.name}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


urlpatterns = [
    path("households/sheet/", households_io, name="households_io"),
    path("households/sheet/download/", households_download, name="households_download"),
]
