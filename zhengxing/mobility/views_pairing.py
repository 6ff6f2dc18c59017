"""The pairing's pages: a pairer's own pairings on the phone (/mobile/pairing/), one pairing with
its contacts and the form logging the next (/mobile/pairings/<id>/), the quarter's duty of a
branch or township with who is overdue and the form pairing a committee member
(/mobile/duty/<org>/), and the half-year's report on contacts, printable, as Excel, and signed
(/mobile/contact-reports/<org>/<year>/<half>/). Views parse and render; the rules are the
services'."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, DateInput, Form, confirmed
from zhengxing.orgs.models import PATH_SEGMENT, Member, Org, RoleAssignment, subtree_q
from zhengxing.orgs.rules import ROLE_MANAGES, MemberStatus
from zhengxing.orgs.selectors import scope_for

from . import ledgers, pairings, services
from .duty import Half, Side, Way
from .ledger_excel import contact_report_bytes
from .models import InflowOrg, Whereabouts
from .views_ledgers import PAGE_SIZE, XLSX, chosen_quarter, quarter_choices, today


class ContactForm(Form):
    way = forms.ChoiceField(
        label=gettext_lazy("How"), choices=Way.choices, widget=forms.RadioSelect
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    said = forms.CharField(
        label=gettext_lazy("What was said in the contact"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PairingForm(Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Mobile member"), queryset=Member.objects)
    pairer = forms.ModelChoiceField(label=gettext_lazy("Committee member"), queryset=User.objects)
    side = forms.ChoiceField(label=gettext_lazy("Side"), choices=Side.choices)
    inflow = forms.ModelChoiceField(
        label=gettext_lazy("Inflow organisation (inflow side)"),
        queryset=InflowOrg.objects,
        required=False,
    )
    since = forms.DateField(label=gettext_lazy("Paired since"), widget=DateInput())

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
            subtree_q(org.path, "branch__"), status=MemberStatus.MOBILE
        ).order_by("name", "pk")
        # the committees over the organisation (it and those above) and under it
        above = [org.path[:n] for n in range(PATH_SEGMENT, len(org.path) + 1, PATH_SEGMENT)]
        users = RoleAssignment.objects.filter(
            subtree_q(org.path, "org__") | Q(org__path__in=above), role__in=ROLE_MANAGES
        ).values("user_id")
        self.fields["pairer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=users
        ).order_by("username")
        self.fields["inflow"].queryset = InflowOrg.objects.filter(  # type: ignore[attr-defined]
            county_id=org.county_id, org__isnull=False
        ).order_by("name")
        self.fields["pairer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.last_name}{u.first_name}" or u.username
        )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The pairer's own pairings on the phone: those without a contact this quarter first."""
    quarter = chosen_quarter(request)
    home = ledgers.ledger_home_org(request.user)
    return TemplateResponse(
        request,
        "mobility/pairing/mine.html",
        {
            "quarter": quarter,
            "pairings": pairings.my_pairings(request.user, quarter=quarter),
            "home": home,
        },
    )


@login_required
def pairing(request: HttpRequest, pk: int) -> HttpResponse:
    """One pairing: where the member is, the contacts logged, and for the pairer the form that
    logs the next one."""
    found = pairings.pairing_for_user(request.user, pk)
    may_log = found.pairer_id == request.user.pk and found.ended_on is None
    form = ContactForm(request.POST or None, initial={"on": today(), "way": Way.PHONE})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_log(
                actor=Actor.from_request(request), member=found.member, **form.cleaned_data
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, gettext_lazy("Contact logged."))
            return redirect("mobility:pairing", pk=found.pk)
    return TemplateResponse(
        request,
        "mobility/pairing/pairing.html",
        {
            "pairing": found,
            "where": Whereabouts.objects.filter(member=found.member, current=True).first(),
            "contacts": pairings.pairing_contacts(pairing=found),
            "form": form,
            "may_log": may_log,
        },
    )


@login_required
def duty(request: HttpRequest, pk: int) -> HttpResponse:
    """The quarter's duty of a branch or a township: every pairing, those without a contact
    first (overdue once the quarter has ended); the form pairing a committee member."""
    org = ledgers.ledger_org_for_user(request.user, pk)
    quarter = chosen_quarter(request)
    # pairing is the branch's and the township's work: the county reads the list
    form = PairingForm(request.POST or None, org=org) if org.parent_id is not None else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.pairing_create(actor=Actor.from_request(request), **data)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, gettext_lazy("Paired."))
            return redirect("mobility:duty", pk=org.pk)
    rows = pairings.duty_rows(org=org, quarter=quarter, today=today())
    half = Half.of(today()).previous()
    return TemplateResponse(
        request,
        "mobility/pairing/duty.html",
        {
            "org": org,
            "quarter": quarter,
            "quarters": quarter_choices(quarter),
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "late": sum(1 for r in rows if r.standing != "done"),
            "form": form,
            "half": half,
        },
    )


@login_required
def contact_report(request: HttpRequest, pk: int, year: int, half: int) -> HttpResponse:
    """The half-year's report on contacts (联络情况汇报): as signed, or as the log gives it now
    with the form signing it once the half-year has ended; printable; ?format=xlsx."""
    org = ledgers.ledger_org_for_user(request.user, pk)
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise Http404
    period = Half(year, half)
    signed = pairings.signed_report(org=org, half=period)
    if request.method == "POST":
        try:
            if not confirmed(request.POST):
                raise ServiceError(NOT_CONFIRMED)
            services.contact_report_sign(
                actor=Actor.from_request(request),
                org=org,
                half=period,
                signer_name=request.POST.get("signer_name", ""),
                remarks=request.POST.get("remarks", ""),
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, gettext_lazy("The report is signed."))
        return redirect("mobility:contact_report", pk=org.pk, year=year, half=half)
    report = pairings.report_on_contacts(org=org, half=period, today=today())
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(contact_report_bytes(report, signed), content_type=XLSX)
        name = f"联络情况汇报-{org.name}-{period.label}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    return TemplateResponse(
        request,
        "mobility/pairing/report.html",
        {
            "org": org,
            "period": period,
            "report": report,
            "signed": signed,
            "lines": signed.lines if signed else [line.as_json() for line in report.lines],
            "ways": [(w.label, report.ways.get(w.value, 0)) for w in Way],
            "why_not": "" if today() > period.last_day else f"{period.label}尚未结束",
            "may_sign": scope_for(request.user).can_manage_org(org),
        },
    )


urlpatterns = [
    path("pairing/", mine, name="pairing_mine"),
    path("pairings/<int:pk>/", pairing, name="pairing"),
    path("duty/<int:pk>/", duty, name="duty"),
    path("contact-reports/<int:pk>/<int:year>/<int:half>/", contact_report, name="contact_report"),
]
