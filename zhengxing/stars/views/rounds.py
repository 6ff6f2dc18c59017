"""Pages of evaluation rounds: the rounds of an organisation and a new one; a round's page, where
a rater scores every ratee in one form (editable until it closes), the committee prints
single-use codes as QR slips for households and types in paper ballots, and everyone allowed
sees each ratee's average once it has closed — never a single ballot. The household's own page,
reached from the slip's QR code, needs no login (public.py)."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.selectors import default_org_for, org_or_default
from zhengxing.ledger.views.public import qr_svg
from zhengxing.orgs import selectors as org_selectors

from .. import ballots, selectors
from .. import rounds as round_services
from ..forms import BallotsForm, CodesForm, PaperForm, RoundForm
from ..models import EvaluationRound, RoundKind
from .ratings import PER_PAGE, _year


@login_required
@never_cache
def rounds_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    raw = request.GET.get("org", "")
    if not raw and request.method == "GET" and default_org_for(user=user) is None:
        # a member who runs nothing: the rounds of their own branch and above, to take part in
        me, found = selectors.rounds_of_own_branch(user=user, year=year)
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
        return TemplateResponse(
            request,
            "stars/rounds.html",
            {"org": me.branch, "year": year, "page": page, "now": timezone.now(), "own": True},
        )
    org = org_or_default(user=user, raw=raw)
    scope = org_selectors.scope_for(user)
    may_create = scope.can_manage_org(org)
    form = RoundForm(request.POST or None) if may_create else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = round_services.round_create(
                    actor=Actor.from_request(request), org=org, year=year, period=data["period"],
                    kind=data["kind"], name=data["name"], indicators=data["indicators"],
                    opens_at=data["opens_at"], closes_at=data["closes_at"],
                )  # fmt: skip
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("The evaluation round was created."))
                return redirect("stars:round", made.pk)
    found = selectors.rounds_for(user=user, org=org, year=year)
    return TemplateResponse(
        request,
        "stars/rounds.html",
        {
            "org": org,
            "year": year,
            "form": form,
            "page": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rounds_schedule(request: HttpRequest) -> HttpResponse:
    """Create the year's rounds of the organisation by its scheme's schedule (once each)."""
    org = org_or_default(user=request.user, raw=request.POST.get("org", ""))
    year = _year(request)
    try:
        made = round_services.rounds_schedule(actor=Actor.from_request(request), org=org, year=year)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("%(n)s rounds created by the schedule.") % {"n": len(made)})
    return redirect(f"{reverse('stars:rounds')}?org={org.pk}&year={year}")


def _may_run(request: HttpRequest, round_: EvaluationRound) -> bool:
    return round_services.may_run_round(Actor.from_request(request), round_.org, round_.kind)


@login_required
@never_cache
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for_user(request.user, pk)
    now = timezone.now()
    is_open = round_.opens_at <= now < round_.closes_at
    ratees = selectors.round_ratees(round_)
    mine = selectors.my_ballots(round_, request.user)
    own = org_selectors.scope_for(request.user).member_id
    if round_.kind == RoundKind.SELF:
        ratees = [r for r in ratees if r.pk == own]
    elif round_.kind in (RoundKind.PEER, RoundKind.GENERAL):
        ratees = [r for r in ratees if r.pk != own]  # a rater never scores herself as a peer
    initial = {
        f"s-{ratee}-{code}": value
        for ratee, scores in mine.items()
        for code, value in scores.items()
    }
    may_vote = is_open and round_.kind != RoundKind.PUBLIC and bool(ratees)
    if round_.kind == RoundKind.SELF:
        initial["text"] = selectors.my_self_text(round_, request.user)
    form = BallotsForm(
        request.POST or None,
        ratees=ratees,
        indicators=round_.indicators,
        initial=initial,
        with_text=round_.kind == RoundKind.SELF,
    )
    if request.method == "POST":
        if not may_vote:
            raise Http404
        if form.is_valid():
            try:
                done = ballots.ballots_submit_many(
                    actor=Actor.from_request(request),
                    round_=round_,
                    ballots=form.ballots(),
                    text=form.cleaned_data.get("text", ""),
                )
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _("%(n)s ballots saved; you may change them until the round closes.")
                    % {"n": len(done)},
                )
                return redirect("stars:round", round_.pk)
    results = selectors.round_results(round_, now)
    names = {r.pk: r.name for r in selectors.round_ratees(round_)}
    return TemplateResponse(
        request,
        "stars/round.html",
        {
            "round": round_,
            "is_open": is_open,
            "form": form if may_vote else None,
            "results": [(names.get(r.ratee_id, "?"), r) for r in results or []],
            "closed": results is not None,
            "may_run": _may_run(request, round_),
            # the rounds list of the round's organisation, else (a member who only takes part)
            # their own rounds list
            "sees_org": org_selectors.scope_for(request.user).can_see_org(round_.org),
            "paper_kinds": ballots.PAPER_KINDS,
            "codes_form": CodesForm() if round_.kind == RoundKind.PUBLIC else None,
            # 商评 is scored "根据党员互评情况和党员履行义务及参加组织生活……等情况" (003): the
            # committee sees each member's peer results and points of the period beside the form
            "before_committee": selectors.committee_context(round_)
            if may_vote and round_.kind == RoundKind.COMMITTEE
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def round_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue single-use codes and show them once, as printable QR slips."""
    round_ = selectors.round_for_user(request.user, pk)
    form = CodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the form."))
        return redirect("stars:round", round_.pk)
    try:
        codes = ballots.codes_issue(
            actor=Actor.from_request(request), round_=round_, count=form.cleaned_data["count"]
        )
    except ServiceError as e:
        messages.error(request, str(e))
        return redirect("stars:round", round_.pk)
    vote = request.build_absolute_uri(reverse("public_stars:vote", args=[round_.pk]))
    slips = [(code, mark_safe(qr_svg(f"{vote}?code={code}"))) for code in codes]
    response = TemplateResponse(
        request, "stars/slips.html", {"round": round_, "slips": slips, "vote": vote}
    )
    response["Cache-Control"] = "no-store"  # the codes exist nowhere else
    return response


