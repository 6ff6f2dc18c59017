"""A scheme edited through a form (weights, score bands, named stars and their menus) and
exported as JSON, the form of it that `/stars/schemes/` imports and `zhengxing scheme` reads.
Saving goes through the same service as an import (`services.scheme_save`): a new version for
the county (its organisation department) or, narrowed, for the township."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Org

from .. import selectors, services
from ..forms import SchemeEditForm
from ..models import StarScheme


def _setter(request: HttpRequest) -> Org:
    """The organisation whose schemes the user sets (the county's root, or a township); 404
    for anyone else."""
    org = default_org_for(user=request.user)
    if org is None or not org_selectors.scope_for(request.user).can_manage_tree(org):
        raise Http404
    return org


@login_required
@never_cache
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _setter(request)
    scheme = selectors.scheme_in_force(org=org, pk=pk)
    form = SchemeEditForm(request.POST or None, base=scheme.spec)
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.scheme_save(
                actor=Actor.from_request(request),
                county=org.county,
                owner=org if org.parent_id is not None else None,
                year=scheme.year,
                spec=form.spec(),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("%(name)s saved (version %(v)s).") % {"name": stored.name, "v": stored.version},
            )
            return redirect(f"{reverse('stars:schemes')}?year={scheme.year}")
    return TemplateResponse(
        request,
        "stars/scheme_edit.html",
        {"org": org, "scheme": scheme, "form": form, "narrows": scheme.owner_id != org.pk},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
@never_cache
def scheme_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The scheme as JSON, to keep, compare or edit and import again."""
    scheme: StarScheme = selectors.scheme_in_force(org=_setter(request), pk=pk)
    body = json.dumps(scheme.spec, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"scheme-{scheme.spec.get('key') or scheme.pk}-{scheme.year}-v{scheme.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("schemes/<int:pk>/edit/", scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/scheme.json", scheme_export, name="scheme_export"),
]
