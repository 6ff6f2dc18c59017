"""Pages of the points ledger's reports (login): a member's own points, the branch table
(一张表), the township book (一册), the county view (一个数据库), rankings, the list of members
whose points stay low with their reminder talks (约谈提醒), and the Excel downloads.

Each view parses, makes its domain calls (`selectors` to read, one `services` call to write)
and renders. Organisations and members come through scoped selectors: outside the user's
scope a page, and its download, is 404. Every figure is computed in the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.charts import Chart, Series
from zhengxing.core.errors import ServiceError
from zhengxing.core.htmx import for_htmx
from zhengxing.jobs.models import JobKind
from zhengxing.jobs.views import start_or_back
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS

from .. import excel, selectors, services
from ..rules import PART_LABELS, STATUS_LABELS, low_points_bar, points_normal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows on one page of a ranking or of the low-points list.
PER_PAGE = 50
YEARS = range(2000, 2101)


class CountedPaginator(Paginator):
    """A pager told its row count (by a cheaper query than counting the page's own)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


def _today() -> dt.date:
    return timezone.localdate()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _year(request: HttpRequest) -> int:
    """`?year=`, or this year when absent or out of range."""
    year = _int(request.GET.get("year"))
    return year if year is not None and year in YEARS else _today().year


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class ReminderTalkForm(forms.Form):
    held_on = forms.DateField(
        label=gettext_lazy("Date of the talk"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=gettext_lazy("What was said"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- a member's own points ----------------------------------------------------------------


def _talks_context(
    request: HttpRequest, member: Member, form: ReminderTalkForm | None = None
) -> dict[str, Any]:
    """The talks list and, for the branch's secretary or committee, the form to record one."""
    if not org_selectors.scope_for(request.user).can_see_org(member.branch):
        return {"talks": None}
    actor = Actor.from_request(request)
    may_record = services.may_record_reminder_talk(actor=actor, member=member)
    if may_record and form is None:
        form = ReminderTalkForm(initial={"held_on": _today()})
    return {
        "talks": selectors.member_talks(user=request.user, member=member),
        "may_record": may_record,
        "talk_form": form if may_record else None,
    }


def _member_page(request: HttpRequest, member: Member) -> TemplateResponse:
    year = _year(request)
    user = request.user
    quarters = selectors.member_quarter_totals(user=user, member=member, year=year)
    return TemplateResponse(
        request,
        "ledger/reports/member.html",
        {
            "member": member,
            "year": year,
            "own": member.pk == org_selectors.scope_for(user).member_id,
            # a member sees the own points, not the branch's table: no link where it would 404
            "branch_visible": org_selectors.orgs_visible_to(user)
            .filter(pk=member.branch_id)
            .exists(),
            "totals": selectors.member_year_totals(user=user, member=member, year=year),
            "quarters": [(q, quarters.get(q)) for q in selectors.QUARTERS],
            "entries": selectors.member_entries(user=user, member=member, year=year),
            "pending": selectors.member_claims_pending(user=user, member=member),
            "part_labels": PART_LABELS,
            "status_labels": STATUS_LABELS,
            **_talks_context(request, member),
        },
    )


@login_required
@require_GET
@never_cache
def my_points(request: HttpRequest) -> HttpResponse:
    """The signed-in member's own points."""
    return _member_page(request, org_selectors.own_member(request.user))


@login_required
@require_GET
@never_cache
def member_points(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_page(request, org_selectors.member_for_user(request.user, pk))


@login_required
@require_POST
def talk_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a reminder talk; HTMX swaps the talks section, otherwise back to the page."""
    member = org_selectors.member_for_user(request.user, pk)
    form = ReminderTalkForm(request.POST)
    recorded = False
    if form.is_valid():
        try:
            services.reminder_talk_record(
                actor=Actor.from_request(request),
                member=member,
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            recorded = True
    if not request.htmx:  # type: ignore[attr-defined]
        if recorded:
            messages.success(request, _("The reminder talk was recorded."))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
        return redirect(f"{reverse('ledger:member_points', args=[member.pk])}#talks")
    context = _talks_context(request, member, None if recorded else form)
    return TemplateResponse(
        request, "ledger/reports/_talks.html", {"member": member, "recorded": recorded, **context}
    )


# --- the branch table and the township book -----------------------------------------------


@login_required
@require_GET
@never_cache
def branch_table(request: HttpRequest, pk: int) -> HttpResponse:
    branch = selectors.branch_for_viewer(user=request.user, pk=pk)
    table = selectors.branch_year_table(user=request.user, branch=branch, year=_year(request))
    return TemplateResponse(
        request, "ledger/reports/branch.html", {"table": table, "year": table.year}
    )


@login_required
@require_GET
@never_cache
def branch_table_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    branch = selectors.branch_for_viewer(user=request.user, pk=pk)
    table = selectors.branch_year_table(user=request.user, branch=branch, year=_year(request))
    return _xlsx(excel.branch_table_bytes(table), f"党员积分台账-{branch.name}-{table.year}.xlsx")


@login_required
@require_GET
@never_cache
def township_book(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.org_above_branches(user=request.user, pk=pk)
    book = selectors.township_book(
        user=request.user, org=org, year=_year(request), sort=request.GET.get("sort", "")
    )
    return TemplateResponse(
        request,
        "ledger/reports/book.html",
        {
            "book": book,
            "year": book.year,
            "sorts": selectors.BOOK_SORTS,
            "chart": _book_chart(book) if book.rows else None,
        },
    )


def _book_chart(book: selectors.Book) -> Chart:
    """The township book in a picture: each branch's counted points, quarter by quarter
    (stacked: the bar's length is the year's counted total so far)."""
    return Chart(
        kind="hbar",
        category_label=_("branch"),
        categories=[row.name for row in book.rows],
        series=[
            Series(
                name=_("Quarter %(n)s") % {"n": q},
                values=[row.by_quarter[q - 1] for row in book.rows],
                stack="year",
            )
            for q in selectors.QUARTERS
        ],
    )


@login_required
@require_GET
@never_cache
def township_book_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.org_above_branches(user=request.user, pk=pk)
    book = selectors.township_book(user=request.user, org=org, year=_year(request))
    return _xlsx(excel.township_book_bytes(book), f"党员积分册-{org.name}-{book.year}.xlsx")


# --- the county view ----------------------------------------------------------------------


def _county(request: HttpRequest) -> selectors.CountyView:
    root = selectors.county_root_for(user=request.user, county_id=_int(request.GET.get("county")))
    return selectors.county_view(user=request.user, root=root, year=_year(request))


@login_required
@require_GET
@never_cache
def county(request: HttpRequest) -> HttpResponse:
    view = _county(request)
    return TemplateResponse(
        request, "ledger/reports/county.html", {"view": view, "year": view.year}
    )


@login_required
@require_GET
@never_cache
def county_xlsx(request: HttpRequest) -> HttpResponse:
    view = _county(request)
    return _xlsx(excel.county_view_bytes(view), f"党员积分汇总-{view.root.name}-{view.year}.xlsx")


# --- rankings -----------------------------------------------------------------------------


def _ranking(request: HttpRequest) -> tuple[str, Org, int, Any]:
    """`?scope=branch|township|county&org=<id>&year=`: without a scope, the org's own level;
    without an org, the user's own highest organisation."""
    scope = request.GET.get("scope", "")
    org = selectors.ranking_org(
        user=request.user,
        scope=scope if scope in selectors.RANKING_SCOPES else "",
        org_id=_int(request.GET.get("org")),
    )
    year = _year(request)
    ranking = selectors.member_ranking(user=request.user, org=org, year=year)
    return _scope_for_org(org), org, year, ranking


def _ranking_title(org: Org, year: int) -> str:
    kind = "年终积分排名" if year < _today().year else "积分排名（截至已签字季度）"
    return f"{org.name} {year}年党员{kind}"


def _scope_for_org(org: Org) -> str:
    if org.parent_id is None:
        return "county"
    return "branch" if org.kind in MEMBER_HOLDING_KINDS else "township"


@login_required
@require_GET
@never_cache
@for_htmx(use_template="ledger/reports/_ranking_table.html", if_hx_target="ranking-table")
def rankings(request: HttpRequest) -> HttpResponse:
    """Members ranked by the year's counted total within a branch, a township or the county;
    for a finished year, the year-end ranking (年终排名)."""
    scope, org, year, ranking = _ranking(request)
    count = selectors.members_ranked_count(org=org)
    page = CountedPaginator(ranking, PER_PAGE, count=count).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "ledger/reports/rankings.html",
        {
            "scope": scope,
            "org": org,
            "year": year,
            "page": page,
            "year_end": year < _today().year,
            "title": _ranking_title(org, year),
            "basis": selectors.RANKING_BASIS,
            "chart": _ranking_chart(page.object_list) if page.number == 1 else None,
        },
    )


RANKING_CHART_ROWS = 20


def _ranking_chart(rows: Any) -> Chart | None:
    """The top of the ranking in a picture: points per signed quarter, as ranked."""
    top = list(rows)[:RANKING_CHART_ROWS]
    if not top:
        return None
    return Chart(
        kind="hbar",
        category_label=_("name"),
        categories=[f"{row['rank']}. {row['name']}" for row in top],
        series=[
            Series(
                name=_("Points per signed quarter"),
                values=[points_normal(Decimal(str(row["per_quarter"]))) for row in top],
            )
        ],
    )


@login_required
@require_GET
@never_cache
def rankings_xlsx(request: HttpRequest) -> HttpResponse:
    _, org, year, ranking = _ranking(request)
    title = _ranking_title(org, year)
    data = excel.ranking_bytes(title=title, rows=ranking.iterator(chunk_size=2000))
    return _xlsx(data, f"{title}.xlsx")


# --- low points and reminder talks --------------------------------------------------------


@login_required
@require_GET
@never_cache
@for_htmx(use_template="ledger/reports/_low_table.html", if_hx_target="low-table")
def low_points(request: HttpRequest) -> HttpResponse:
    """Members whose points stay low (长期积分偏低) under an organisation, with their reminder
    talks this year. `?all=1` lists everyone below the bar at the latest signed quarter."""
    org_id = _int(request.GET.get("org"))
    org = (
        org_selectors.org_for_user(request.user, org_id)
        if org_id is not None
        else selectors.default_org_for(user=request.user)
    )
    if org is None:
        raise Http404
    year = _year(request)
    threshold = selectors.low_points_threshold()
    long_running = request.GET.get("all") != "1"
    quarters = selectors.low_points_quarters() if long_running else 1
    rows = selectors.low_points(
        user=request.user, org=org, year=year, threshold=threshold, quarters=quarters
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "ledger/reports/low.html",
        {
            "org": org,
            "year": year,
            "page": page,
            "threshold": threshold,
            "quarters": quarters,
            "long_running": long_running,
            "bars": [(q, low_points_bar(threshold, q)) for q in selectors.QUARTERS],
        },
    )


# --- large files as background jobs -------------------------------------------------------


@login_required
@require_POST
def township_book_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The township's book made by a background job (a large township's takes a while)."""
    org = selectors.org_above_branches(user=request.user, pk=pk)
    year = _year(request)
    back = f"{reverse('ledger:township_book', args=[org.pk])}?year={year}"
    return start_or_back(
        request, back, county=org.county, kind=JobKind.BOOK_EXPORT, org=org, params={"year": year}
    )


@login_required
@require_POST
def rankings_job(request: HttpRequest) -> HttpResponse:
    """The ranking's Excel made by a background job (the county's: every member)."""
    _, org, year, _ranking_rows = _ranking(request)
    back = f"{reverse('ledger:rankings')}?org={org.pk}&year={year}"
    params = {"year": year, "title": _ranking_title(org, year)}
    return start_or_back(
        request, back, county=org.county, kind=JobKind.RANKING_EXPORT, org=org, params=params
    )


urlpatterns: list[URLPattern] = [
    path("me/", my_points, name="my_points"),
    path("members/<int:pk>/", member_points, name="member_points"),
    path("members/<int:pk>/talks/", talk_record, name="talk_record"),
    path("branches/<int:pk>/", branch_table, name="branch_table"),
    path("branches/<int:pk>/table.xlsx", branch_table_xlsx, name="branch_table_xlsx"),
    path("townships/<int:pk>/", township_book, name="township_book"),
    path("townships/<int:pk>/book.xlsx", township_book_xlsx, name="township_book_xlsx"),
    path("townships/<int:pk>/book-job/", township_book_job, name="township_book_job"),
    path("county/", county, name="county"),
    path("county.xlsx", county_xlsx, name="county_xlsx"),
    path("rankings/", rankings, name="rankings"),
    path("rankings.xlsx", rankings_xlsx, name="rankings_xlsx"),
    path("rankings/job/", rankings_job, name="rankings_job"),
    path("low/", low_points, name="low_points"),
]
