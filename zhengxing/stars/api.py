"""REST endpoints of stars, under /api/v1/stars: a member's ratings with their explanation, an
organisation's board with the distribution (and per child organisation, for the chart), the
follow-up tasks, star plans through the township, self-chosen stars, named-star assessments,
and the public plan and board (no login). The same services, selectors and scoping as the pages
(outside the scope: 404). Never a single ballot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, P, PathEx, Query, QueryEx, Router, Schema

from zhengxing.audit.services import Actor
from zhengxing.ledger.api import PUBLIC_THROTTLE
from zhengxing.ledger.schemas import public_responses
from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.schemas import MAX_ID, OrgRef, responses
from zhengxing.orgs.selectors import member_for_user, org_for_user, own_member, own_member_id
from zhengxing.orgs.services import ServiceError
from zhengxing.web.security import require_recent_api

from . import ballots, plans, selectors, services
from .compute import PERIOD_QUARTERS
from .models import (
    Consequence,
    EvaluationRound,
    PlanStatus,
    Rating,
    RoundKind,
    StarChoice,
    StarPlan,
    StarScheme,
    Subject,
)
from .rules import COMPONENTS, missing_names

router = Router(tags=["stars"])
ObjectId = PathEx[int, P(ge=1, le=MAX_ID)]


class ComponentOut(Schema):
    name: str
    label: str
    value: Decimal | None = Field(description="None: missing, nothing behind it yet")
    weight: Decimal = Field(description="Percent")
    contribution: Decimal | None
    count: int = Field(description="How many entries or ballots fed it")


class RatingOut(Schema):
    year: int
    period: str
    scheme: str
    score: Decimal | None
    stars: int
    red_stars: int
    flags: int
    tier: str
    tier_label: str
    finalised: bool
    missing: list[str] = Field(description="Components with nothing behind them yet")
    missing_rule: str = Field(description="What the scheme does about a missing component")
    components: list[ComponentOut]
    band_min: Decimal | None = Field(description="The score that gave these stars")
    next_stars: int | None
    next_min: Decimal | None = Field(description="The score the next star needs")


def _rating(x: selectors.Explanation) -> dict[str, Any]:
    r = x.rating
    return {
        "year": r.year,
        "period": r.period,
        "scheme": x.scheme.name,
        "score": r.score,
        "stars": r.stars,
        "red_stars": r.red_stars,
        "flags": r.flags,
        "tier": r.tier,
        "tier_label": x.tier.label if x.tier else "",
        "finalised": r.finalised_at is not None,
        "missing": x.missing,
        "missing_rule": x.missing_rule,
        "components": [
            {
                "name": c.name,
                "label": c.label,
                "value": c.value,
                "weight": c.weight,
                "contribution": c.contribution,
                "count": c.count,
            }
            for c in x.lines
        ],
        "band_min": x.band.min if x.band else None,
        "next_stars": x.next_band.stars if x.next_band else None,
        "next_min": x.next_band.min if x.next_band else None,
    }


@router.get("/members/{member_id}/ratings", response=responses(list[RatingOut], 404))
def member_ratings(request: HttpRequest, member_id: ObjectId) -> list[dict[str, Any]]:
    """A member's ratings, newest first, each with why it has its stars."""
    member = member_for_user(request.user, member_id)
    ratings = selectors.member_ratings(user=request.user, member=member)[:20]
    return [_rating(selectors.explain(r)) for r in ratings]


@router.get("/me/ratings", response=responses(list[RatingOut], 404))
def my_ratings(request: HttpRequest) -> list[dict[str, Any]]:
    return member_ratings(request, own_member_id(request.user))


class BoardQuery(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=2000, le=2100)
    period: str = Field("Y", pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=MAX_ID)


class BoardRowOut(Schema):
    member_id: int
    name: str
    branch_id: int
    branch_name: str
    score: Decimal | None
    stars: int
    missing: list[str] = Field(description="Components with nothing behind them yet")
    finalised: bool


