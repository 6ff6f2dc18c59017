"""The grid worker's and the township's pages of the structure: the grids under the user's
organisation, a grid with its people, households and gaps, a household with its residents and
needs, and the grid's contact cards to print. Each view parses, calls the service, and shows
the service's Chinese message on the form."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.selectors import org_or_default
from zhengxing.ledger.views.public import qr_svg
from zhengxing.orgs.models import Member, subtree_q
from zhengxing.orgs.selectors import scope_for

from .. import selectors, services
from ..forms import HouseholdForm, RecordNeedForm, ResidentForm
from ..models import Household, Resident
from ..rules import OPEN_STATES, Duty

# a card's QR code kept a month in the cache (card_qrs)
CARD_QR_SECONDS = 30 * 24 * 3600


@login_required
@require_GET
@never_cache
def grid_list(request: HttpRequest) -> HttpResponse:
    """The grids under the user's organisation (a grid worker: their village's), with their
    households and open needs, and the way to the overdue and unsatisfied lists."""
    org = org_or_default(user=request.user, raw=request.GET.get("org", ""))
    grids = list(selectors.grid_rows(request.user, org))
    return TemplateResponse(request, "grid/grids.html", {"org": org, "grids": grids})


@login_required
@never_cache
def grid_page(request: HttpRequest, pk: int) -> HttpResponse:
    grid = selectors.grid_for_user(request.user, pk)
    may_work = selectors.may_work(scope_for(request.user), grid.org)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and may_work and form.is_valid():
        try:
            household = services.household_add(
                actor=Actor.from_request(request), grid=grid, **form.cleaned_data
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The household was added."))
            return redirect("grid:household", household.pk)
    households = list(grid.households.order_by("address")[:500])
    return TemplateResponse(
        request,
        "grid/grid.html",
        {
            "grid": grid,
            "people": selectors.people_of(grid),
            "units": list(grid.units.order_by("name")),
            "households": households,
            "gaps": selectors.gaps_of(grid),
            "needs": list(
                grid.needs.filter(state__in=OPEN_STATES)
                .select_related("household")
                .order_by("due_at")[:100]
            ),
            "form": form if may_work else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def household_page(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_for_user(request.user, pk)
    grid = household.grid
    may_work = selectors.may_work(scope_for(request.user), grid.org)
    placed = Resident.objects.filter(county_id=grid.county_id, member__isnull=False).values(
        "member_id"
    )
    members = [
        (m.pk, m.name)
        for m in Member.objects.filter(subtree_q(grid.org.path, "branch__"))
        .exclude(pk__in=placed)
        .order_by("name")[:300]
    ]
    action = request.POST.get("action")
    resident_form = ResidentForm(request.POST if action == "resident" else None, members=members)
    need_form = RecordNeedForm(
        request.POST if action == "need" else None, request.FILES if action == "need" else None
    )
    if request.method == "POST" and may_work:
        actor = Actor.from_request(request)
        try:
            if action == "resident" and resident_form.is_valid():
                data = resident_form.cleaned_data
                member = Member.objects.filter(pk=data.pop("member") or 0).first()
                services.resident_add(actor=actor, household=household, member=member, **data)
                messages.success(request, _("The resident was registered."))
                return redirect("grid:household", household.pk)
            if action == "need" and need_form.is_valid():
                need = services.need_record(
                    actor=actor, household=household, **need_form.cleaned_data
                )
                messages.success(request, _("The need was recorded."))
                return redirect("grid:need", need.pk)
        except ServiceError as e:
            (resident_form if action == "resident" else need_form).add_error(None, str(e))
    return TemplateResponse(
        request,
        "grid/household.html",
        {
            "household": household,
            "grid": grid,
            "residents": list(household.residents.select_related("member").order_by("pk")),
            "needs": list(household.needs.order_by("-received_at")[:50]),
            "resident_form": resident_form if may_work else None,
            "need_form": need_form if may_work else None,
            "card_url": reverse("public_grid:household", args=[household.public_ref]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@never_cache
def cards(request: HttpRequest, pk: int) -> HttpResponse:
    """联系卡: a card per household, eight to an A4 sheet with cut lines, each with the grid
    head's and worker's names and phones and a QR code to the household's request form.
    The page asks first; printing (a POST) shows the phones in full and is logged, as a
    member's revealed number is. Printed again whenever the grid's people change (the cards
    read them at printing)."""
    grid = selectors.grid_for_user(request.user, pk)
    households: list[Household] = list(grid.households.order_by("address")[:1000])
    if request.method != "POST":
        return TemplateResponse(
            request, "grid/cards.html", {"grid": grid, "count": len(households), "cards": None}
        )
    people = services.cards_print(actor=Actor.from_request(request), grid=grid)
    base = request.build_absolute_uri("/")[:-1]
    codes = card_qrs(
        [base + reverse("public_grid:household", args=[h.public_ref]) for h in households]
    )
    # each phone decrypted once for the sheet, not once a card
    named = [(p.duty, p.name, p.phone) for p in people]
    return TemplateResponse(
        request,
        "grid/cards.html",
        {
            "grid": grid,
            "heads": [(name, phone) for duty, name, phone in named if duty == Duty.HEAD],
            "workers": [(name, phone) for duty, name, phone in named if duty == Duty.WORKER],
            "cards": list(zip(households, codes, strict=True)),
            "count": len(households),
            "printed": timezone.localdate(),
        },
    )


def card_qrs(urls: list[str]) -> list[str]:
    """The QR codes (inline SVG) of the households' card links, drawn once per link and kept
    in the cache (a household's link never changes; a code drawn is 2-4 ms, the sheet of 500
    reprinted whenever the grid's people change): one read of the cache for the sheet, one
    write for the codes it lacked."""
    keys = {url: "grid-card-qr:" + hashlib.sha256(url.encode()).hexdigest() for url in urls}
    kept = cache.get_many(list(keys.values()))
    drawn = {keys[u]: qr_svg(u) for u in urls if keys[u] not in kept}
    if drawn:
        cache.set_many(drawn, timeout=CARD_QR_SECONDS)
    return [mark_safe(kept.get(keys[u]) or drawn[keys[u]]) for u in urls]


urlpatterns = [
    path("", grid_list, name="grids"),
    path("<int:pk>/", grid_page, name="grid"),
    path("<int:pk>/cards/", cards, name="cards"),
    path("household/<int:pk>/", household_page, name="household"),
]
