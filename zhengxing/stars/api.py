"""REST endpoints of stars, under /api/v1/stars: a member's ratings with their explanation, an
organisation's board with the distribution (and per child organisation, for the chart), the
follow-up tasks, star plans through the township, self-chosen stars, named-star assessments,
and the public plan and board (no login). The same services, selectors and scoping as the pages
(outside the scope: 404). Never a single ballot."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import P, PathEx, Query, QueryEx, Router

from zhengxing.accounts.reauth import require_recent_api
from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, responses
from zhengxing.ledger.schemas import public_responses
from zhengxing.ledger.selectors import default_org_for
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import member_for_user, org_for_user, own_member, own_member_id

from . import explained, plans, public_selectors, selectors, services
from .compute_sql import PERIOD_QUARTERS
from .models import (
    Consequence,
    PlanStatus,
    Rating,
    StarChoice,
    StarPlan,
    Subject,
)
from .rules import COMPONENTS, missing_names
from .schemas import (
    BoardOut,
    BoardQuery,
    ChildOut,
    ChoiceIn,
    ChoiceOut,
    CriteriaIn,
    CriteriaOut,
    DoneIn,
    FinaliseIn,
    FinaliseOut,
    ModelSelectIn,
    ModelsOpenIn,
    ModelsOut,
    PlanIn,
    PlanOut,
    PublicBoardOut,
    PublicPlanOut,
    RatingOut,
    ReserveOut,
    ReviewIn,
    TaskOut,
    YearQuery,
)

router = Router(tags=["stars"])


def _rating(x: explained.Explanation) -> dict[str, Any]:
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
                "url": c.url,
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
    ratings = explained.member_ratings(user=request.user, member=member)[:20]
    return [_rating(explained.explain(r, request.user)) for r in ratings]


@router.get("/orgs/{org_id}/ratings", response=responses(list[RatingOut], 404))
def org_ratings(request: HttpRequest, org_id: ObjectId) -> list[dict[str, Any]]:
    """An organisation's own ratings (a branch's, a village's), newest first, each with why it
    has its stars: its star page's explanation (404 outside the user's reach)."""
    org = org_for_user(request.user, org_id)
    return [
        _rating(x) for x in explained.org_ratings_explained(user=request.user, org=org, limit=20)
    ]


@router.get("/me/ratings", response=responses(list[RatingOut], 404))
def my_ratings(request: HttpRequest) -> list[dict[str, Any]]:
    return member_ratings(request, own_member_id(request.user))


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


@router.post("/tasks/{task_id}/done", response=responses(TaskOut, 400, 403, 404))
def task_done(request: HttpRequest, task_id: ObjectId, body: DoneIn) -> dict[str, Any]:
    """Mark a follow-up task done, with what was done."""
    task = selectors.consequence_for_user(user=request.user, pk=task_id)
    done = services.consequence_done(
        actor=Actor.from_request(request), consequence=task, note=body.note
    )
    return _task(done)


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
            for p in public_selectors.board_public(org=org, year=year)
        ],
    }


@router.get(
    "/public/plans/{slug}",
    auth=None,
    response=public_responses(PublicPlanOut, 404),
)
def public_plan(request: HttpRequest, slug: PathEx[str, P(max_length=32)]) -> dict[str, Any]:
    """An approved star plan as posted, with its members' self-chosen stars."""
    plan = public_selectors.plan_public(slug=slug)
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
            for name, codes in public_selectors.choices_public(plan=plan)
        ],
    }