@login_required
@never_cache
def round_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee types in a household's paper ballot with the code on its slip."""
    round_ = selectors.round_for_user(request.user, pk)
    if round_.kind != RoundKind.PUBLIC or not _may_run(request, round_):
        raise Http404
    form = BallotsForm(
        request.POST or None,
        ratees=selectors.round_ratees(round_),
        indicators=round_.indicators,
        with_code=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            ballots.public_ballots_submit(
                actor=Actor.from_request(request),
                round_=round_,
                code=form.cleaned_data["code"],
                ratings=form.ballots(),
                paper=True,
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The paper ballot was entered."))
            return redirect("stars:round_paper", round_.pk)
    return TemplateResponse(
        request,
        "stars/vote.html",
        {"round": round_, "form": form, "paper": True},
        status=400 if request.method == "POST" else 200,
    )


# a self round's one row on a paper form: the member whose form it is
_HERSELF = SimpleNamespace(pk="self", name=gettext_lazy("Herself (self-evaluation)"))


@login_required
@never_cache
def paper_forms(request: HttpRequest) -> HttpResponse:
    """The committee types members' paper evaluation forms (the elderly, members without a
    phone), one after another: it picks an open self, peer or general round it runs, then for
    each form whose it is and the scores written on it. All or nothing per form; a refused
    form comes back as typed, with the reason."""
    user, actor, now = request.user, Actor.from_request(request), timezone.now()
    org = org_or_default(user=user, raw=request.GET.get("org", ""))
    rounds = [
        r
        for r in selectors.rounds_for(user=user, org=org, year=_year(request))[:200]
        if r.kind in ballots.PAPER_KINDS and r.opens_at <= now < r.closes_at
        and round_services.may_run_round(actor, r.org, r.kind)
    ]  # fmt: skip
    raw = request.GET.get("round", "")
    round_ = next((r for r in rounds if str(r.pk) == raw), None)
    if raw and round_ is None:
        raise Http404
    form = None
    if round_ is not None:
        is_self = round_.kind == RoundKind.SELF
        form = PaperForm(
            request.POST or None,
            raters=selectors.paper_raters(round_),
            ratees=[_HERSELF] if is_self else selectors.round_ratees(round_),
            indicators=round_.indicators,
            with_text=is_self,
        )
        if request.method == "POST" and form.is_valid():
            rater = next(m for m in form.raters if m.pk == form.cleaned_data["rater"])
            typed = [(rater if r is _HERSELF else r, scores) for r, scores in form.ballots()]
            try:
                done = ballots.paper_ballots_submit(
                    actor=actor, round_=round_, rater=rater, ratings=typed,
                    text=form.cleaned_data.get("text", ""), amend=form.cleaned_data["amend"],
                )  # fmt: skip
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    _("%(name)s's paper form was entered: %(n)s ballots.")
                    % {"name": rater.name, "n": len(done)},
                )
                return redirect(f"{reverse('stars:paper_forms')}?org={org.pk}&round={round_.pk}")
    elif request.method == "POST":
        raise Http404
    return TemplateResponse(
        request,
        "stars/paper_forms.html",
        {"org": org, "rounds": rounds, "round": round_, "form": form},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("rounds/forms/", paper_forms, name="paper_forms"),
    path("rounds/", rounds_page, name="rounds"),
    path("rounds/schedule/", rounds_schedule, name="rounds_schedule"),
    path("rounds/<int:pk>/", round_page, name="round"),
    path("rounds/<int:pk>/codes/", round_codes, name="round_codes"),
    path("rounds/<int:pk>/paper/", round_paper, name="round_paper"),
]
