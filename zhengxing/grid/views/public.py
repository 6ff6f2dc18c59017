"""The resident's pages, no login, from the household's contact card: the request form
(`/p/grid/<ref>/`, the household named by its random reference) and the need's own page
(`/p/grid/need/<ref>/`) where the resident follows it and, once done, says whether it was
solved and whether they are satisfied ("解决了吗？满意吗？"). Each POST counts towards the
address's limit of the public's writes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from zhengxing.audit.throttles import public_write_throttled
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError

from .. import selectors, services
from ..forms import NeedForm, RateForm
from ..rules import State


@never_cache
@public_write_throttled
def household_request(request: HttpRequest, ref: str) -> HttpResponse:
    household = selectors.household_public(ref=ref)
    form = NeedForm(request.POST or None, request.FILES or None, initial={"urgency": "normal"})
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_raise(
                actor=Actor.from_request(request), household=household, **form.cleaned_data
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("public_grid:need", need.ref)
    return TemplateResponse(
        request,
        "grid/public/request.html",
        {"household": household, "grid": household.grid, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@public_write_throttled
def need_public(request: HttpRequest, ref: str) -> HttpResponse:
    need = selectors.need_public(ref=ref)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_rate(
                actor=Actor.from_request(request),
                ref=ref,
                solved=form.cleaned_data["solved"] == "yes",
                satisfied=form.cleaned_data["satisfied"] == "yes",
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("public_grid:need", ref)
    return TemplateResponse(
        request,
        "grid/public/need.html",
        {"need": need, "form": form if need.state == State.DONE else None},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("need/<slug:ref>/", need_public, name="need"),
    path("<slug:ref>/", household_request, name="household"),
]
