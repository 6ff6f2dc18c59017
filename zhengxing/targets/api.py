"""REST endpoints of the target points, under /api/v1/targets: the catalogues (draft, publish),
a unit's target ledger and scores, progress with evidence, the assessors' queue, daily
assessment, on-site visits (opened with their named assessors, scored by each, closed by the
leader), deductions, the year closed with its ranking kept — the same services and scoping as
the pages (a unit or a catalogue outside the user's scope: 404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from ninja import Header, P, PathEx, Router
from ninja.errors import ValidationError

from zhengxing.accounts.reauth import require_recent_api
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import ObjectId, key_from, responses
from zhengxing.ledger.selectors import evidence_owned
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import org_for_user, scope_for
from zhengxing.orgs.services import county_root

from . import selectors, services
from .models import OnsiteVisit, TargetCatalogue, TargetEntry
from .rules import TaskSpec, spec_of
from .schemas import (
    AssessIn,
    CatalogueDetailOut,
    CatalogueIn,
    CatalogueOut,
    DeductionIn,
    EntryOut,
    ProgressIn,
    UnitScoreOut,
    VisitOpenIn,
    VisitOut,
    VisitScoreIn,
    YearRankingOut,
)
from .scores import (
    UnitScore,
    standing_visible_to,
    target_scores_visible_to,
    unit_target_scores,
)
from .services.visits import user_name

router = Router(tags=["targets"])
YearPath = PathEx[int, P(ge=2000, le=2100)]


def _county(request: HttpRequest) -> County:
    ids = sorted(scope_for(request.user).county_ids())
    if not ids:
        raise Http404
    return County.objects.get(pk=ids[0])


def _catalogue(request: HttpRequest, catalogue_id: int) -> TargetCatalogue:
    found = selectors.catalogue_for_user(request.user, catalogue_id)
    if found is None:
        raise Http404
    return found


def _catalogue_out(c: TargetCatalogue) -> dict[str, Any]:
    return {
        "id": c.pk,
        "owner_id": c.owner_id,
        "year": c.year,
        "version": c.version,
        "status": c.status,
        "is_current": c.is_current,
        "name": c.name,
        "onsite_weight": c.onsite_weight,
    }


def _detail(c: TargetCatalogue) -> dict[str, Any]:
    targets = c.targets.select_related("task").order_by("position", "pk")
    return {
        **_catalogue_out(c),
        "tasks": dict(c.tasks.order_by("position").values_list("code", "name")),
        "targets": [
            {
                "id": t.pk,
                "code": t.code,
                "name": t.name,
                "task": t.task.code,
                "points": t.points,
                "measure": t.measure,
                "goal": t.goal,
                "figure": t.figure,
                "evidence_required": t.evidence_required,
                "kinds": t.kinds,
                "categories": t.categories,
            }
            for t in targets
        ],
    }


def _entry_out(e: TargetEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "unit_id": e.unit_id,
        "seq": e.seq,
        "kind": e.kind,
        "code": e.code,
        "year": e.year,
        "points": e.points,
        "value": e.value,
        "text": e.text,
        "has_evidence": bool(e.evidence),
        "submission_id": e.submission_id,
        "visit_id": e.visit_id,
        "assessor_id": e.assessor_id,
        "source": e.source,
        "recorded_at": e.recorded_at,
        "hash": e.hash,
    }


def _score_out(s: UnitScore) -> dict[str, Any]:
    return {
        "unit_id": s.unit_id,
        "name": s.name,
        "rank": s.rank,
        "total": s.total,
        "deduction": s.deduction,
        "tasks": s.tasks,
        "targets": [
            {
                "code": t.code,
                "task": t.task,
                "points": t.points,
                "daily": t.daily,
                "onsite": t.onsite,
                "deduction": t.deduction,
                "score": t.score,
            }
            for t in s.targets.values()
        ],
    }


def specs(tasks: list[Any]) -> list[TaskSpec]:
    return [
        TaskSpec(
            code=task.code,
            name=task.name,
            targets=tuple(spec_of(t) for t in task.targets),
        )
        for task in tasks
    ]


@router.get("/catalogues", response=responses(list[CatalogueOut]))
def catalogue_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The catalogues set by owners the user sees, newest first."""
    return [_catalogue_out(c) for c in selectors.catalogues_visible_to(request.user)[:200]]


@router.post("/catalogues", response=responses(CatalogueDetailOut, 400, 403, 404, status=201))
def catalogue_draft(request: HttpRequest, payload: CatalogueIn) -> tuple[int, dict[str, Any]]:
    """Save the owner's draft for the year (the draft in hand rewritten, or the next version)."""
    scope = scope_for(request.user)
    if payload.owner_id is not None:
        owner: Org | None = org_for_user(request.user, payload.owner_id)
        county = County.objects.get(pk=owner.county_id)  # type: ignore[union-attr]
    else:
        owner = None
        ids = sorted(scope.county_ids())
        if not ids:
            raise Http404
        county = County.objects.get(pk=ids[0])
    catalogue = services.target_catalogue_draft(
        actor=Actor.from_request(request),
        county=county,
        owner=owner,
        year=payload.year,
        name=payload.name,
        tasks=specs(payload.tasks),
        onsite_weight=payload.onsite_weight,
    )
    return 201, _detail(catalogue)


