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

from zhengxing.accounts.reauth import recent_auth
from zhengxing.core.actor import Actor
from zhengxing.core.charts import Chart, Series
from zhengxing.core.errors import ServiceError
from zhengxing.core.forms import NOT_CONFIRMED, confirmed
from zhengxing.core.periods import year_label
from zhengxing.jobs.models import JobKind
from zhengxing.jobs.views import start_or_back
from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs import selectors as org_selectors
from zhengxing.orgs.models import Member
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS

from .. import explained, selectors, services
from ..compute_sql import PERIOD_QUARTERS
from ..jobs import may_recompute
from ..rectify import RECTIFY_CODES, rectify_ledgers

PER_PAGE = 50


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _period(request: HttpRequest) -> str:
    raw = request.GET.get("period", "Y")
    return raw if raw in PERIOD_QUARTERS else "Y"


def _member_page(request: HttpRequest, member: Member) -> TemplateResponse:
    from ..posts import may_set_posts
    from ..standards import member_standards

    ratings = explained.member_ratings(user=request.user, member=member)
    year = _year(request)
    may_assess = org_selectors.scope_for(request.user).can_manage_member(member)
    return TemplateResponse(
        request,
        "stars/member.html",
        {
            "member": member,
            "year": year,
            "explained": [explained.explain(r, request.user) for r in ratings[:6]],
            # the named stars lit or not and why (000, the "532" standards)
            "standards": member_standards(member=member, year=year, now=timezone.now()),
            "assess_url": f"{reverse('stars:assess_member', args=[member.pk])}?year={year}"
            if may_assess
            else "",
            "may_set_posts": may_set_posts(actor=Actor.from_request(request), branch=member.branch),
        },
    )


@login_required
@require_GET
@never_cache
def my_stars(request: HttpRequest) -> HttpResponse:
    return _member_page(request, org_selectors.own_member(request.user))


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
    by_child = selectors.distribution_by_child(user=user, org=org, year=year, period=period)
    return TemplateResponse(
        request,
        "stars/board.html",
        {
            "org": org,
            "year": year,
            "period": period,
            "page": Paginator(ratings, PER_PAGE).get_page(request.GET.get("page")),
            "counts": [(stars, n, round(100 * n / widest)) for stars, n in counts],
            "chart": _chart(by_child) if len(by_child.children) > 1 else None,
            "org_ratings": selectors.org_ratings(user=user, org=org, year=year, period=period)[
                :PER_PAGE
            ],
            "may_finalise": services.may_finalise(actor=Actor.from_request(request), org=org),
            **_models_context(request, org, year),
            "sets_members": org.kind in MEMBER_HOLDING_KINDS,
            "may_assess": scope.can_manage_tree(org),
            "rectify_ledgers": rectify_ledgers(user=user, org=org),
            "may_recompute": may_recompute(actor=Actor.from_request(request), org=org),
        },
    )