class BoardOut(Schema):
    org: OrgRef
    year: int
    period: str
    distribution: dict[int, int] = Field(description="Stars → how many members")
    count: int
    items: list[BoardRowOut]


@router.get("/board", response=responses(BoardOut, 404))
def board(request: HttpRequest, filters: Query[BoardQuery]) -> dict[str, Any]:
    """The members under an organisation (default: the user's own) by stars."""
    user = request.user
    org = org_for_user(user, filters.org) if filters.org else default_org_for(user=user)
    if org is None or filters.period not in PERIOD_QUARTERS:
        raise Http404
    year = filters.year or timezone.localdate().year
    ratings = selectors.board(user=user, org=org, year=year, period=filters.period)
    return {
        "org": org,
        "year": year,
        "period": filters.period,
        "distribution": dict(selectors.distribution(ratings)),
        "count": ratings.count(),
        "items": [
            {
                "member_id": r.member_id,
                "name": r.member.name if r.member else "",
                "branch_id": r.branch_id,
                "branch_name": r.branch.name,
                "score": r.score,
                "stars": r.stars,
                "missing": [COMPONENTS[n] for n in missing_names(r.missing)],
                "finalised": r.finalised_at is not None,
            }
            for r in ratings[filters.offset : filters.offset + filters.limit]
        ],
    }


class TaskOut(Schema):
    id: int
    code: str
    label: str
    owner_org: OrgRef
    owner_role: str
    due_on: dt.date
    done: bool
    note: str
    stars: int
    member_id: int | None
    org_id: int | None


def _task(c: Consequence) -> dict[str, Any]:
    return {
        "id": c.pk,
        "code": c.code,
        "label": c.label,
        "owner_org": c.owner_org,
        "owner_role": c.owner_role,
        "due_on": c.due_on,
        "done": c.done_at is not None,
        "note": c.note,
        "stars": c.rating.stars,
        "member_id": c.rating.member_id,
        "org_id": c.rating.org_id,
    }


@router.get("/tasks", response=responses(list[TaskOut], 404))
def tasks(request: HttpRequest) -> list[dict[str, Any]]:
    """The follow-up tasks under the user's own organisation (open first, by due date)."""
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    return [_task(c) for c in selectors.consequences_for(user=request.user, org=org)[:500]]


class DoneIn(Schema):
    note: str = Field(max_length=500, description="What was done")


@router.post("/tasks/{task_id}/done", response=responses(TaskOut, 400, 403, 404))
def task_done(request: HttpRequest, task_id: ObjectId, body: DoneIn) -> dict[str, Any]:
    """Mark a follow-up task done, with what was done."""
    task = selectors.consequence_for_user(user=request.user, pk=task_id)
    done = services.consequence_done(
        actor=Actor.from_request(request), consequence=task, note=body.note
    )
    return _task(done)


class ReserveOut(Schema):
    member_id: int
    name: str
    branch: OrgRef
    township: OrgRef
    year: int
    stars: int
    note: str
    added_at: dt.datetime


@router.get("/reserve", response=responses(list[ReserveOut], 404))
def reserve(
    request: HttpRequest, year: QueryEx[int, P(ge=2000, le=2100)] = 0
) -> list[dict[str, Any]]:
    """The reserve pool of village cadres (后备力量) the townships under the user's own
    organisation keep: members of eight stars or more taken in (the year: this one by default)."""
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    year = year or timezone.localdate().year
    return [
        {
            "member_id": e.member_id,
            "name": e.member.name,
            "branch": e.member.branch,
            "township": e.township,
            "year": e.year,
            "stars": e.stars,
            "note": e.note,
            "added_at": e.added_at,
        }
        for e in selectors.reserve_pool(user=request.user, org=org, year=year)[:2000]
    ]


class ModelBranchOut(Schema):
    org: OrgRef
    reason: str
    selected_at: dt.datetime


class ModelsOut(Schema):
    year: int
    quota: int | None = Field(description="None until the county opens the year's selection")
    award_yuan: int | None
    chosen: list[ModelBranchOut]


