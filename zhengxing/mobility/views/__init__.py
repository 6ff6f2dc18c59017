"""The mobile members' pages: the list of a scope's mobile members with where each last
reported (/mobile/), one member's reports and codes with the form issuing a new code
(/mobile/members/<id>/), the printable QR code of a county or branch (/mobile/qr/<org>/), and
the public phone form that code opens (/p/mobile/<ref>/). Views parse and render; the rules
are the services'."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.audit.throttles import public_write_throttled
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import Form
from zhengxing.core.periods import PERIOD_NAMES
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.views.public import qr_svg
from zhengxing.orgs.selectors import member_for_user, org_for_user, scope_for

from .. import selectors, services
from ..forms import WhereaboutsForm
from ..ledgers import ledger_home_org
from ..sheets import inflow_rows

PAGE_SIZE = 100


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The scope's mobile members, where each last reported, and the QR codes to print."""
    page = Paginator(selectors.mobile_members_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "mobility/home.html",
        {
            "page": page,
            "qr_orgs": selectors.qr_orgs_visible_to(request.user)[:PAGE_SIZE],
            "agreements": selectors.agreements_visible_to(request.user)[:PAGE_SIZE],
            "ledger_org": ledger_home_org(request.user),
        },
    )


@login_required
@never_cache
def member(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's reports, newest first, and their codes; a POST issues a new code, shown once
    on this page (to print or read out) and never again."""
    found = member_for_user(request.user, pk)
    code, issued = "", None
    if request.method == "POST":
        try:
            code, issued = services.registration_code_issue(
                actor=Actor.from_request(request), member=found
            )
        except ServiceError as e:
            messages.error(request, str(e))
    return TemplateResponse(
        request,
        "mobility/member.html",
        {
            "member": found,
            "reports": selectors.member_whereabouts(member=found),
            "codes": selectors.member_codes(member=found)[:20],
            "may_issue": scope_for(request.user).can_manage_member(found),
            "code": code,
            "expires": issued.expires_at if issued is not None else None,
            "form_url": request.build_absolute_uri(
                reverse("mobility_public:report", args=[found.branch.public_ref])
            ),
        },
    )


@login_required
@require_GET
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable QR code of a county's or a branch's registration form."""
    org = org_for_user(request.user, pk)
    ref = selectors.registration_org_public(ref=org.public_ref).public_ref
    url = request.build_absolute_uri(reverse("mobility_public:report", args=[ref]))
    return TemplateResponse(
        request, "mobility/qr.html", {"org": org, "url": url, "qr": mark_safe(qr_svg(url))}
    )


@public_write_throttled
def report(request: HttpRequest, ref: str) -> HttpResponse:
    """The phone form a QR code opens: a mobile member reports where they are, with their
    name, ID number and the one-time code of their outflow branch."""
    org = selectors.registration_org_public(ref=ref)
    form = WhereaboutsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.whereabouts_report(actor=Actor.from_request(request), org=org, **data)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("Thank you. Your branch now knows where you are; keep in touch.")
            )
            return redirect("mobility_public:report", ref=ref)
    return TemplateResponse(request, "mobility/public/report.html", {"org": org, "form": form})


# --- "2": agreements and reconciliations ----------------------------------------------------


class ReconcileForm(Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("Quarter"),
        coerce=int,
        choices=[(q, PERIOD_NAMES[f"Q{q}"]) for q in range(1, 5)],
    )
    rows = forms.FileField(
        label=gettext_lazy("The inflow side's list (Excel or CSV)"),
        help_text=gettext_lazy(
            "Header row: 姓名, 公民身份号码, 地址, 工作单位, 最近联系日期, 是否返乡"
        ),
    )


class CloseForm(Form):
    outflow_signer = forms.CharField(
        label=gettext_lazy("Signed for the outflow side"), max_length=50
    )
    inflow_signer = forms.CharField(label=gettext_lazy("Signed for the inflow side"), max_length=50)


@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-management agreement, its quarters' reconciliations, and the form that opens the
    next one from the inflow side's list."""
    found = selectors.agreement_for_user(request.user, pk)
    form = ReconcileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recon = services.reconciliation_open(
                actor=Actor.from_request(request),
                agreement=found,
                quarter=Quarter(data["year"], data["quarter"]),
                rows=inflow_rows(data["rows"]),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("mobility:reconciliation", pk=recon.pk)
    return TemplateResponse(
        request,
        "mobility/agreement.html",
        {
            "agreement": found,
            "newer": selectors.agreement_newer(agreement=found),
            "reconciliations": selectors.reconciliations_of(agreement=found),
            "form": form,
            "may_write": scope_for(request.user).can_manage_org(found.outflow),
        },
    )


@login_required
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    """A quarter's reconciliation: each difference, resolved with its outcome or with the form
    to resolve it, and the close signed by both sides once none is left open."""
    recon = selectors.reconciliation_for_user(request.user, pk)
    op = request.POST.get("op", "")
    close_form = CloseForm(request.POST if op == "close" else None)
    if request.method == "POST" and (op != "close" or close_form.is_valid()):
        actor = Actor.from_request(request)
        try:
            if op == "close":
                services.reconciliation_close(
                    actor=actor, reconciliation=recon, **close_form.cleaned_data
                )
            else:
                raw = request.POST.get("difference", "")
                services.difference_resolve(
                    actor=actor,
                    difference=selectors.difference_for_user(
                        request.user, int(raw) if raw.isdigit() else 0
                    ),
                    outcome=request.POST.get("outcome", ""),
                )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            return redirect("mobility:reconciliation", pk=recon.pk)
    return TemplateResponse(
        request,
        "mobility/reconciliation.html",
        {
            "recon": recon,
            "quarter": Quarter(recon.year, recon.quarter),
            "closed": selectors.is_closed(recon),
            "differences": selectors.reconciliation_differences(recon=recon),
            "close_form": close_form,
            "may_write": scope_for(request.user).can_manage_org(recon.agreement.outflow),
        },
    )


urlpatterns = [
    path("", home, name="home"),
    path("agreements/<int:pk>/", agreement, name="agreement"),
    path("reconciliations/<int:pk>/", reconciliation, name="reconciliation"),
    path("members/<int:pk>/", member, name="member"),
    path("qr/<int:pk>/", qr, name="qr"),
]
public_urlpatterns = [
    # by the organisation's random public reference, never an id or a code
    path("<str:ref>/", report, name="report"),
]
