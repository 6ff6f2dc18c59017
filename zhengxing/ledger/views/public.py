"""Public pages, no login: a branch's quarterly notice (公示) with its objections, the check
that the ledger still matches it, and the public's report about a member (群众反映).

Nothing here shows more than names: the notice's lines were frozen at sign-off without ID
numbers or phones, and contacts left in a form are never displayed. The actor is anonymous
(`Actor.from_request`), and the services never check a scope for these writes. Each form's
POST counts towards its address's limit (`public_write_throttled`, shared with the API).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhengxing.audit.throttles import public_write_throttled
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.models import Member

from .. import selectors, services
from ..forms import ObjectionForm, PublicReportForm
from ..models import Posting
from ..rules import Quarter


def qr_svg(url: str, *, title: str = "") -> str:
    """An inline SVG QR code of `url`, drawn here (segno): no external service sees it. Its
    mask pattern is fixed: segno otherwise draws all eight masks to keep the one a scanner likes
    best, four fifths of the time a code takes; any mask is valid and a phone reads them all
    (a sheet of 500 contact cards: 2 s, not 9, bench_grid). Its title is `title`, or the url."""
    return str(segno.make(url, error="m", mask=0).svg_inline(scale=3, border=2, title=title or url))


def notice_check_url(request: HttpRequest, posting: Posting) -> str:
    """What the notice's QR code carries: the county's verify page (integrity, issue 24) for
    this notice, with the figures it was posted with — its chain head's hash and its sums. On
    paper they stay as printed whatever the database later says; the page checks the signed
    tree against them in the visitor's browser, and links back to the notice."""
    totals = selectors.posting_totals(posting=posting)
    query = urlencode(
        {"n": posting.slug, "h": posting.head_hash, "a": totals.additions, "d": totals.deductions}
    )
    page = reverse("public_integrity:verify", args=[posting.county.code])
    return request.build_absolute_uri(f"{page}?{query}")


def printed_code(head_hash: str) -> str:
    """The notice's check code as printed under its QR code: the first 16 hex digits of its
    chain head's hash in groups of four, short enough to copy by hand into the verify page."""
    return " ".join(head_hash[i : i + 4] for i in range(0, 16, 4))


def _notice_context(request: HttpRequest, posting: Posting, form: ObjectionForm) -> dict[str, Any]:
    names = {line.get("member_id"): line["name"] for line in posting.lines}
    url = request.build_absolute_uri(reverse("public:notice", args=[posting.slug]))
    return {
        "posting": posting,
        "branch": posting.branch,
        "close": posting.close,
        "quarter": Quarter(posting.year, posting.quarter),
        "lines": posting.lines,
        "objections": [
            (o, names.get(o.member_id, ""))
            for o in selectors.posting_objections_public(posting=posting)
        ],
        "window_open": timezone.localdate() <= posting.objections_until,
        "form": form,
        "url": url,
        "totals": selectors.posting_totals(posting=posting),
        "code": printed_code(posting.head_hash),
        "qr": mark_safe(qr_svg(notice_check_url(request, posting), title=url)),
    }


@public_write_throttled
def notice(request: HttpRequest, slug: str) -> HttpResponse:
    """The quarterly notice, printable on A4, with the objection form while the window is open."""
    posting = selectors.posting_public(slug=slug)
    form = ObjectionForm(request.POST or None, lines=posting.lines)
    if request.method == "POST" and form.is_valid():
        member_id = form.member_id()
        member = Member.objects.filter(pk=member_id).first() if member_id else None
        try:
            objection = services.objection_submit(
                actor=Actor.from_request(request),
                posting=posting,
                text=form.cleaned_data["text"],
                contact_name=form.cleaned_data["contact_name"],
                contact=form.cleaned_data["contact"],
                member=member,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("Your objection was received. The committee's answer will be posted here."),
            )
            url = reverse("public:notice", args=[posting.slug])
            return redirect(f"{url}#objection-{objection.pk}")
    return TemplateResponse(
        request, "ledger/public/notice.html", _notice_context(request, posting, form)
    )


@require_GET
def verify(request: HttpRequest, slug: str) -> HttpResponse:
    """Whether the ledger still matches what was posted: the chain, walked from its start,
    still reaches the posted head with the posted hash."""
    posting = selectors.posting_public(slug=slug)
    return TemplateResponse(
        request,
        "ledger/public/verify.html",
        {
            "posting": posting,
            "branch": posting.branch,
            "quarter": Quarter(posting.year, posting.quarter),
            "check": selectors.posting_check(posting=posting),
        },
    )


@public_write_throttled
def report(request: HttpRequest, ref: str) -> HttpResponse:
    """The public reports a member's conduct to the branch, with a contact (群众反映)."""
    branch = selectors.branch_public(ref=ref)
    today = timezone.localdate()
    form = PublicReportForm(
        request.POST or None, members=selectors.branch_members_by_ref(branch=branch), today=today
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.public_report_submit(
                actor=Actor.from_request(request),
                branch=branch,
                member=data["member"],
                occurred_on=data["occurred_on"],
                place=data["place"],
                description=data["description"],
                reporter_name=data["reporter_name"],
                reporter_contact=data["reporter_contact"],
                idempotency_key=data["idempotency_key"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("Thank you. The branch committee will look into your report.")
            )
            return redirect("public:report", ref=ref)
    return TemplateResponse(request, "ledger/public/report.html", {"branch": branch, "form": form})


urlpatterns = [
    # by the branch's random public reference: an id or a code here is a 404 (none was ever
    # printed: the notices' QR codes carry their own slugs, /p/<slug>/)
    path("branch/<str:ref>/report/", report, name="report"),
    path("<str:slug>/", notice, name="notice"),
    path("<str:slug>/verify/", verify, name="verify"),
]
