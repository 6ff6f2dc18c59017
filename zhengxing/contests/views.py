"""The contests' pages: the organiser's list and contest (codes to print, held votes to review,
judges, results and their Excel), an entrant's entry form, the judge's scoring form (a phone),
and the public's pages by random reference (`/p/contests/<ref>/`: the entries, a vote with the
code from a slip, the results once published). Views parse and render; the rules are the
services'."""

from __future__ import annotations

import mimetypes
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.ledger.forms import evidence_discard, evidence_storage, evidence_store
from zhengxing.orgs import yearly
from zhengxing.orgs.selectors import orgs_visible_to, scope_for

from . import selectors, services
from .excel import results_workbook
from .forms import (
    CodesForm,
    ContestForm,
    EntryEditForm,
    EntryForm,
    JudgeForm,
    VoteForm,
    score_form,
)
from .models import Entry, EntryPhoto
from .rules import TIE_RULE, WINNERS_BEST, Dates, Level, Phase
from .services.contests import ORGANISERS
from .throttles import DEVICE_COOKIE, DEVICE_SALT, device_of, vote_wait


def _with_votes(entries: list[Entry], votes: dict[int, int] | None) -> list[Entry]:
    """Each entry with its counted votes (`votes`), once they may be shown."""
    for e in entries:
        e.votes = (votes or {}).get(e.pk, 0)  # type: ignore[attr-defined]
    return entries


def _organisers(request: HttpRequest) -> list:  # type: ignore[type-arg]
    scope = scope_for(request.user)
    return [
        o
        for o in orgs_visible_to(request.user).filter(kind__in=ORGANISERS).order_by("path")[:50]
        if scope.can_manage_tree(o)
    ]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The contests the user organises, entered or judges."""
    return TemplateResponse(
        request,
        "contests/home.html",
        {
            "contests": selectors.contests_visible_to(request.user)[:100],
            "may_create": bool(_organisers(request)),
        },
    )


@login_required
def contest_new(request: HttpRequest) -> HttpResponse:
    organisers = _organisers(request)
    if not organisers:
        raise PermissionDenied
    higher = selectors.contests_visible_to(request.user).filter(
        published_at__isnull=True, level__in=(Level.BANNER, Level.LEAGUE)
    )[:50]
    form = ContestForm(
        request.POST or None,
        initial={"year": timezone.localdate().year},
        higher=list(higher),
        figures=yearly.figures(),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contest = services.contest_create(
                actor=Actor.from_request(request),
                organiser=organisers[0],
                title=d["title"],
                series=d["series"],
                year=d["year"],
                level=d["level"],
                entrant_kind=d["entrant_kind"],
                description=d["description"],
                dates=Dates(
                    d["showcase_from"], d["voting_from"], d["voting_until"], d["judging_until"]
                ),
                weights=(d["weight_public"], d["weight_performance"], d["weight_overall"]),
                rubric=form.rubric_items(),
                drop_extremes=d["drop_extremes"],
                vote_period=d["vote_period"],
                device_daily_limit=d["device_daily_limit"],
                sources=form.sources() or None,  # none weighed: the points alone
                next_level=next((c for c in higher if c.pk == d["next_level"]), None),
                advance=d["advance"] or WINNERS_BEST,
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("contests:contest", pk=contest.pk)
    return TemplateResponse(
        request, "contests/contest_new.html", {"form": form, "organiser": organisers[0]}
    )


def _organiser_op(request: HttpRequest, contest, op: str) -> tuple[list[str], object]:  # type: ignore[no-untyped-def]
    """The organiser's writes on the contest page, by the button pressed."""
    actor = Actor.from_request(request)
    codes: list[str] = []
    if op == "codes":
        form = CodesForm(request.POST)
        if not form.is_valid():
            raise ServiceError(_("Say how many codes and who hands them out."))
        batch, codes = services.voter_codes_issue(
            actor=actor,
            contest=contest,
            count=form.cleaned_data["count"],
            label=form.cleaned_data["label"],
        )
        return codes, batch
    if op == "judge":
        user = User.objects.filter(username=request.POST.get("username", "")[:150]).first()
        if user is None:
            raise ServiceError("没有这个登录名")
        services.judge_add(actor=actor, contest=contest, user=user)
    elif op == "flag":
        held = services.votes_flag(actor=actor, contest=contest)
        messages.success(request, _("%(n)d votes held for review.") % {"n": sum(held.values())})
    elif op in ("keep", "reject"):
        services.votes_review(
            actor=actor,
            contest=contest,
            flag=request.POST.get("flag", ""),
            key=request.POST.get("key", "")[:48],
            keep=op == "keep",
        )
    elif op == "publish":
        services.results_publish(actor=actor, contest=contest)
    elif op == "advance":
        went = services.winners_advance(actor=actor, contest=contest)
        messages.success(request, _("%(n)d winners went up a level.") % {"n": len(went)})
    return codes, None