def _models(request: HttpRequest, year: int) -> dict[str, Any]:
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    selection, chosen = selectors.model_selection(user=request.user, org=org, year=year)
    return {
        "year": year,
        "quota": selection.quota if selection else None,
        "award_yuan": selection.award_yuan if selection else None,
        "chosen": [
            {"org": c.org, "reason": c.reason, "selected_at": c.selected_at} for c in chosen
        ],
    }


@router.get("/model-branches", response=responses(ModelsOut, 404))
def model_branches(request: HttpRequest, year: QueryEx[int, P(ge=2000, le=2100)]) -> dict[str, Any]:
    """The year's model five-star branches (五星标兵) under the user's own organisation, with the
    selection's quota and award."""
    return _models(request, year)


class ModelsOpenIn(Schema):
    year: int = Field(ge=2000, le=2100)
    # strict: a JSON true or false is not a number of places or yuan
    quota: int = Field(ge=1, le=100_000, strict=True)
    award_yuan: int = Field(ge=0, le=100_000_000, strict=True)


@router.post("/model-branches", response=responses(ModelsOut, 400, 403, 404))
def model_branches_open(request: HttpRequest, body: ModelsOpenIn) -> dict[str, Any]:
    """The county opens the year's selection of model five-star branches, with its quota and
    award (004: "每年选树100个“五星标兵”村党支部,每村奖励1万元")."""
    org = default_org_for(user=request.user)
    if org is None:
        raise Http404
    services.model_selection_open(
        actor=Actor.from_request(request),
        county=org.county,
        year=body.year,
        quota=body.quota,
        award_yuan=body.award_yuan,
    )
    return _models(request, body.year)


class ModelSelectIn(Schema):
    year: int = Field(ge=2000, le=2100)
    org_id: int = Field(ge=1, le=MAX_ID, strict=True)
    reason: str = Field(max_length=500)


@router.post("/model-branches/select", response=responses(ModelsOut, 400, 403, 404))
def model_branches_select(request: HttpRequest, body: ModelSelectIn) -> dict[str, Any]:
    """The county selects a branch awarded five stars, within the quota."""
    org = org_for_user(request.user, body.org_id)
    services.model_branch_select(
        actor=Actor.from_request(request),
        county=org.county,
        year=body.year,
        org=org,
        reason=body.reason,
    )
    return _models(request, body.year)


# --- star plans, self-chosen stars, named stars ----------------------------------------------

YearQuery = QueryEx[int, P(ge=2000, le=2100)]


class PlanIn(Schema):
    duty_stars: list[str] = Field(default_factory=list, max_length=50)
    self_stars: list[str] = Field(default_factory=list, max_length=50)
    measures: str = Field("", max_length=plans.MEASURES_MAX)
    consultation: str = Field("", max_length=plans.CONSULTATION_MAX)


class StarName(Schema):
    code: str
    name: str


class PlanOut(Schema):
    id: int
    org: OrgRef
    year: int
    status: str
    duty_stars: list[StarName]
    self_stars: list[StarName]
    measures: str
    consultation: str
    review_reason: str
    public_url: str | None = Field(description="Where the approved plan is posted")


def _plan(request: HttpRequest, plan: StarPlan) -> dict[str, Any]:
    names = plans.names_for(
        county_id=plan.county_id, year=plan.year, subject=Subject.ORG, path=plan.org.path
    )
    public = None
    if plan.status == PlanStatus.APPROVED:
        public = request.build_absolute_uri(reverse("public_stars:plan", args=[plan.slug]))
    return {
        "id": plan.pk,
        "org": plan.org,
        "year": plan.year,
        "status": plan.status,
        "duty_stars": [{"code": c, "name": names.get(c, c)} for c in plan.duty_stars],
        "self_stars": [{"code": c, "name": names.get(c, c)} for c in plan.self_stars],
        "measures": plan.measures,
        "consultation": plan.consultation,
        "review_reason": plan.review_reason,
        "public_url": public,
    }


