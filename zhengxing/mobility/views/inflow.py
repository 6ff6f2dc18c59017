"""The inflow organisations' pages (the API had them, the pages did not): the list of a scope's
inflow organisations and agreements (/mobile/inflow/), one registered (/mobile/inflow/new/),
edited (/mobile/inflow/<id>/edit/), and its page with its agreements and the form that signs a
new one by both sides — the inflow side an external party whose signer's name and date the
outflow secretary records. Views parse and render; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import org_for_user, scope_for

from .. import selectors, services
from ..models import InflowOrg
from ..services.inflow import inflow_org_update

PAGE_SIZE = 100


class InflowOrgForm(Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=InflowOrg.Kind.choices)
    city = forms.CharField(label=_("city"), max_length=50)
    contact_name = forms.CharField(label=_("contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=_("contact phone"), max_length=24, widget=forms.TextInput({"inputmode": "tel"})
    )


class InflowEditForm(InflowOrgForm):
    contact_phone = forms.CharField(
        label=_("contact phone"),
        max_length=24,
        required=False,
        help_text=_("Leave empty to keep the phone on file."),
        widget=forms.TextInput({"inputmode": "tel"}),
    )


class AgreementForm(Form):
    outflow = forms.TypedChoiceField(label=_("Outflow organisation"), coerce=int)
    duties = forms.CharField(label=_("who does what"), widget=forms.Textarea({"rows": 4}))
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    outflow_signer = forms.CharField(label=_("signed for the outflow side"), max_length=50)
    inflow_signer = forms.CharField(label=_("signed for the inflow side"), max_length=50)
    inflow_signed_on = forms.DateField(label=_("inflow side signed on"), widget=DateInput())

    def __init__(self, *args: Any, outflows: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outflow"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(o.pk, o.name) for o in outflows]


def _county_id(request: HttpRequest) -> int | None:
    scope = scope_for(request.user)
    ids = sorted(scope.county_ids())
    return ids[0] if ids else None


@login_required
def inflow_list(request: HttpRequest) -> HttpResponse:
    """The scope's inflow organisations and the agreements of its outflow organisations."""
    return TemplateResponse(
        request,
        "mobility/inflow_list.html",
        {
            "inflows": selectors.inflow_orgs_visible_to(request.user)[:PAGE_SIZE],
            "agreements": selectors.agreements_visible_to(request.user)[:PAGE_SIZE],
        },
    )


@login_required
def inflow_new(request: HttpRequest) -> HttpResponse:
    form = InflowOrgForm(request.POST or None)
    county_id = _county_id(request)
    if request.method == "POST" and form.is_valid() and county_id is not None:
        try:
            found = services.inflow_org_create(
                actor=Actor.from_request(request), county_id=county_id, **form.cleaned_data
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("mobility:inflow", pk=found.pk)
    return TemplateResponse(request, "mobility/inflow_form.html", {"form": form, "inflow": None})


@login_required
def inflow_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.inflow_org_for_user(request.user, pk)
    initial = {f: getattr(found, f) for f in ("name", "kind", "city", "contact_name")}
    form = InflowEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inflow_org_update(actor=Actor.from_request(request), inflow=found, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("mobility:inflow", pk=found.pk)
    return TemplateResponse(request, "mobility/inflow_form.html", {"form": form, "inflow": found})


@login_required
def inflow(request: HttpRequest, pk: int) -> HttpResponse:
    """An inflow organisation, its agreements, and the form signing a new one by both sides."""
    found = selectors.inflow_org_for_user(request.user, pk)
    outflows = selectors.outflow_orgs_managed(request.user, county_id=found.county_id)
    form = AgreementForm(request.POST or None, outflows=outflows)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_sign(
                actor=Actor.from_request(request),
                outflow=org_for_user(request.user, data.pop("outflow")),
                inflow=found,
                **data,
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("mobility:agreement", pk=agreement.pk)
    return TemplateResponse(
        request,
        "mobility/inflow.html",
        {
            "inflow": found,
            "agreements": selectors.agreements_visible_to(request.user).filter(inflow=found),
            "form": form if outflows else None,
        },
    )


urlpatterns = [
    path("inflow/", inflow_list, name="inflow_list"),
    path("inflow/new/", inflow_new, name="inflow_new"),
    path("inflow/<int:pk>/", inflow, name="inflow"),
    path("inflow/<int:pk>/edit/", inflow_edit, name="inflow_edit"),
]
