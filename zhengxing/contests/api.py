"""REST endpoints of the contests, under /api/v1/contests: the organiser's contests, entries,
judges, voter codes, the held votes and their review, the judges' scores, the results; and,
for the public (no login, throttled per address and per code), a contest's entries and results
and the vote with a code. The same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import ObjectId, SlugPath, responses
from zhengxing.ledger.schemas import public_responses
from zhengxing.orgs import yearly
from zhengxing.orgs.selectors import member_for_user, org_for_user

from . import selectors, services
from .models import Contest, Entry, Result
from .public_vote import vote_answer
from .rules import Dates
from .schemas import (
    CodesIn,
    CodesOut,
    ContestIn,
    ContestOut,
    EntryEditIn,
    EntryIn,
    EntryOut,
    FigureOut,
    HeldOut,
    JudgeIn,
    PublicContestOut,
    ResultOut,
    ReviewIn,
    ScoreIn,
    ScoreOut,
    VotedOut,
    VoteIn,
)

router = Router(tags=["contests"])


def _today(request: HttpRequest) -> dt.date:
    """Today as the request's actor sees it (a test stands the clock on a day)."""
    return timezone.localdate(Actor.from_request(request).now)


def _contest_out(c: Contest, today: dt.date) -> dict[str, Any]:
    return {
        **{f: getattr(c, f) for f in ContestOut.model_fields if hasattr(c, f) and f != "phase"},
        "phase": c.phase(today),
    }


def _entry_out(e: Entry, votes: dict[int, int] | None) -> dict[str, Any]:
    return {
        "id": e.pk,
        "public_ref": e.public_ref,
        "org_id": e.org_id,
        "org_name": e.org.name,
        "member_name": e.member.name if e.member else "",
        "title": e.title,
        "text": e.text,
        "video_url": e.video_url,
        "votes": None if votes is None else votes.get(e.pk, 0),
        "came_from_id": e.came_from_id,
    }


def _result_out(r: Result) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "entry_id": r.entry_id,
        "entry_public_ref": r.entry.public_ref,
        "org_name": r.entry.org.name,
        "title": r.entry.title,
        "votes": r.votes,
        "public": r.public,
        "performance": r.performance,
        "overall": r.overall,
        "total": r.total,
        "award": r.award,
        "talk": r.talk,
        "reassign": r.reassign,
        "growth": r.growth,
    }


@router.get("/figures", response=responses(list[FigureOut]))
def figures(request: HttpRequest) -> list[dict[str, Any]]:
    """What the system holds that 工作表现 may weigh (日常考核): name these in a contest's
    `sources`."""
    return [{"name": f.name, "label": str(f.label), "unit": str(f.unit)} for f in yearly.figures()]


@router.get("", response=responses(list[ContestOut]))
def contests(request: HttpRequest) -> list[dict[str, Any]]:
    """The contests the caller organises, may enter, entered or judges."""
    return [
        _contest_out(c, _today(request)) for c in selectors.contests_visible_to(request.user)[:200]
    ]


@router.post("", response=responses(ContestOut, 400, 403, 404, status=201))
def contest_create(request: HttpRequest, payload: ContestIn) -> tuple[int, dict[str, Any]]:
    """A contest: its phases' dates, weights (summing to 100), rubric and voting limits."""
    organiser = org_for_user(request.user, payload.organiser_id)
    higher = (
        selectors.contest_for_user(request.user, payload.next_level_id)
        if payload.next_level_id
        else None
    )
    found = services.contest_create(
        actor=Actor.from_request(request),
        organiser=organiser,
        title=payload.title,
        series=payload.series,
        year=payload.year,
        level=payload.level,
        entrant_kind=payload.entrant_kind,
        description=payload.description,
        dates=Dates(
            payload.showcase_from, payload.voting_from, payload.voting_until, payload.judging_until
        ),
        weights=(payload.weight_public, payload.weight_performance, payload.weight_overall),
        rubric=[i.dict() for i in payload.rubric],
        drop_extremes=payload.drop_extremes,
        vote_period=payload.vote_period,
        device_daily_limit=payload.device_daily_limit,
        sources=None if payload.sources is None else [s.dict() for s in payload.sources],
        next_level=higher,
        advance=payload.advance,
    )
    return 201, _contest_out(found, _today(request))


@router.get("/{contest_id}", response=responses(ContestOut, 404))
def contest(request: HttpRequest, contest_id: ObjectId) -> dict[str, Any]:
    return _contest_out(selectors.contest_for_user(request.user, contest_id), _today(request))


@router.get("/{contest_id}/entries", response=responses(list[EntryOut], 404))
def entries(request: HttpRequest, contest_id: ObjectId) -> list[dict[str, Any]]:
    """The entries; their votes only once voting has closed."""
    found = selectors.contest_for_user(request.user, contest_id)
    votes = selectors.votes_visible(found, _today(request))
    return [_entry_out(e, votes) for e in selectors.entries_of(found)]


@router.post("/{contest_id}/entries", response=responses(EntryOut, 400, 403, 404, status=201))
def entry_submit(
    request: HttpRequest, contest_id: ObjectId, payload: EntryIn
) -> tuple[int, dict[str, Any]]:
    found = selectors.contest_for_user(request.user, contest_id)
    member = member_for_user(request.user, payload.member_id) if payload.member_id else None
    entry = services.entry_submit(
        actor=Actor.from_request(request),
        contest=found,
        org=org_for_user(request.user, payload.org_id),
        title=payload.title,
        text=payload.text,
        video_url=payload.video_url,
        member=member,
    )
    return 201, _entry_out(entry, None)


