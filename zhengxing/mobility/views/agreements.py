"""A co-management agreement changed (/mobile/agreements/<id>/edit/): who does what, from when,
as a new version that both sides sign again — the form asks for both signers and the day the
inflow side signed afresh, never carried over. Views parse and render; the rule is
`services.agreements.agreement_amend`'s."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.orgs.selectors import scope_for

from .. import selectors
from ..services.agreements import agreement_amend


class AmendForm(Form):
    duties = forms.CharField(label=_("who does what"), widget=forms.Textarea({"rows": 5}))
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    outflow_signer = forms.CharField(label=_("signed for the outflow side"), max_length=50)
    inflow_signer = forms.CharField(label=_("signed for the inflow side"), max_length=50)
    inflow_signed_on = forms.DateField(label=_("inflow side signed on"), widget=DateInput())


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement's terms in a form; saved, a new version signed by both sides again."""
    found = selectors.agreement_for_user(request.user, pk)
    if not scope_for(request.user).can_manage_org(found.outflow):
        raise PermissionDenied
    form = AmendForm(
        request.POST or None, initial={"duties": found.duties, "starts_on": found.starts_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            amended = agreement_amend(
                actor=Actor.from_request(request), agreement=found, **form.cleaned_data
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("mobility:agreement", pk=amended.pk)
    return TemplateResponse(
        request, "mobility/agreement_form.html", {"agreement": found, "form": form}
    )


urlpatterns = [
    path("agreements/<int:pk>/edit/", agreement_edit, name="agreement_edit"),
]