@router.get("/catalogues/{catalogue_id}", response=responses(CatalogueDetailOut, 404))
def catalogue_detail(request: HttpRequest, catalogue_id: ObjectId) -> dict[str, Any]:
    return _detail(_catalogue(request, catalogue_id))


@router.post("/catalogues/{catalogue_id}/publish", response=responses(CatalogueOut, 400, 403, 404))
def catalogue_publish(request: HttpRequest, catalogue_id: ObjectId) -> dict[str, Any]:
    """Publish a draft: it becomes current and is frozen."""
    catalogue = services.target_catalogue_publish(
        actor=Actor.from_request(request), catalogue=_catalogue(request, catalogue_id)
    )
    return _catalogue_out(catalogue)


@router.get("/units/{unit_id}/ledger", response=responses(list[EntryOut], 404))
def unit_ledger(request: HttpRequest, unit_id: ObjectId, year: int) -> list[dict[str, Any]]:
    """The unit's target ledger for a year, newest first."""
    unit = org_for_user(request.user, unit_id)
    return [_entry_out(e) for e in selectors.entries_of_unit(request.user, unit, year)[:1000]]


@router.get("/units/{unit_id}/score", response=responses(UnitScoreOut | None, 404))
def unit_score(request: HttpRequest, unit_id: ObjectId, year: int) -> dict[str, Any] | None:
    """The unit's score per target and task (null when no catalogue applies to it)."""
    found = unit_target_scores(org_for_user(request.user, unit_id), year)
    return _score_out(found) if found else None


