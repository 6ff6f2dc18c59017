"""Lost contact (失联) and membership transfers (组织关系转接): the list of a scope's members due
to be flagged and its cases, with the button that flags them (/mobile/lost/); one case with
its search steps, reason and outcome (/mobile/lost/<id>/); the transfers sent and to receive,
with the form that sends one (/mobile/transfers/). Views parse and render; the rules are the
services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs.selectors import member_for_user, scope_for

from ..models import LostOutcome, LostReason, SearchWay
from ..rules_lost import lost_months
from ..selectors.lost import lost_case_for_user, lost_cases_visible_to, lost_due
from ..selectors.transfers import (
    arrivals_visible_to,
    may_receive_arrivals,
    transfer_for_user,
    transfers_in_visible_to,
    transfers_out_visible_to,
)
from ..services.lost import lost_case_close, lost_flag, lost_reason_set, search_step_record
from ..services.transfers import transfer_out, transfer_receive

PAGE_SIZE = 100


@login_required
def lost(request: HttpRequest) -> HttpResponse:
    """Who is due to be flagged under the user's organisation, and the cases; a POST flags."""
    org = ledger_selectors.org_or_default(user=request.user, raw=request.GET.get("org", ""))
    if request.method == "POST":
        try:
            flagged = lost_flag(actor=Actor.from_request(request), org=org)
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("%(n)d flagged as lost contact.") % {"n": len(flagged)})
        return redirect(f"{request.path}?org={org.pk}")
    return TemplateResponse(
        request,
        "mobility/lost.html",
        {
            "org": org,
            "months": lost_months(),
            "due": lost_due(user=request.user, org=org, today=timezone.localdate())[:PAGE_SIZE],
            "cases": lost_cases_visible_to(request.user)[:PAGE_SIZE],
            "may_flag": scope_for(request.user).can_manage_org(org),
        },
    )


class StepForm(Form):
    on = forms.DateField(label=gettext_lazy("date"), widget=DateInput())
    way = forms.ChoiceField(label=gettext_lazy("how"), choices=SearchWay.choices)
    what = forms.CharField(label=gettext_lazy("what came of it"), max_length=500)


class ReasonForm(Form):
    reason = forms.ChoiceField(label=gettext_lazy("reason"), choices=LostReason.choices[1:])


class CloseForm(Form):
    outcome = forms.ChoiceField(label=gettext_lazy("outcome"), choices=LostOutcome.choices[1:])
    note = forms.CharField(label=gettext_lazy("what was done"), max_length=500)


@login_required
def lost_case(request: HttpRequest, pk: int) -> HttpResponse:
    """A lost member's case: the reason coded, each search step, the outcome once."""
    case = lost_case_for_user(request.user, pk)
    op = request.POST.get("op", "")
    data = request.POST if request.method == "POST" else None
    forms_: dict[str, Any] = {
        "step": StepForm(data if op == "step" else None, initial={"on": timezone.localdate()}),
        "reason": ReasonForm(data if op == "reason" else None, initial={"reason": case.reason}),
        "close": CloseForm(data if op == "close" else None),
    }
    form = forms_.get(op)
    if form is not None and form.is_valid():
        actor = Actor.from_request(request)
        try:
            if op == "step":
                search_step_record(actor=actor, case=case, **form.cleaned_data)
            elif op == "reason":
                lost_reason_set(actor=actor, case=case, **form.cleaned_data)
            else:
                lost_case_close(actor=actor, case=case, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("mobility:lost_case", pk=case.pk)
    return TemplateResponse(
        request,
        "mobility/lost_case.html",
        {
            "case": case,
            "steps": case.steps.select_related("by").order_by("on", "pk"),
            "may_write": case.is_open and scope_for(request.user).can_manage_member(case.member),
            **{f"{k}_form": v for k, v in forms_.items()},
        },
    )


class TransferForm(Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    to_county_code = forms.CharField(label=gettext_lazy("Receiving county's code"), max_length=32)
    to_org_code = forms.CharField(label=gettext_lazy("Receiving branch's code"), max_length=32)
    on = forms.DateField(label=gettext_lazy("date"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("note"), max_length=300, required=False)


@login_required
def transfers(request: HttpRequest) -> HttpResponse:
    """Transfers sent from the user's scope and those coming in; `?member=` opens the form
    that sends that member's membership to another county."""
    raw = request.POST.get("member") or request.GET.get("member", "")
    member = member_for_user(request.user, int(raw)) if raw.isdigit() else None
    form = TransferForm(
        request.POST or None,
        initial={"member": member.pk if member else None, "on": timezone.localdate()},
    )
    if request.method == "POST" and member is not None and form.is_valid():
        data = form.cleaned_data
        data.pop("member")
        try:
            transfer_out(actor=Actor.from_request(request), member=member, **data)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("mobility:transfers")
    return TemplateResponse(
        request,
        "mobility/transfers.html",
        {
            "member": member,
            "form": form if member is not None else None,
            "sent": transfers_out_visible_to(request.user)[:PAGE_SIZE],
            "incoming": transfers_in_visible_to(request.user)[:PAGE_SIZE],
            "arrivals": arrivals_visible_to(request.user)[:PAGE_SIZE],
            # who receives a member, and reads their joint file (a grid worker sees the list)
            "may_receive": may_receive_arrivals(request.user),
        },
    )


@login_required
@require_POST
def transfer_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The receiving branch takes the member in, today."""
    found = transfer_for_user(request.user, pk)
    try:
        transfer_receive(actor=Actor.from_request(request), transfer=found, on=timezone.localdate())
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The member's membership was received."))
    return redirect("mobility:transfers")


urlpatterns = [
    path("lost/", lost, name="lost"),
    path("lost/<int:pk>/", lost_case, name="lost_case"),
    path("transfers/", transfers, name="transfers"),
    path("transfers/<int:pk>/receive/", transfer_in, name="transfer_receive"),
]
