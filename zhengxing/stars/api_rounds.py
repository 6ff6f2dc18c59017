"""REST endpoints of the schemes and the evaluation rounds, under /api/v1/stars: a county's schemes
and their adoption, rounds (created, scheduled, read with their results once closed), ballots
from members, the committee and the public (single-use codes), and paper forms typed in. The same
services and scoping as the pages (outside the scope: 404). Never a single ballot."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router

from zhengxing.audit.throttles import PUBLIC_THROTTLE
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import ObjectId, responses
from zhengxing.ledger.schemas import public_responses
from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs.selectors import member_for_user, org_for_user

from . import ballots, selectors, services
from . import rounds as round_services
from .models import (
    EvaluationRound,
    RoundKind,
    StarScheme,
)
from .schemas import (
    BallotsIn,
    CastOut,
    CodesIn,
    CodesOut,
    MyBallotsIn,
    PaperFormIn,
    PublicBallotsIn,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    RoundsQuery,
    ScheduleIn,
    SchemeIn,
    SchemeOut,
    YearQuery,
)

router = Router(tags=["stars"])


@router.get("/schemes", response=responses(list[SchemeOut], 404))
def schemes(request: HttpRequest, year: YearQuery) -> Any:
    """The schemes in force for the year: the county's and its townships' narrowings."""
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    return (
        StarScheme.objects.filter(county_id=org.county_id, year=year, is_current=True)
        .select_related("owner")
        .order_by("owner__path", "subject")
    )


@router.post("/schemes", response=responses(SchemeOut, 400, 403, 404, status=201))
def scheme_adopt(request: HttpRequest, body: SchemeIn) -> tuple[int, StarScheme]:
    """Adopt a scheme (a preset by name, or a whole scheme) for the county's year, or narrow it
    for a township (`owner_id`): a new version; every problem of a bad scheme in Chinese."""
    if (body.preset is None) == (body.spec is None):
        raise ServiceError("请给出预置方案名称或完整方案，二者选一")
    org = (
        org_for_user(request.user, body.owner_id)
        if body.owner_id
        else default_org_for(user=request.user)
    )
    if org is None:
        raise Http404
    actor = Actor.from_request(request)
    owner = org if body.owner_id else None
    if body.preset is not None:
        stored = services.scheme_from_preset(
            actor=actor, county=org.county, owner=owner, year=body.year, preset=body.preset
        )
    else:
        stored = services.scheme_save(
            actor=actor, county=org.county, owner=owner, year=body.year, spec=body.spec or {}
        )
    return 201, stored


def _round(round_: EvaluationRound) -> dict[str, Any]:
    now = timezone.now()
    return {
        "id": round_.pk,
        "org": round_.org,
        "year": round_.year,
        "period": round_.period,
        "kind": round_.kind,
        "subject": round_.subject,
        "name": round_.name,
        "indicators": round_.indicators,
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "open": round_.opens_at <= now < round_.closes_at,
    }


@router.get("/rounds", response=responses(list[RoundOut], 404))
def rounds(request: HttpRequest, filters: Query[RoundsQuery]) -> list[dict[str, Any]]:
    """The rounds held at an organisation (default: the user's own) or below it."""
    user = request.user
    org = org_for_user(user, filters.org) if filters.org else default_org_for(user=user)
    if org is None:
        raise Http404
    return [_round(r) for r in selectors.rounds_for(user=user, org=org, year=filters.year)[:500]]


@router.post("/rounds", response=responses(RoundOut, 400, 403, 404, status=201))
def round_create(request: HttpRequest, body: RoundIn) -> tuple[int, dict[str, Any]]:
    """Open a round: the branch's committee for its members, the township to assess."""
    org = org_for_user(request.user, body.org_id)
    made = round_services.round_create(
        actor=Actor.from_request(request), org=org, year=body.year, period=body.period,
        kind=body.kind, name=body.name,
        indicators=[{"code": i.code, "name": i.name, "max": f"{i.max}"} for i in body.indicators],
        opens_at=body.opens_at, closes_at=body.closes_at,
    )  # fmt: skip
    return 201, _round(made)


@router.post("/rounds/schedule", response=responses(list[RoundOut], 400, 403, 404))
def round_schedule(request: HttpRequest, body: ScheduleIn) -> list[dict[str, Any]]:
    """Create the year's rounds of an organisation by its scheme's schedule, each once; returns
    those made now."""
    org = org_for_user(request.user, body.org_id)
    made = round_services.rounds_schedule(
        actor=Actor.from_request(request), org=org, year=body.year
    )
    return [_round(r) for r in made]


@router.get("/rounds/{round_id}", response=responses(RoundDetailOut, 404))
def round_detail(request: HttpRequest, round_id: ObjectId) -> dict[str, Any]:
    """A round: whom it rates, my own ballots, and each ratee's average once it has closed."""
    round_ = selectors.round_for_user(request.user, round_id)
    results = selectors.round_results(round_, timezone.now())
    return {
        **_round(round_),
        "ratees": [{"id": r.pk, "name": r.name} for r in selectors.round_ratees(round_)],
        "my_ballots": selectors.my_ballots(round_, request.user),
        "results": None if results is None else [vars(r) for r in results],
    }


def _ratings(round_: EvaluationRound, body: BallotsIn) -> list[tuple[Any, dict[str, str]]]:
    by_id = {r.pk: r for r in selectors.round_ratees(round_)}
    found = []
    for ballot in body.ballots:
        ratee = by_id.get(ballot.ratee_id)
        if ratee is None:
            raise ServiceError("被评议对象不在本次评议范围内")
        found.append((ratee, ballot.scores))
    return found


@router.post("/rounds/{round_id}/ballots", response=responses(CastOut, 400, 403, 404))
def round_ballots(request: HttpRequest, round_id: ObjectId, body: MyBallotsIn) -> dict[str, int]:
    """My ballots in the round, all or none; again before it closes replaces them. A
    self-evaluation carries its written account (`text`, required in a self round)."""
    round_ = selectors.round_for_user(request.user, round_id)
    done = ballots.ballots_submit_many(
        actor=Actor.from_request(request),
        round_=round_,
        ballots=_ratings(round_, body),
        text=body.text,
    )
    return {"ballots": len(done)}


@router.post("/rounds/{round_id}/codes", response=responses(CodesOut, 400, 403, 404))
def round_codes(request: HttpRequest, round_id: ObjectId, body: CodesIn) -> dict[str, Any]:
    """Single-use codes for a public round's household slips."""
    round_ = selectors.round_for_user(request.user, round_id)
    codes = ballots.codes_issue(actor=Actor.from_request(request), round_=round_, count=body.count)
    vote = request.build_absolute_uri(reverse("public_stars:vote", args=[round_.pk]))
    return {"codes": codes, "vote_url": vote}


@router.post("/rounds/{round_id}/paper", response=responses(CastOut, 400, 403, 404))
def round_paper(request: HttpRequest, round_id: ObjectId, body: PublicBallotsIn) -> dict[str, int]:
    """The committee enters a household's paper ballot with the code on its slip."""
    round_ = selectors.round_for_user(request.user, round_id)
    done = ballots.public_ballots_submit(
        actor=Actor.from_request(request), round_=round_, code=body.code,
        ratings=_ratings(round_, body), paper=True,
    )  # fmt: skip
    return {"ballots": len(done)}


@router.post("/rounds/{round_id}/forms", response=responses(CastOut, 400, 403, 404))
def round_paper_form(request: HttpRequest, round_id: ObjectId, body: PaperFormIn) -> dict[str, int]:
    """The committee types a member's paper evaluation form (self, peer or general round): all
    of it or nothing; a second form of the same member is refused unless it `amend`s the first.
    In a self round the one ballot rates the member herself (`ratee_id` is hers)."""
    round_ = selectors.round_for_user(request.user, round_id)
    rater = member_for_user(request.user, body.rater_id)
    done = ballots.paper_ballots_submit(
        actor=Actor.from_request(request), round_=round_, rater=rater,
        ratings=_ratings(round_, body),
        text=body.text, amend=body.amend,
    )  # fmt: skip
    return {"ballots": len(done)}


@router.post(
    "/public/rounds/{round_id}/ballots",
    auth=None,
    throttle=PUBLIC_THROTTLE,
    response=public_responses(CastOut, 400, 404),
)
def public_round_ballots(
    request: HttpRequest, round_id: ObjectId, body: PublicBallotsIn
) -> dict[str, int]:
    """A household's ballots with the code on its slip (no login; the code is spent)."""
    round_ = EvaluationRound.objects.select_related("org").filter(pk=round_id).first()
    if round_ is None or round_.kind != RoundKind.PUBLIC:
        raise Http404
    done = ballots.public_ballots_submit(
        actor=Actor.from_request(request), round_=round_, code=body.code,
        ratings=_ratings(round_, body),
    )  # fmt: skip
    return {"ballots": len(done)}