@login_required
@require_POST
def recompute_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The township's (or the county's) stars computed again, as a background job; its page
    says how many ratings changed."""
    org = org_selectors.org_for_user(request.user, pk)
    year = _year(request)
    period = request.POST.get("period") or None
    back = f"{reverse('stars:board', args=[org.pk])}?year={year}"
    return start_or_back(
        request,
        back,
        county=org.county,
        kind=JobKind.RECOMPUTE,
        org=org,
        params={"year": year, "period": period if period in PERIOD_QUARTERS else None},
    )


def _chart(by_child: selectors.ChildDistribution) -> Chart:
    """The star distribution per child organisation: one stacked bar per child, one series per
    number of stars (the legend names each colour, the tooltip each count)."""
    return Chart(
        kind="hbar",
        category_label=str(_("organisation")),
        categories=[child.name for child, _counts in by_child.children],
        series=[
            Series(
                name=str(_("%(n)s stars") % {"n": stars}),
                values=[counts.get(stars, 0) for _child, counts in by_child.children],
                stack="members",
            )
            for stars in by_child.stars
        ],
    )


def _share_chart(shares: list[selectors.TopShare]) -> Chart:
    """The share of organisations awarded the top stars (Sanmenxia: five), year by year."""
    return Chart(
        kind="line",
        category_label=str(_("Year")),
        categories=[year_label(s.year) for s in shares],
        series=[Series(name=str(_("Top stars")), values=[s.share for s in shares])],
        percent=True,
    )


@login_required
@require_POST
@recent_auth
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    org = org_selectors.org_for_user(request.user, pk)
    year, period = _year(request), _period(request)
    try:
        if not confirmed(request.POST):  # finalised stars are posted and acted on for good
            raise ServiceError(NOT_CONFIRMED)
        done = services.ratings_finalise(
            actor=Actor.from_request(request),
            org=org,
            year=year,
            period=period,
            adjustments=_adjustments(request),
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("%(n)s ratings finalised; %(m)s follow-up tasks created.")
            % {"n": done.ratings, "m": done.consequences},
        )
        if done.incomplete:
            messages.warning(
                request,
                _("%(n)s ratings still miss an evaluation and were left pending.")
                % {"n": done.incomplete},
            )
    return redirect(f"{reverse('stars:board', args=[org.pk])}?year={year}&period={period}")


def _models_context(request: HttpRequest, org: Any, year: int) -> dict[str, Any]:
    """For an organisation's board: the share of its organisations awarded the top stars over
    three years (Sanmenxia's target: 80% five-star in three years) and the year's model
    five-star branches (五星标兵); the county may open the selection and choose."""
    shares = selectors.top_star_share(user=request.user, org=org, years=range(year - 2, year + 1))
    selection, chosen = selectors.model_selection(user=request.user, org=org, year=year)
    may_select = org.parent_id is None and services.may_select_models(
        actor=Actor.from_request(request), county=org.county
    )
    return {
        "shares": shares if any(s.rated for s in shares) else [],
        "share_chart": _share_chart(shares) if any(s.rated for s in shares) else None,
        "share_target": f"{selectors.FIVE_STAR_TARGET:.0%}",
        "selection": selection,
        "chosen": chosen,
        "chosen_ids": {c.org_id for c in chosen},
        "may_select": may_select,
    }


@login_required
@require_POST
def model_open(request: HttpRequest) -> HttpResponse:
    county_root = default_org_for(user=request.user)
    if county_root is None:
        raise Http404
    year = _year(request)
    try:
        services.model_selection_open(
            actor=Actor.from_request(request),
            county=county_root.county,
            year=year,
            quota=_int(request.POST.get("quota"), what=_("Quota")),
            award_yuan=_int(request.POST.get("award_yuan"), what=_("Award (yuan)")),
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The selection of model five-star branches is open."))
    return redirect(f"{reverse('stars:board', args=[county_root.pk])}?year={year}")


@login_required
@require_POST
def model_select(request: HttpRequest, pk: int) -> HttpResponse:
    org = org_selectors.org_for_user(request.user, pk)
    year = _year(request)
    root = default_org_for(user=request.user)
    try:
        services.model_branch_select(
            actor=Actor.from_request(request),
            county=org.county,
            year=year,
            org=org,
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Selected a model five-star branch."))
    target = root.pk if root is not None else org.pk
    return redirect(f"{reverse('stars:board', args=[target])}?year={year}")


def _int(raw: str | None, *, what: str) -> int:
    """A whole number typed in a box; refused naming the box ("名额：请输入整数。")."""
    try:
        return int((raw or "").strip())
    except ValueError:
        raise ServiceError(_("%(what)s: please enter a whole number.") % {"what": what}) from None


def _adjustments(request: HttpRequest) -> list[services.Adjustment]:
    """The stars moved on the board's form: `stars_<rating id>` with `reason_<rating id>`."""
    found = []
    for key in request.POST:
        value = request.POST.get(key, "")
        if not key.startswith("stars_") or not key[6:].isdigit() or not value.strip():
            continue
        try:
            stars = int(value)
        except ValueError:
            raise ServiceError(_("Stars must be a whole number.")) from None
        reason = request.POST.get(f"reason_{key[6:]}", "")
        found.append(services.Adjustment(rating_id=int(key[6:]), stars=stars, reason=reason))
    return found


@login_required
@require_GET
@never_cache
def todos(request: HttpRequest) -> HttpResponse:
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    items: Any = selectors.consequences_for(user=request.user, org=org)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "stars/todos.html", {"org": org, "page": page, "rectify_codes": RECTIFY_CODES}
    )


@login_required
@require_POST
def todo_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.consequence_for_user(user=request.user, pk=pk)
    try:
        services.consequence_done(
            actor=Actor.from_request(request), consequence=task, note=request.POST.get("note", "")
        )
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Marked done."))
    return redirect("stars:todos")


@login_required
@require_GET
@never_cache
def reserve(request: HttpRequest) -> HttpResponse:
    """The township's reserve pool of village cadres (后备力量), by year."""
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    year = _year(request)
    entries = selectors.reserve_pool(user=request.user, org=org, year=year)
    return TemplateResponse(
        request, "stars/reserve.html", {"org": org, "year": year, "entries": entries[:500]}
    )


urlpatterns = [
    path("reserve/", reserve, name="reserve"),
    path("models/open/", model_open, name="model_open"),
    path("models/<int:pk>/select/", model_select, name="model_select"),
    path("me/", my_stars, name="my_stars"),
    path("members/<int:pk>/", member_stars, name="member_stars"),
    path("board/", org_board, name="my_board"),
    path("orgs/<int:pk>/", org_board, name="board"),
    path("orgs/<int:pk>/finalise/", finalise, name="finalise"),
    path("orgs/<int:pk>/recompute/", recompute_start, name="recompute"),
    path("todo/", todos, name="todos"),
    path("todo/<int:pk>/done/", todo_done, name="todo_done"),
]