@login_required
@never_cache
def contest(request: HttpRequest, pk: int) -> HttpResponse:
    """A contest: its phase and entries; for the organiser the codes to print (shown once), the
    votes' summary and the held votes to review, the judges, publishing; for a judge the
    entries to score; for an entrant their entry."""
    found = selectors.contest_for_user(request.user, pk)
    organiser = services.contests.may_organise(Actor.from_request(request), found)
    codes: list[str] = []
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied
        try:
            codes, _batch = _organiser_op(request, found, request.POST.get("op", ""))
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            if not codes:
                return redirect("contests:contest", pk=found.pk)
        found = selectors.contest_for_user(request.user, pk)
    today = timezone.localdate()
    judge = selectors.judge_of(request.user, found)
    votes = selectors.votes_visible(found, today)
    entries = _with_votes(list(selectors.entries_of(found)), votes)
    scope = scope_for(request.user)
    results = selectors.published_public(found)
    return TemplateResponse(
        request,
        "contests/contest.html",
        {
            "contest": found,
            "phase": Phase(found.phase(today)),
            "entries": entries,
            "own_orgs": [
                o
                for o in orgs_visible_to(request.user)
                .filter(path__startswith=found.organiser.path)
                .exclude(pk=found.organiser_id)[:50]
                if scope.can_manage_org(o)
            ]
            if found.phase(today) in (Phase.DRAFT, Phase.SHOWCASE)
            else [],
            "organiser": organiser,
            "judge": judge,
            "votes": votes,
            "summary": selectors.vote_summary(found) if organiser else None,
            "held": selectors.held_groups(found) if organiser else [],
            "judges": found.judges.select_related("user") if organiser else [],
            "progress": selectors.judging_progress(found),
            "results": None
            if results is None
            else selectors.growth_explained(found, list(results)),
            "figures": selectors.figures_chosen(found),
            "went_up": selectors.went_up(found) if results is not None else {},
            "may_advance": organiser
            and results is not None
            and services.levels.advance_open(found, today),
            "codes": codes,
            "codes_form": CodesForm(),
            "judge_form": JudgeForm(),
            "tie_rule": TIE_RULE,
        },
    )


@login_required
def entry_new(request: HttpRequest, pk: int, org: int) -> HttpResponse:
    """An entrant's entry: words, a video link, a photo."""
    found = selectors.contest_for_user(request.user, pk)
    chosen = orgs_visible_to(request.user).filter(pk=org).first()
    if chosen is None:
        raise Http404
    form = EntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        photo = evidence_store(d["photo"], today=timezone.localdate()) if d.get("photo") else ""
        try:
            entry = services.entry_submit(
                actor=Actor.from_request(request),
                contest=found,
                org=chosen,
                title=d["title"],
                text=d["text"],
                video_url=d["video_url"],
            )
            if photo:
                services.entry_photo_add(actor=Actor.from_request(request), entry=entry, path=photo)
        except ServiceError as e:
            evidence_discard(photo)
            form.add_error(None, str(e))
        else:
            return redirect("contests:entry", pk=entry.pk)
    return TemplateResponse(
        request, "contests/entry_new.html", {"contest": found, "org": chosen, "form": form}
    )


@login_required
@never_cache
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry; for a judge, the scoring form on the rubric (then their score), and everyone's
    scores once every judge has scored."""
    found = selectors.entry_for_user(request.user, pk)
    contest = found.contest
    judge = selectors.judge_of(request.user, contest)
    Form = score_form(contest.rubric_items)
    form = Form(request.POST or None) if judge else None
    if request.method == "POST" and form is not None and form.is_valid():
        marks = {
            item.name: form.cleaned_data[f"item_{i}"] for i, item in enumerate(contest.rubric_items)
        }
        try:
            services.score_submit(actor=Actor.from_request(request), entry=found, marks=marks)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Your score is in."))
            return redirect("contests:entry", pk=found.pk)
    shown = selectors.scores_shown(contest, judge).get(found.pk, [])
    return TemplateResponse(
        request,
        "contests/entry.html",
        {
            "entry": found,
            "contest": contest,
            "judge": judge,
            "form": form,
            "scored": judge is not None and any(s.judge_id == judge.pk for s in shown),
            "scores": shown,
            "phase": Phase(contest.phase(timezone.localdate())),
            "may_edit": contest.phase(timezone.localdate()) in (Phase.DRAFT, Phase.SHOWCASE)
            and services.contests.may_edit_entry(Actor.from_request(request), found),
        },
    )


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The entrant (or the organiser) mends an entry during the showcase: its words, video
    link and photos."""
    found = selectors.entry_for_user(request.user, pk)
    actor = Actor.from_request(request)
    if not services.contests.may_edit_entry(actor, found):
        raise PermissionDenied
    initial = {"title": found.title, "text": found.text, "video_url": found.video_url}
    form = EntryEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and "remove" in request.POST:
        photo = EntryPhoto.objects.filter(entry=found, pk=request.POST["remove"][:12]).first()
        if photo is None:
            raise Http404
        try:
            services.entry_photo_remove(actor=actor, photo=photo)
        except ServiceError as e:
            messages.error(request, str(e))
        return redirect("contests:entry_edit", pk=found.pk)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        photo_path = (
            evidence_store(d["photo"], today=timezone.localdate()) if d.get("photo") else ""
        )
        try:
            services.entry_edit(
                actor=actor, entry=found, title=d["title"], text=d["text"], video_url=d["video_url"]
            )
            if photo_path:
                services.entry_photo_add(actor=actor, entry=found, path=photo_path)
        except ServiceError as e:
            evidence_discard(photo_path)
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("contests:entry", pk=found.pk)
    return TemplateResponse(
        request,
        "contests/entry_edit.html",
        {"entry": found, "contest": found.contest, "form": form, "photos": found.photos.all()},
    )