@router.post(
    "/units/{unit_id}/progress",
    response={**responses(EntryOut, 400, 403, 404, status=201), 200: EntryOut},
)
def progress_submit(
    request: HttpRequest,
    unit_id: ObjectId,
    payload: ProgressIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> tuple[int, dict[str, Any]]:
    """The unit's Party staff record progress on a target; `evidence` names a file uploaded
    with POST /api/v1/points/evidence. 200 with the same entry when the key was seen."""
    unit = org_for_user(request.user, unit_id)
    evidence = ""
    if payload.evidence:
        row = evidence_owned(user=request.user, ref=payload.evidence.strip())
        if row is None:
            msg = "证明材料须填写本人通过 POST /api/v1/points/evidence 上传文件所得的编号（ref）"
            raise ValidationError(
                [{"loc": ["body", "payload", "evidence"], "msg": msg, "type": "value_error"}]
            )
        evidence = row.path
    key = key_from(idempotency_key, payload.idempotency_key)
    seen = TargetEntry.objects.filter(unit=unit, idempotency_key=key).exists() if key else False
    entry = services.target_progress_submit(
        actor=Actor.from_request(request),
        unit=unit,
        code=payload.code,
        text=payload.text,
        value=payload.value,
        evidence=evidence,
        idempotency_key=key,
    )
    return (200 if seen else 201), _entry_out(entry)


@router.get("/queue", response=responses(list[EntryOut]))
def queue(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    """The assessor's queue: submissions in the units they assess, not yet scored."""
    return [_entry_out(e) for e in selectors.submissions_to_assess(request.user, year)[:500]]


@router.post(
    "/submissions/{entry_id}/assess", response=responses(EntryOut, 400, 403, 404, status=201)
)
def submission_assess(
    request: HttpRequest, entry_id: ObjectId, payload: AssessIn
) -> tuple[int, dict[str, Any]]:
    """Daily assessment (日常考评) of one submission."""
    submission = TargetEntry.objects.filter(
        selectors.assessing_q(request.user), pk=entry_id, kind="progress"
    ).first()
    if submission is None:
        raise Http404
    entry = services.target_submission_assess(
        actor=Actor.from_request(request), submission=submission, points=payload.points,
        note=payload.note,
    )  # fmt: skip
    return 201, _entry_out(entry)


def _visit(request: HttpRequest, visit_id: int) -> OnsiteVisit:
    found = selectors.visit_for_user(request.user, visit_id)
    if found is None:
        raise Http404
    return found


def _visit_out(request: HttpRequest, visit: OnsiteVisit) -> dict[str, Any]:
    detail = selectors.visit_detail(request.user, visit)
    return {
        "id": visit.pk,
        "unit_id": visit.unit_id,
        "unit": visit.unit.name,
        "visited_on": visit.visited_on,
        "status": visit.status,
        "led_by_id": visit.led_by_id,
        "assessors": [
            {
                "user_id": seat.user.pk,
                "name": user_name(seat.user),
                "scored": len(seat.scores),
                "scores": detail.shown(seat),
            }
            for seat in detail.seats
        ],
        "checklist": [t.code for t in detail.checklist],
        "scores": detail.decided,
    }


@router.post("/units/{unit_id}/visits", response=responses(VisitOut, 400, 403, 404, status=201))
def visit_open(
    request: HttpRequest,
    unit_id: ObjectId,
    payload: VisitOpenIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),
) -> tuple[int, dict[str, Any]]:
    """Open an on-site visit (现场考评) with its named assessors; the caller leads it."""
    unit = org_for_user(request.user, unit_id)
    assessors = list(User.objects.filter(pk__in=payload.assessor_ids))
    if len(assessors) != len(set(payload.assessor_ids)):
        raise ServiceError("考评人不存在")
    visit = services.target_visit_open(
        actor=Actor.from_request(request),
        unit=unit,
        visited_on=payload.visited_on,
        assessors=assessors,
        note=payload.note,
        idempotency_key=key_from(idempotency_key, payload.idempotency_key),
    )
    return 201, _visit_out(request, _visit(request, visit.pk))


@router.get("/visits", response=responses(list[VisitOut]))
def visit_list(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    """The visits the caller sits on or whose units they assess, newest first."""
    found = selectors.visits_visible_to(request.user).filter(year=year).select_related("catalogue")
    return [_visit_out(request, v) for v in found[:100]]


@router.get("/visits/{visit_id}", response=responses(VisitOut, 404))
def visit_detail(request: HttpRequest, visit_id: ObjectId) -> dict[str, Any]:
    """A visit: its panel, checklist and, once closed, its score per target."""
    return _visit_out(request, _visit(request, visit_id))


@router.post("/visits/{visit_id}/scores", response=responses(VisitOut, 400, 403, 404, status=201))
def visit_score(
    request: HttpRequest, visit_id: ObjectId, payload: VisitScoreIn
) -> tuple[int, dict[str, Any]]:
    """The caller's own scores of the visit's checklist, once per target."""
    visit = _visit(request, visit_id)
    services.target_visit_score(
        actor=Actor.from_request(request), visit=visit, scores=dict(payload.scores)
    )
    return 201, _visit_out(request, _visit(request, visit_id))


@router.post("/visits/{visit_id}/close", response=responses(VisitOut, 400, 403, 404))
def visit_close(request: HttpRequest, visit_id: ObjectId) -> dict[str, Any]:
    """The leader closes the visit: its scores enter the unit's target ledger."""
    services.target_visit_close(actor=Actor.from_request(request), visit=_visit(request, visit_id))
    return _visit_out(request, _visit(request, visit_id))


@router.post("/units/{unit_id}/deductions", response=responses(EntryOut, 400, 403, 404, status=201))
def deduction_record(
    request: HttpRequest, unit_id: ObjectId, payload: DeductionIn
) -> tuple[int, dict[str, Any]]:
    """A deduction from the unit's year (003 Gaotai), with its source and reason."""
    entry = services.target_deduction_record(
        actor=Actor.from_request(request),
        unit=org_for_user(request.user, unit_id),
        points=payload.points,
        source=payload.source,
        reason=payload.reason,
        year=payload.year,
        code=payload.code,
    )
    return 201, _entry_out(entry)


@router.get("/scores", response=responses(list[UnitScoreOut], 404))
def scores(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    """The scores of the units the user sees in their county, ranked as the county ranks."""
    found = target_scores_visible_to(request.user, county_id=_county(request).pk, year=year)
    return [_score_out(s) for s in found]


@router.post("/years/{year}/close", response=responses(YearRankingOut, 400, 403, 404, status=201))
def year_close(
    request: HttpRequest, year: YearPath, owner_id: int | None = None
) -> tuple[int, dict[str, Any]]:
    """Close the year (年终评定) for the units of the owner's catalogue (`owner_id`: the county,
    by default, or a working committee that sets its own): their scores and places are kept
    and no entry of that year is recorded afterwards. 400 before the year has ended or when
    it is closed already; 403 without the password entered in the last few minutes (POST
    /api/v1/auth/reauth), as a quarter's sign-off asks."""
    owner = (
        org_for_user(request.user, owner_id)
        if owner_id is not None
        else county_root(_county(request))
    )
    require_recent_api(request)
    close = services.target_year_close(actor=Actor.from_request(request), owner=owner, year=year)
    kept = target_scores_visible_to(request.user, county_id=owner.county_id, year=year)
    mine = {r.unit_id for r in close.results.all()}
    units = [_score_out(u) for u in kept if u.unit_id in mine]
    return 201, {"year": year, "closed_at": close.closed_at, "units": units}


@router.get("/years/{year}/ranking", response=responses(YearRankingOut, 404))
def year_ranking(request: HttpRequest, year: YearPath) -> dict[str, Any]:
    """The closed year's kept ranking of the units the user sees in their county (404 while
    the year is open: GET /scores has its live scores)."""
    standing = standing_visible_to(request.user, county_id=_county(request).pk, year=year)
    if standing.closed_at is None:
        raise Http404
    return {
        "year": year,
        "closed_at": standing.closed_at,
        "units": [_score_out(u) for u in standing.units],
    }
