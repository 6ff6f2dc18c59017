"""Public star pages, no login: an approved star plan with the members' self-chosen stars, the
star board of finalised ratings, and a household's ballot with the code from its slip. Names
and stars only: no ID number, phone, score detail or anyone's ballot reaches these pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from zhengxing.audit.throttles import public_write_throttled
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.views.public import qr_svg
from zhengxing.orgs.models import Org

from .. import ballots, public_selectors, selectors
from .. import plans as plan_services
from ..forms import BallotsForm
from ..models import EvaluationRound, RoundKind, Subject
from .ratings import _year


@require_GET
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    found = public_selectors.plan_public(slug=slug)
    where: dict[str, Any] = {
        "county_id": found.county_id,
        "year": found.year,
        "path": found.org.path,
    }
    names = plan_services.names_for(subject=Subject.ORG, **where)
    member_names = plan_services.names_for(subject=Subject.MEMBER, **where)
    url = request.build_absolute_uri(reverse("public_stars:plan", args=[found.slug]))
    return TemplateResponse(
        request,
        "stars/public/plan.html",
        {
            "plan": found,
            "duty": [names.get(c, c) for c in found.duty_stars],
            "own": [names.get(c, c) for c in found.self_stars],
            "choices": [
                (name, [member_names.get(c, c) for c in codes])
                for name, codes in public_selectors.choices_public(plan=found)
            ],
            "url": url,
            "qr": mark_safe(qr_svg(url)),
        },
    )


@require_GET
def board(request: HttpRequest, ref: str) -> HttpResponse:
    """An organisation's public star board, by its random public reference (`Org.public_ref`):
    counting through ids would list every member's name and stars."""
    org = get_object_or_404(Org, public_ref=ref)
    if org.kind in ("group", "building_group", "central_household"):
        raise Http404
    year = _year(request)
    posted = [
        (p.name, p.members[:2000], p.orgs[:500])
        for p in public_selectors.board_public(org=org, year=year)
    ]
    return TemplateResponse(
        request, "stars/public/board.html", {"org": org, "year": year, "posted": posted}
    )


@public_write_throttled
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A household scores the round's ratees with the code on its slip (the QR code fills it
    in). Single use: the code is spent with this one submission."""
    round_ = get_object_or_404(EvaluationRound.objects.select_related("org"), pk=pk)
    if round_.kind != RoundKind.PUBLIC:
        raise Http404
    now = timezone.now()
    code = (request.POST if request.method == "POST" else request.GET).get("code", "")[:32]
    # whom the round rates, only to the holder of an unused slip (the QR code carries it)
    code_open = ballots.public_code_open(round_, code)
    form = BallotsForm(
        request.POST or None,
        ratees=selectors.round_ratees(round_) if code_open else [],
        indicators=round_.indicators,
        with_code=True,
        key=ballots.public_ratee_key(round_),
        initial={"code": request.GET.get("code", "")[:32]},
    )
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            ballots.public_ballots_submit(
                actor=Actor.from_request(request),
                round_=round_,
                code=form.cleaned_data["code"],
                ratings=form.ballots(),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            done = True
    return TemplateResponse(
        request,
        "stars/vote.html",
        {
            "round": round_,
            "form": None if done else form,
            "done": done,
            "is_open": round_.opens_at <= now < round_.closes_at,
        },
        status=400 if request.method == "POST" and not done else 200,
    )


app_name = "public_stars"
urlpatterns = [
    path("rounds/<int:pk>/vote/", vote, name="vote"),
    path("plans/<slug:slug>/", plan, name="plan"),
    path("orgs/<str:ref>/", board, name="board"),
]