@login_required
@require_GET
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.contest_for_user(request.user, pk)
    results = selectors.published_public(found)
    if results is None:
        raise Http404
    response = HttpResponse(
        results_workbook(found, list(results)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="contest-{found.pk}-results.xlsx"'
    return response


# --- the public's pages -----------------------------------------------------------------------


@require_GET
def public_contest(request: HttpRequest, ref: str) -> HttpResponse:
    """A contest's public page: its entries (from the showcase on), counts once voting has
    closed, the results once published, each entrant's growth explained."""
    found = selectors.contest_public(ref)
    today = timezone.localdate()
    phase = Phase(found.phase(today))
    if phase == Phase.DRAFT:
        raise Http404
    votes = selectors.votes_visible(found, today)
    results = selectors.published_public(found)
    return TemplateResponse(
        request,
        "contests/public/contest.html",
        {
            "contest": found,
            "phase": phase,
            "entries": _with_votes(list(selectors.entries_of(found)), votes),
            "votes": votes,
            "results": None
            if results is None
            else selectors.growth_explained(found, list(results)),
            "figures": selectors.figures_chosen(found),
            "tie_rule": TIE_RULE,
        },
    )


def _with_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not device_of(request):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            salt=DEVICE_SALT,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def public_entry(request: HttpRequest, ref: str, entry_ref: str) -> HttpResponse:
    """An entry's public page: its words, photos and video link, and the vote with a code."""
    found = selectors.contest_public(ref)
    today = timezone.localdate()
    phase = Phase(found.phase(today))
    item = (
        Entry.objects.filter(contest=found, public_ref=entry_ref[:16])
        .prefetch_related("photos")
        .select_related("org")
        .first()
    )
    if item is None or phase == Phase.DRAFT:
        raise Http404
    form = VoteForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        wait = vote_wait(request, found, code)
        if wait is not None:
            form.add_error(None, f"投票太频繁，请{max(1, int(wait))}秒后再试")
            status = 429
        else:
            try:
                services.vote_cast(
                    actor=Actor.from_request(request),
                    contest=found,
                    entry_ref=item.public_ref,
                    code=code,
                    device=device_of(request),
                )
            except ServiceError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("Thank you: your vote is in."))
                return _with_device(
                    request, redirect("contests_public:entry", ref=ref, entry_ref=entry_ref)
                )
    response = TemplateResponse(
        request,
        "contests/public/entry.html",
        {
            "contest": found,
            "entry": item,
            "phase": phase,
            "form": form,
            "voting": phase == Phase.VOTING,
        },
        status=status,
    )
    return _with_device(request, response)


@require_GET
def public_photo(request: HttpRequest, ref: str, pk: int) -> FileResponse:
    """A photo of an entry of a contest past its draft."""
    found = selectors.contest_public(ref)
    if found.phase(timezone.localdate()) == Phase.DRAFT:
        raise Http404
    photo = EntryPhoto.objects.filter(pk=pk, entry__contest=found).first()
    storage = evidence_storage()
    if photo is None or not storage.exists(photo.path):
        raise Http404
    content_type = mimetypes.guess_type(photo.path)[0] or "application/octet-stream"
    response = FileResponse(storage.open(photo.path, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response


urlpatterns = [
    path("", home, name="home"),
    path("new/", contest_new, name="contest_new"),
    path("<int:pk>/", contest, name="contest"),
    path("<int:pk>/enter/<int:org>/", entry_new, name="entry_new"),
    path("<int:pk>/results.xlsx", results_xlsx, name="results_xlsx"),
    path("entries/<int:pk>/", entry, name="entry"),
    path("entries/<int:pk>/edit/", entry_edit, name="entry_edit"),
]
public_urlpatterns = [
    # by the contest's and the entry's random public references, never an id
    path("<str:ref>/", public_contest, name="contest"),
    path("<str:ref>/e/<str:entry_ref>/", public_entry, name="entry"),
    path("<str:ref>/photo/<int:pk>/", public_photo, name="photo"),
]
