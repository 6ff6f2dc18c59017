"""Households and residents by Excel: the page to import a workbook (every row checked first;
the problems listed per row, nothing written) and to download the grids' households in the same
layout (phones in full: the password asked again, the download logged)."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.accounts.reauth import is_recent, reauth_redirect
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import Form
from zhengxing.ledger.selectors import org_or_default
from zhengxing.orgs.selectors import scope_for

from .. import selectors
from ..sheets import HouseholdsImportFailed, households_export, households_import

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
    problems = None
    if request.method == "POST" and may_import and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.ZHENGXING_MAX_UPLOAD_MB * 1024 * 1024:
                raise ServiceError(f"文件不能超过{settings.ZHENGXING_MAX_UPLOAD_MB}MB")
            result = households_import(
                actor=Actor.from_request(request), county=org.county, file=upload
            )
        except HouseholdsImportFailed as failed:
            form.add_error(None, str(failed))
            problems = failed.problems[:1000]
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("Imported %(h)s households and %(r)s residents; %(u)s already registered.")
                % {"h": result.households, "r": result.residents, "u": result.unchanged},
            )
            return redirect(f"{request.path}?org={org.pk}")
    return TemplateResponse(
        request,
        "grid/households_io.html",
        {
            "org": org,
            "form": form if may_import else None,
            "may_export": scope.can_manage_tree(org),
            "problems": problems,
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