@router.patch("/entries/{entry_id}", response=responses(EntryOut, 400, 403, 404))
def entry_edit(request: HttpRequest, entry_id: ObjectId, payload: EntryEditIn) -> dict[str, Any]:
    """The entrant or the organiser mends an entry's words and video link during the
    showcase."""
    entry = selectors.entry_for_user(request.user, entry_id)
    services.entry_edit(
        actor=Actor.from_request(request),
        entry=entry,
        title=payload.title,
        text=payload.text,
        video_url=payload.video_url,
    )
    return _entry_out(entry, None)


@router.post("/{contest_id}/advance", response=responses(list[EntryOut], 400, 403, 404, status=201))
def winners_advance(request: HttpRequest, contest_id: ObjectId) -> tuple[int, list[dict[str, Any]]]:
    """The published contest's winners entered in the contest one level up (what publishing
    does by itself while that contest takes entries); those already there are left."""
    found = selectors.contest_for_user(request.user, contest_id)
    new = services.winners_advance(actor=Actor.from_request(request), contest=found)
    return 201, [_entry_out(e, None) for e in new]


@router.post("/{contest_id}/judges", response=responses(VotedOut, 400, 403, 404, status=201))
def judge_add(
    request: HttpRequest, contest_id: ObjectId, payload: JudgeIn
) -> tuple[int, dict[str, Any]]:
    found = selectors.contest_for_user(request.user, contest_id)
    user = User.objects.filter(username=payload.username).first()
    if user is None:
        raise ServiceError("没有这个登录名")
    services.judge_add(actor=Actor.from_request(request), contest=found, user=user)
    return 201, {"message": "已增加评委"}


@router.post("/{contest_id}/codes", response=responses(CodesOut, 400, 403, 404, status=201))
def codes_issue(
    request: HttpRequest, contest_id: ObjectId, payload: CodesIn
) -> tuple[int, dict[str, Any]]:
    """A batch of voter codes, returned once (only their hashes are kept)."""
    found = selectors.contest_for_user(request.user, contest_id)
    batch, codes = services.voter_codes_issue(
        actor=Actor.from_request(request), contest=found, count=payload.count, label=payload.label
    )
    return 201, {"batch_id": batch.pk, "codes": codes}


@router.post("/{contest_id}/flag", response=responses(dict[str, int], 400, 403, 404))
def votes_flag(request: HttpRequest, contest_id: ObjectId) -> dict[str, int]:
    """Hold the votes that look made (bursts, batches, inhuman intervals) for review."""
    found = selectors.contest_for_user(request.user, contest_id)
    return services.votes_flag(actor=Actor.from_request(request), contest=found)


@router.get("/{contest_id}/held", response=responses(list[HeldOut], 403, 404))
def held(request: HttpRequest, contest_id: ObjectId) -> list[dict[str, Any]]:
    found = selectors.contest_for_user(request.user, contest_id)
    from django.core.exceptions import PermissionDenied

    if not services.contests.may_organise(Actor.from_request(request), found):
        raise PermissionDenied
    return [g.__dict__ for g in selectors.held_groups(found)]


@router.post("/{contest_id}/review", response=responses(dict[str, int], 400, 403, 404))
def review(request: HttpRequest, contest_id: ObjectId, payload: ReviewIn) -> dict[str, int]:
    found = selectors.contest_for_user(request.user, contest_id)
    n = services.votes_review(
        actor=Actor.from_request(request),
        contest=found,
        flag=payload.flag,
        key=payload.key,
        keep=payload.keep,
    )
    return {"votes": n}


@router.post("/entries/{entry_id}/scores", response=responses(ScoreOut, 400, 403, 404, status=201))
def score_submit(
    request: HttpRequest, entry_id: ObjectId, payload: ScoreIn
) -> tuple[int, dict[str, Any]]:
    entry = selectors.entry_for_user(request.user, entry_id)
    score = services.score_submit(
        actor=Actor.from_request(request), entry=entry, marks=dict(payload.marks)
    )
    return 201, {"id": score.pk, "entry_id": entry.pk, "total": score.total}


@router.post("/{contest_id}/publish", response=responses(list[ResultOut], 400, 403, 404))
def publish(request: HttpRequest, contest_id: ObjectId) -> list[dict[str, Any]]:
    """Blend, rank and publish the results."""
    found = selectors.contest_for_user(request.user, contest_id)
    services.results_publish(actor=Actor.from_request(request), contest=found)
    return [_result_out(r) for r in selectors.results_of(found)]


# --- the public ---------------------------------------------------------------------------------


@router.get("/public/{ref}", auth=None, response=public_responses(PublicContestOut, 404))
def public_contest(request: HttpRequest, ref: SlugPath) -> dict[str, Any]:
    """A contest's entries (votes once voting has closed) and its results once published."""
    found = selectors.contest_public(ref)
    today = _today(request)
    if found.phase(today) == "draft":
        from django.http import Http404

        raise Http404
    votes = selectors.votes_visible(found, today)
    results = selectors.published_public(found)
    return {
        "title": found.title,
        "phase": found.phase(today),
        "voting_from": found.voting_from,
        "voting_until": found.voting_until,
        "entries": [_entry_out(e, votes) for e in selectors.entries_of(found)],
        "results": None if results is None else [_result_out(r) for r in results],
    }


@router.post(
    "/public/{ref}/votes",
    auth=None,
    response=public_responses(VotedOut, 400, 404, status=201),
)
def vote(request: HttpRequest, ref: SlugPath, payload: VoteIn) -> HttpResponse:
    """A vote with the code from a slip: one per code, entry and day; throttled per address and
    per code (429 with Retry-After). The server answers a well-formed vote before it reaches
    here (`public_vote.PublicVoteMiddleware`, with the same `vote_answer`); a body that does
    not match this schema is refused here (422)."""
    return vote_answer(request, ref, payload)
