"""Mobile members' organisation life in both places: the page where the outflow secretary
records a member's organisation life at the inflow organisation from its list, counted for the
branch's meeting (/mobile/life/), with the links to deliver lessons (送学上门, 红色包裹: orglife's
learning); the year-end airing of the mobile members' points with the low scorers and their
reminder talks (/mobile/airing/), and its public version by the branch's public reference
(/p/mobile/airing/<ref>/<year>/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import DateInput, Form
from zhengxing.ledger import selectors as ledger_selectors
from zhengxing.orgs.rules import MemberStatus

from .. import selectors
from ..selectors.life import (
    elsewhere_visible_to,
    mobile_airing,
    mobile_members_managed,
    open_meetings_managed,
)
from ..services.elsewhere import elsewhere_attend_from_list

PAGE_SIZE = 100


class ElsewhereForm(Form):
    member = forms.TypedChoiceField(label=gettext_lazy("Mobile member"), coerce=int)
    inflow = forms.TypedChoiceField(label=gettext_lazy("Inflow organisation"), coerce=int)
    held_on = forms.DateField(label=gettext_lazy("Took part on"), widget=DateInput())
    meeting = forms.TypedChoiceField(label=gettext_lazy("Counts for the meeting"), coerce=int)
    note = forms.CharField(label=gettext_lazy("note"), max_length=300, required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[int, str]]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = options


@login_required
def life(request: HttpRequest) -> HttpResponse:
    """Organisation life at the inflow organisation, recorded from its list and counted for
    the branch's meeting that month; the records so far."""
    today = timezone.localdate()
    members = {m.pk: m for m in mobile_members_managed(request.user)}
    meetings = {m.pk: m for m in open_meetings_managed(request.user, today=today)}
    inflows = {i.pk: i for i in selectors.inflow_orgs_visible_to(request.user)[:200]}
    form = ElsewhereForm(
        request.POST or None,
        choices={
            "member": [(pk, f"{m.name}（{m.branch.name}）") for pk, m in members.items()],
            "inflow": [(pk, i.name) for pk, i in inflows.items()],
            "meeting": [
                (pk, f"{m.branch.name} {m.get_kind_display()} {m.held_on:%Y-%m-%d}")
                for pk, m in meetings.items()
            ],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            elsewhere_attend_from_list(
                actor=Actor.from_request(request),
                meeting=meetings[data["meeting"]],
                member=members[data["member"]],
                inflow=inflows[data["inflow"]],
                held_on=data["held_on"],
                note=data["note"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Counted for the branch's meeting."))
            return redirect("mobility:life")
    return TemplateResponse(
        request,
        "mobility/life.html",
        {
            "form": form if members and meetings and inflows else None,
            "records": elsewhere_visible_to(request.user)[:PAGE_SIZE],
            "branches": sorted({(m.branch_id, m.branch.name) for m in members.values()}),
        },
    )


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@login_required
def airing(request: HttpRequest) -> HttpResponse:
    """The year-end airing of the mobile members under the organisation the page names (the
    user's own by default), and those whose points stay low with their reminder talks (the
    ledger's record: the talk is written on the member's points page)."""
    org = ledger_selectors.org_or_default(user=request.user, raw=request.GET.get("org", ""))
    year = _year(request)
    page = Paginator(mobile_airing(org=org, year=year), PAGE_SIZE).get_page(request.GET.get("page"))
    low = ledger_selectors.low_points(
        user=request.user,
        org=org,
        year=year,
        threshold=ledger_selectors.low_points_threshold(),
        quarters=ledger_selectors.low_points_quarters(),
    ).filter(status=MemberStatus.MOBILE)[:PAGE_SIZE]
    return TemplateResponse(
        request,
        "mobility/airing.html",
        {
            "org": org,
            "year": year,
            "page": page,
            "low": low,
            "public": org.holds_members,
        },
    )


def airing_public(request: HttpRequest, ref: str, year: int) -> HttpResponse:
    """The airing as the public sees it: a branch's mobile members, names and points only."""
    branch = ledger_selectors.branch_public(ref=ref)
    if not 2000 <= year <= 2100:
        raise Http404
    return TemplateResponse(
        request,
        "mobility/public/airing.html",
        {"branch": branch, "year": year, "rows": mobile_airing(org=branch, year=year)[:500]},
    )


urlpatterns = [
    path("life/", life, name="life"),
    path("airing/", airing, name="airing"),
]
public_urlpatterns = [
    path("airing/<str:ref>/<int:year>/", airing_public, name="airing"),
]