def _plan_of(request: HttpRequest, org_id: int, year: int) -> StarPlan:
    org = org_for_user(request.user, org_id)
    plan = StarPlan.objects.filter(org=org, year=year).select_related("org").first()
    if plan is None:
        raise Http404
    return plan


@router.get("/orgs/{org_id}/plan", response=responses(PlanOut, 404))
def plan_get(request: HttpRequest, org_id: ObjectId, year: YearQuery) -> dict[str, Any]:
    """An organisation's star plan for the year (报星计划)."""
    return _plan(request, _plan_of(request, org_id, year))


@router.put("/orgs/{org_id}/plan", response=responses(PlanOut, 400, 403, 404))
def plan_put(
    request: HttpRequest, org_id: ObjectId, year: YearQuery, body: PlanIn
) -> dict[str, Any]:
    """Draft the plan, or edit a draft or a returned plan (the organisation's committee)."""
    org = org_for_user(request.user, org_id)
    plan = plans.plan_save(actor=Actor.from_request(request), org=org, year=year, **body.dict())
    return _plan(request, plan)


@router.post("/orgs/{org_id}/plan/submit", response=responses(PlanOut, 400, 403, 404))
def plan_submit(request: HttpRequest, org_id: ObjectId, year: YearQuery) -> dict[str, Any]:
    """Submit the plan to the township, once members have been consulted."""
    plan = _plan_of(request, org_id, year)
    return _plan(request, plans.plan_submit(actor=Actor.from_request(request), plan=plan))


class ReviewIn(Schema):
    approve: bool
    reason: str = Field("", max_length=plans.REASON_MAX)


@router.post("/orgs/{org_id}/plan/review", response=responses(PlanOut, 400, 403, 404))
def plan_review(
    request: HttpRequest, org_id: ObjectId, year: YearQuery, body: ReviewIn
) -> dict[str, Any]:
    """The township approves the plan (it is posted) or returns it with a reason."""
    plan = _plan_of(request, org_id, year)
    done = plans.plan_review(
        actor=Actor.from_request(request), plan=plan, approve=body.approve, reason=body.reason
    )
    return _plan(request, done)


class AdjustmentIn(Schema):
    rating_id: int = Field(ge=1, le=MAX_ID, strict=True)
    stars: int = Field(
        ge=0, le=20, strict=True, description="At most one star from the computed stars"
    )
    reason: str = Field(max_length=200, description="Why (posted beside the result)")


