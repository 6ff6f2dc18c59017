"""The three ledgers' pages (/mobile/ledgers/): the branch's table, the township's book, the
county's database — the same page at three heights, each with its Excel download. Views parse
and render; the rows are `ledgers.mobile_ledger`'s."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.accounts.reauth import is_recent, reauth_redirect
from zhengxing.core.actor import Actor
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.selectors import scope_for

from . import ledgers
from .ledger_excel import ledger_bytes
from .services.ledgers import ledger_reveal

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def today() -> dt.date:
    return timezone.localdate()


def chosen_quarter(request: HttpRequest) -> Quarter:
    """The quarter asked for (?quarter=2026Q3), else the one running."""
    try:
        return Quarter.parse(request.GET.get("quarter", ""))
    except ValueError:
        return Quarter.of(today())


def quarter_choices(current: Quarter, count: int = 8) -> list[Quarter]:
    found, q = [], Quarter.of(today())
    for _ in range(count):
        found.append(q)
        q = Quarter(q.year - 1, 4) if q.number == 1 else Quarter(q.year, q.number - 1)
    return found if current in found else [current, *found]


@login_required
@require_GET
def ledger_home(request: HttpRequest) -> HttpResponse:
    """The ledger of the highest organisation the user's committee role covers."""
    org = ledgers.ledger_home_org(request.user)
    if org is None:
        raise Http404
    return redirect("mobility:ledger", pk=org.pk)


@login_required
@require_GET
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """A ledger: the quarter's changes counted, the book's and the database's summary (each
    line opening the ledger one level down), then the members, a hundred a page."""
    org = ledgers.ledger_org_for_user(request.user, pk)
    quarter = chosen_quarter(request)
    found = ledgers.mobile_ledger(org=org, quarter=quarter, today=today())
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "mobility/ledger.html",
        {
            "ledger": found,
            "level_name": ledgers.Level.NAMES[found.level],
            "quarter": quarter,
            "quarters": quarter_choices(quarter),
            "page": page,
            "may_reveal": scope_for(request.user).can_reveal_org(org),
        },
    )


@login_required
@require_GET
@never_cache
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger as the workbook an organisation department files, the phones masked; with
    `?full=1` in full, as the roster's export: for a role that may reveal the numbers, with the
    password entered in the last few minutes (else to re-authentication and back), logged."""
    org = ledgers.ledger_org_for_user(request.user, pk)
    quarter = chosen_quarter(request)
    full = request.GET.get("full") == "1"
    if full and not is_recent(request):
        return reauth_redirect(request, request.get_full_path())
    found = (
        ledger_reveal(actor=Actor.from_request(request), org=org, quarter=quarter, today=today())
        if full
        else ledgers.mobile_ledger(org=org, quarter=quarter, today=today())
    )
    response = HttpResponse(ledger_bytes(found), content_type=XLSX)
    name = f"流动党员台账-{org.name}-{quarter}{'-完整电话' if full else ''}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


urlpatterns = [
    path("ledgers/", ledger_home, name="ledger_home"),
    path("ledgers/<int:pk>/", ledger, name="ledger"),
    path("ledgers/<int:pk>/export/", ledger_export, name="ledger_export"),
]
