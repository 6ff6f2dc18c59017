"""Pages of star ratings: a member's stars and why, a board of an organisation's members with
the distribution of stars, the township's finalising, and the consequences to act on. Each view
parses, makes its domain calls and renders; out of scope is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhengxing.audit.services import Actor
from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Member
from zhengxing.orgs.services import ServiceError
from zhengxing.web.security import recent_auth

from . import selectors, services
from .compute import PERIOD_QUARTERS

app_name = "stars"
PER_PAGE = 50


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _period(request: HttpRequest) -> str:
    raw = request.GET.get("period", "Y")
    return raw if raw in PERIOD_QUARTERS else "Y"


def _member_page(request: HttpRequest, member: Member) -> TemplateResponse:
    ratings = selectors.member_ratings(user=request.user, member=member)
    return TemplateResponse(
        request,
        "stars/member.html",
        {"member": member, "explained": [selectors.explain(r) for r in ratings[:6]]},
    )


@login_required
@require_GET
@never_cache
def my_stars(request: HttpRequest) -> HttpResponse:
    member_id = org_selectors.scope_for(request.user).member_id
    if member_id is None:
        raise Http404
    return _member_page(request, org_selectors.member_for_user(request.user, member_id))


@login_required
@require_GET
@never_cache
def member_stars(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_page(request, org_selectors.member_for_user(request.user, pk))


@login_required
@require_GET
@never_cache
def org_board(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    org = org_selectors.org_for_user(user, pk) if pk is not None else default_org_for(user=user)
    if org is None:
        raise Http404
    year, period = _year(request), _period(request)
    ratings = selectors.board(user=user, org=org, year=year, period=period)
    counts = selectors.distribution(ratings)
    widest = max((n for _, n in counts), default=1)
    scope = org_selectors.scope_for(user)
    return TemplateResponse(
        request,
        "stars/board.html",
        {
            "org": org,
            "year": year,
            "period": period,
            "page": Paginator(ratings, PER_PAGE).get_page(request.GET.get("page")),
            "counts": [(stars, n, round(100 * n / widest)) for stars, n in counts],
            "may_finalise": scope.can_manage_tree(org) and org.kind not in ("branch",),
        },
    )


@login_required
@require_POST
@recent_auth
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    org = org_selectors.org_for_user(request.user, pk)
    year, period = _year(request), _period(request)
    try:
        done = services.ratings_finalise(
            actor=Actor.from_request(request), org=org, year=year, period=period
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("%(n)s ratings finalised; %(m)s follow-up tasks created.")
            % {"n": done.ratings, "m": done.consequences},
        )
    return redirect(f"{reverse('stars:board', args=[org.pk])}?year={year}&period={period}")


@login_required
@require_GET
@never_cache
def todos(request: HttpRequest) -> HttpResponse:
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    items: Any = selectors.consequences_for(user=request.user, org=org)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "stars/todos.html", {"org": org, "page": page})


urlpatterns = [
    path("me/", my_stars, name="my_stars"),
    path("members/<int:pk>/", member_stars, name="member_stars"),
    path("board/", org_board, name="my_board"),
    path("orgs/<int:pk>/", org_board, name="board"),
    path("orgs/<int:pk>/finalise/", finalise, name="finalise"),
    path("todo/", todos, name="todos"),
]