class FinaliseIn(Schema):
    year: int = Field(ge=2000, le=2100)
    period: str = Field("Y", pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")
    adjustments: list[AdjustmentIn] = Field(default_factory=list, max_length=1000)


class FinaliseOut(Schema):
    ratings: int = Field(description="Ratings finalised now")
    consequences: int = Field(description="Follow-up tasks created")
    incomplete: int = Field(description="Ratings left pending: an evaluation still missing")
    adjusted: int = Field(description="Ratings moved by a star, with the reason posted")


@router.post("/orgs/{org_id}/finalise", response=responses(FinaliseOut, 400, 403, 404))
def finalise(request: HttpRequest, org_id: ObjectId, body: FinaliseIn) -> dict[str, int]:
    """The body that sets the stars confirms the computed ones: a branch (its secretary) its
    members', a township (or the county) its organisations'; each may be moved by one star with
    a reason. They are posted publicly, kept from any recompute, and each tier's consequences
    become to-dos; a rating still missing an evaluation stays pending. Needs the password
    entered in the last few minutes (POST /api/v1/auth/reauth)."""
    org = org_for_user(request.user, org_id)
    require_recent_api(request)
    done = services.ratings_finalise(
        actor=Actor.from_request(request),
        org=org,
        year=body.year,
        period=body.period,
        adjustments=[
            services.Adjustment(rating_id=a.rating_id, stars=a.stars, reason=a.reason)
            for a in body.adjustments
        ],
    )
    return {
        "ratings": done.ratings,
        "consequences": done.consequences,
        "incomplete": done.incomplete,
        "adjusted": done.adjusted,
    }


class ChoiceIn(Schema):
    stars: list[str] = Field(max_length=50)


class ChoiceOut(Schema):
    member_id: int
    year: int
    stars: list[StarName]


def _choice(member: Member, year: int, codes: list[str]) -> dict[str, Any]:
    names = plans.names_for(
        county_id=member.county_id, year=year, subject=Subject.MEMBER, path=member.branch.path
    )
    return {
        "member_id": member.pk,
        "year": year,
        "stars": [{"code": c, "name": names.get(c, c)} for c in codes],
    }


@router.get("/me/choices", response=responses(ChoiceOut, 404))
def my_choices(request: HttpRequest, year: YearQuery) -> dict[str, Any]:
    """My self-chosen stars for the year (empty until chosen)."""
    member = own_member(request.user)
    chosen = StarChoice.objects.filter(member=member, year=year).first()
    return _choice(member, year, chosen.stars if chosen else [])


@router.put("/me/choices", response=responses(ChoiceOut, 400, 403, 404))
def my_choices_put(request: HttpRequest, year: YearQuery, body: ChoiceIn) -> dict[str, Any]:
    """Choose my self-chosen stars for the year; posted with my branch's plan."""
    member = own_member(request.user)
    chosen = plans.choice_save(
        actor=Actor.from_request(request), member=member, year=year, stars=body.stars
    )
    return _choice(member, year, chosen.stars)


class CriteriaIn(Schema):
    met: dict[str, bool] = Field(description="Named star code → met")
    note: str = Field("", max_length=200)


class CriteriaOut(Schema):
    year: int
    met: dict[str, bool]
    changed: int = 0


def _criteria(subject: Member | Org, year: int, changed: int = 0) -> dict[str, Any]:
    return {
        "year": year,
        "met": selectors.criteria_of(subject=subject, year=year),
        "changed": changed,
    }


def _criteria_put(
    request: HttpRequest, subject: Member | Org, year: int, body: CriteriaIn
) -> dict[str, Any]:
    done = services.criteria_assess(
        actor=Actor.from_request(request), subject=subject, year=year, met=body.met, note=body.note
    )
    return _criteria(subject, year, done.changed)


@router.get("/orgs/{org_id}/criteria", response=responses(CriteriaOut, 404))
def org_criteria(request: HttpRequest, org_id: ObjectId, year: YearQuery) -> dict[str, Any]:
    """The named stars (达标星) assessed for a village organisation in the year."""
    return _criteria(org_for_user(request.user, org_id), year)


@router.put("/orgs/{org_id}/criteria", response=responses(CriteriaOut, 400, 403, 404))
def org_criteria_put(
    request: HttpRequest, org_id: ObjectId, year: YearQuery, body: CriteriaIn
) -> dict[str, Any]:
    """The township records which named stars the organisation met."""
    return _criteria_put(request, org_for_user(request.user, org_id), year, body)


@router.get("/members/{member_id}/criteria", response=responses(CriteriaOut, 404))
def member_criteria(request: HttpRequest, member_id: ObjectId, year: YearQuery) -> dict[str, Any]:
    """The named stars assessed for a member in the year."""
    return _criteria(member_for_user(request.user, member_id), year)


@router.put("/members/{member_id}/criteria", response=responses(CriteriaOut, 400, 403, 404))
def member_criteria_put(
    request: HttpRequest, member_id: ObjectId, year: YearQuery, body: CriteriaIn
) -> dict[str, Any]:
    """The branch committee records which named stars the member met."""
    return _criteria_put(request, member_for_user(request.user, member_id), year, body)


class ChildOut(Schema):
    org: OrgRef
    distribution: dict[int, int] = Field(description="Stars → how many members")


@router.get("/orgs/{org_id}/distribution", response=responses(list[ChildOut], 404))
def child_distribution(
    request: HttpRequest,
    org_id: ObjectId,
    year: YearQuery,
    period: QueryEx[str, P(pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")] = "Y",
) -> list[dict[str, Any]]:
    """Per organisation directly under this one (a county's townships…), its members by stars:
    the data of the distribution chart."""
    org = org_for_user(request.user, org_id)
    found = selectors.distribution_by_child(user=request.user, org=org, year=year, period=period)
    return [{"org": child, "distribution": counts} for child, counts in found.children]


# --- public: no login, names and stars only -------------------------------------------------


class PublicStarsOut(Schema):
    name: str
    stars: int
    red_stars: int = 0
    flags: int = 0
    computed_stars: int | None = Field(None, description="Set only where the stars were moved")
    reason: str = Field("", description="Why the setting body moved the computed stars")


class PublicPeriodOut(Schema):
    period: str
    name: str
    organisations: list[PublicStarsOut]
    members: list[PublicStarsOut]


class PublicBoardOut(Schema):
    org: OrgRef
    year: int
    periods: list[PublicPeriodOut] = Field(description="Every finalised period, the year first")


def _posted(r: Rating, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "stars": r.stars,
        "red_stars": r.red_stars if r.member_id else 0,
        "flags": r.flags if r.member_id else 0,
        "computed_stars": r.proposed_stars if r.set_reason else None,
        "reason": r.set_reason,
    }


@router.get(
    "/public/orgs/{org_id}/board",
    auth=None,
    response=public_responses(PublicBoardOut, 404),
)
def public_board(request: HttpRequest, org_id: ObjectId, year: YearQuery) -> dict[str, Any]:
    """The finalised stars of the year under an organisation, as posted, period by period:
    names and stars (and the reason where the setting body moved a computed rating)."""
    org = Org.objects.filter(pk=org_id).first()
    if org is None:
        raise Http404
    return {
        "org": org,
        "year": year,
        "periods": [
            {
                "period": p.period,
                "name": p.name,
                "organisations": [_posted(r, r.org.name) for r in p.orgs[:500] if r.org],
                "members": [_posted(r, r.member.name) for r in p.members[:2000] if r.member],
            }
            for p in selectors.board_public(org=org, year=year)
        ],
    }


class ChoiceNamedOut(Schema):
    name: str
    stars: list[StarName]


class PublicPlanOut(Schema):
    org: OrgRef
    year: int
    duty_stars: list[StarName]
    self_stars: list[StarName]
    measures: str
    members: list[ChoiceNamedOut] = Field(description="Members' self-chosen stars")


@router.get(
    "/public/plans/{slug}",
    auth=None,
    response=public_responses(PublicPlanOut, 404),
)
def public_plan(request: HttpRequest, slug: PathEx[str, P(max_length=32)]) -> dict[str, Any]:
    """An approved star plan as posted, with its members' self-chosen stars."""
    plan = selectors.plan_public(slug=slug)
    where: dict[str, Any] = {"county_id": plan.county_id, "year": plan.year, "path": plan.org.path}
    names = plans.names_for(subject=Subject.ORG, **where)
    member_names = plans.names_for(subject=Subject.MEMBER, **where)
    return {
        "org": plan.org,
        "year": plan.year,
        "duty_stars": [{"code": c, "name": names.get(c, c)} for c in plan.duty_stars],
        "self_stars": [{"code": c, "name": names.get(c, c)} for c in plan.self_stars],
        "measures": plan.measures,
        "members": [
            {"name": name, "stars": [{"code": c, "name": member_names.get(c, c)} for c in codes]}
            for name, codes in selectors.choices_public(plan=plan)
        ],
    }


# --- schemes ----------------------------------------------------------------------------------


class SchemeIn(Schema):
    year: int = Field(ge=2000, le=2100)
    owner_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="A township that narrows the county's scheme"
    )
    preset: str | None = Field(None, max_length=32, description="bayannur-532, gaotai-341, …")
    spec: dict[str, Any] | None = Field(None, description="A scheme, as `scheme show` prints it")


class SchemeOut(Schema):
    id: int
    owner: OrgRef
    year: int
    subject: str
    version: int
    name: str
    preset: str
    spec: dict[str, Any]


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


# --- evaluation rounds and ballots ------------------------------------------------------------


class IndicatorIO(Schema):
    code: str = Field(max_length=16)
    name: str = Field(max_length=100)
    max: Decimal = Field(gt=0, le=100)


class RoundIn(Schema):
    org_id: int = Field(ge=1, le=MAX_ID, description="The branch (or the township, to assess)")
    year: int = Field(ge=2000, le=2100)
    period: str = Field(pattern="^(Y|H1|H2|Q1|Q2|Q3|Q4)$")
    kind: str = Field(pattern="^(self|peer|committee|public|general|assessment)$")
    name: str = Field(max_length=200)
    indicators: list[IndicatorIO] = Field(max_length=50)
    opens_at: dt.datetime
    closes_at: dt.datetime


class RateeOut(Schema):
    id: int
    name: str


class ResultOut(Schema):
    ratee_id: int
    average: Decimal | None = Field(
        description="None when too few ballots to show without showing one rater's score"
    )
    ballots: int


class RoundOut(Schema):
    id: int
    org: OrgRef
    year: int
    period: str
    kind: str
    subject: str
    name: str
    indicators: list[IndicatorIO]
    opens_at: dt.datetime
    closes_at: dt.datetime
    open: bool


class RoundDetailOut(RoundOut):
    ratees: list[RateeOut]
    my_ballots: dict[int, dict[str, str]] = Field(description="Ratee id → my own scores")
    results: list[ResultOut] | None = Field(description="Averages, once the round has closed")


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


class RoundsQuery(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int = Field(ge=2000, le=2100)


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
    made = ballots.round_create(
        actor=Actor.from_request(request), org=org, year=body.year, period=body.period,
        kind=body.kind, name=body.name,
        indicators=[{"code": i.code, "name": i.name, "max": f"{i.max}"} for i in body.indicators],
        opens_at=body.opens_at, closes_at=body.closes_at,
    )  # fmt: skip
    return 201, _round(made)


class ScheduleIn(Schema):
    org_id: int = Field(ge=1, le=MAX_ID)
    year: int = Field(ge=2000, le=2100)


@router.post("/rounds/schedule", response=responses(list[RoundOut], 400, 403, 404))
def round_schedule(request: HttpRequest, body: ScheduleIn) -> list[dict[str, Any]]:
    """Create the year's rounds of an organisation by its scheme's schedule, each once; returns
    those made now."""
    org = org_for_user(request.user, body.org_id)
    made = ballots.rounds_schedule(actor=Actor.from_request(request), org=org, year=body.year)
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


class BallotIn(Schema):
    ratee_id: int = Field(ge=1, le=MAX_ID, description="A member, or an organisation")
    scores: dict[str, str] = Field(description="Indicator code → score")


class BallotsIn(Schema):
    ballots: list[BallotIn] = Field(min_length=1, max_length=500)


class MyBallotsIn(BallotsIn):
    text: str = Field(
        "", max_length=2000, description="A self-evaluation's written account (self rounds only)"
    )


class PublicBallotsIn(BallotsIn):
    code: str = Field(max_length=32, description="The code on the household's slip")


class CastOut(Schema):
    ballots: int


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


class CodesIn(Schema):
    count: int = Field(ge=1, le=ballots.MAX_CODES)


class CodesOut(Schema):
    codes: list[str] = Field(description="Shown once: only their hashes are kept")
    vote_url: str


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


class PaperFormIn(BallotsIn):
    rater_id: int = Field(ge=1, le=MAX_ID, description="The member whose paper form it is")
    text: str = Field("", max_length=2000, description="A self-evaluation's written account")
    amend: bool = Field(False, description="Amends the member's form typed before")


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
