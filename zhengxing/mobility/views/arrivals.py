"""A member arriving from a county outside the system (/mobile/transfers/arrive/): the member's
record as the roster takes it (the roster's own form, `orgs.forms.MemberForm`), the sending
county and organisation with a contact, and the letter of introduction's number and date.
Views parse and render; the rules are `services.arrivals.arrival_record`'s."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput
from zhengxing.orgs.forms import MemberForm
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import GROUP_KINDS, MEMBER_HOLDING_KINDS, MemberStatus
from zhengxing.orgs.selectors import orgs_visible_to

from ..selectors.transfers import may_receive_arrivals
from ..services.arrivals import arrival_record

# the roster's fields an arrival does not ask: it is active in its branch from the day it came
NOT_ASKED = ("status", "mobile_whereabouts", "mobile_reason")


class ArrivalForm(MemberForm):
    from_county = forms.CharField(label=gettext_lazy("From county"), max_length=100)
    from_org = forms.CharField(label=gettext_lazy("From organisation"), max_length=200)
    contact_name = forms.CharField(label=gettext_lazy("Their contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=gettext_lazy("Their contact's phone"),
        max_length=24,
        widget=forms.TextInput({"inputmode": "tel"}),
    )
    letter_no = forms.CharField(
        label=gettext_lazy("Letter of introduction number"), max_length=50, required=False
    )
    letter_on = forms.DateField(label=gettext_lazy("Letter dated"), widget=DateInput())
    arrived_on = forms.DateField(label=gettext_lazy("Arrived on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in NOT_ASKED:
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["status"] = MemberStatus.ACTIVE
        return super().clean()


def _visible(request: HttpRequest, kinds: frozenset[str]) -> QuerySet[Org]:
    return orgs_visible_to(request.user).filter(kind__in=kinds).order_by("path")


@login_required
def arrival_new(request: HttpRequest) -> HttpResponse:
    """The branch (secretary, township, county) receives a member; the service checks it
    manages the branch chosen."""
    if not may_receive_arrivals(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = ArrivalForm(
        request.POST or None,
        initial={"arrived_on": today},
        branches=_visible(request, MEMBER_HOLDING_KINDS),
        groups=_visible(request, GROUP_KINDS),
        today=today,
    )
    if request.method == "POST" and form.is_valid():
        assert form.cleaned_member is not None
        data = form.cleaned_data
        try:
            arrival_record(
                actor=Actor.from_request(request),
                county_id=form.county_id,
                data=form.cleaned_member,
                **{k: data[k] for k in ("from_county", "from_org", "contact_name")},
                **{k: data[k] for k in ("contact_phone", "letter_no", "letter_on")},
                arrived_on=data["arrived_on"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The member was received and is on the roster."))
            return redirect("mobility:transfers")
    return TemplateResponse(request, "mobility/arrival_form.html", {"form": form})


urlpatterns = [
    path("transfers/arrive/", arrival_new, name="arrival_new"),
]
