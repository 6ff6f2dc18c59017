"""REST endpoints of the secretaries' annual review, under /api/v1/dutyreports: the county's
rubric, rounds with their units, panel, meeting opened and closed, a secretary's report, a
panel member's score — the same services, selectors and scoping as the pages (outside the
scope: 404; scores hidden until all who may score a report have) — and the public's results
of a county's closed rounds (no login), by the county's public reference."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from ninja import Router

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.schemas import ObjectId, SlugPath, responses
from zhengxing.ledger.schemas import public_responses
from zhengxing.ledger.selectors import evidence_owned
from zhengxing.orgs.models import County
from zhengxing.orgs.rules import Role
from zhengxing.orgs.selectors import county_for_roles, org_for_user, scope_for

from . import selectors, services
from .models import Report, ReviewRound, Rubric
from .rules import GRADE_WORDS
from .schemas import (
    PanelIn,
    PublicResultsOut,
    ReportIn,
    ReportOut,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    RubricIn,
    RubricOut,
    ScoreIn,
    ScoreOut,
    UnitIn,
)

router = Router(tags=["dutyreports"])


def _round(r: ReviewRound) -> dict[str, Any]:
    return {
        "id": r.pk,
        "org_id": r.org_id,
        "org": r.org.name,
        "year": r.year,
        "title": r.title,
        "state": r.state,
        "good_from": r.good_from,
        "fairly_good_from": r.fairly_good_from,
        "fair_from": r.fair_from,
    }


def _rubric(r: Rubric | None) -> dict[str, Any] | None:
    if r is None:
        return None
    items = [{"name": i.name, "max_points": i.max_points} for i in r.items.all()]
    return {"version": r.version, "items": items}


def _detail(r: ReviewRound) -> dict[str, Any]:
    rubric = r.rubric if r.rubric_id else selectors.rubric_current(r.county_id)
    return {
        **_round(r),
        "rubric": _rubric(rubric),
        "units": [
            {
                "id": row.unit.pk,
                "org_id": row.unit.org_id,
                "org": row.unit.org.name,
                "report_id": row.report.pk if row.report else None,
                "submitted_at": row.report.submitted_at if row.report else None,
                "scores_given": row.given,
                "scores_expected": row.report.expected if row.report else None,
                "score": row.report.score if row.report else None,
                "grade": row.report.grade if row.report else "",
            }
            for row in selectors.unit_rows(r)
        ],
        "panel": [
            {"id": p.pk, "user_id": p.user_id, "name": p.name} for p in selectors.panel_of(r)
        ],
    }


def _report(request: HttpRequest, report: Report) -> dict[str, Any]:
    panelist = selectors.panelist_of(request.user, report.round)
    return {
        "id": report.pk,
        "round_id": report.round_id,
        "unit_id": report.unit_id,
        "org": report.unit.org.name,
        "text": report.text,
        "revision": report.revision,
        "submitted_at": report.submitted_at,
        "files": [f.evidence.ref for f in report.files.select_related("evidence")],
        "score": report.score,
        "grade": report.grade,
        "scores": [_score(s) for s in selectors.scores_shown(report, panelist)],
    }


def _score(s: Any) -> dict[str, Any]:
    return {
        "panelist": s.panelist.name,
        "marks": s.marks,
        "total": s.total,
        "comment": s.comment,
        "scored_at": s.scored_at,
    }


@router.get("/rubric", response=responses(RubricOut, 404))
def rubric_current(request: HttpRequest) -> dict[str, Any]:
    """The current rubric of the user's county."""
    county_id = next(iter(sorted(scope_for(request.user).county_ids())), None)
    found = _rubric(selectors.rubric_current(county_id)) if county_id else None
    if found is None:
        raise Http404
    return found


@router.post("/rubric", response=responses(RubricOut, 400, 403, status=201))
def rubric_set(request: HttpRequest, payload: RubricIn) -> tuple[int, dict[str, Any]]:
    """The county's next rubric version (the county's organisation department): items summing
    to 100."""
    county: County = county_for_roles(request.user, frozenset({Role.COUNTY}))
    rubric = services.rubric_set(
        actor=Actor.from_request(request),
        county=county,
        items=[(i.name, i.max_points) for i in payload.items],
    )
    return 201, _rubric(rubric) or {}


@router.get("/rounds", response=responses(list[RoundOut]))
def round_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The rounds the user manages, sits on the panel of, or reports in."""
    return [_round(r) for r in selectors.rounds_visible_to(request.user)[:200]]


@router.post("/rounds", response=responses(RoundOut, 400, 403, 404, status=201))
def round_create(request: HttpRequest, payload: RoundIn) -> tuple[int, dict[str, Any]]:
    """A year's review held by the county or a township."""
    org = org_for_user(request.user, payload.org_id)
    rnd = services.round_create(
        actor=Actor.from_request(request),
        org=org,
        year=payload.year,
        title=payload.title,
        thresholds=(payload.good_from, payload.fairly_good_from, payload.fair_from),
    )
    return 201, _round(rnd)


@router.get("/rounds/{round_id}", response=responses(RoundDetailOut, 404))
def round_detail(request: HttpRequest, round_id: ObjectId) -> dict[str, Any]:
    """The round: its rubric, its units with each report's progress (scores given of those
    expected; the score and grade once all have scored), its panel."""
    return _detail(selectors.round_for_user(request.user, round_id))


@router.post("/rounds/{round_id}/units", response=responses(RoundDetailOut, 400, 403, 404))
def round_unit_add(request: HttpRequest, round_id: ObjectId, payload: UnitIn) -> dict[str, Any]:
    rnd = selectors.round_for_user(request.user, round_id)
    org = org_for_user(request.user, payload.org_id)
    services.round_unit_add(actor=Actor.from_request(request), round=rnd, org=org)
    return _detail(rnd)


@router.post("/rounds/{round_id}/panel", response=responses(RoundDetailOut, 400, 403, 404))
def round_panel_add(request: HttpRequest, round_id: ObjectId, payload: PanelIn) -> dict[str, Any]:
    """A named panel member: a user holding a role at the round's organisation."""
    rnd = selectors.round_for_user(request.user, round_id)
    user = User.objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        raise Http404
    services.round_panel_add(actor=Actor.from_request(request), round=rnd, user=user)
    return _detail(rnd)


@router.post("/rounds/{round_id}/open", response=responses(RoundDetailOut, 400, 403, 404))
def round_open(request: HttpRequest, round_id: ObjectId) -> dict[str, Any]:
    """The meeting opens: the reports frozen, the rubric and the panel fixed."""
    rnd = selectors.round_for_user(request.user, round_id)
    return _detail(services.round_open(actor=Actor.from_request(request), round=rnd))


@router.post("/rounds/{round_id}/close", response=responses(RoundDetailOut, 400, 403, 404))
def round_close(request: HttpRequest, round_id: ObjectId) -> dict[str, Any]:
    """The meeting closes, every report scored: the results posted."""
    rnd = selectors.round_for_user(request.user, round_id)
    return _detail(services.round_close(actor=Actor.from_request(request), round=rnd))


@router.post("/units/{unit_id}/report", response=responses(ReportOut, 400, 403, 404))
def report_submit(request: HttpRequest, unit_id: ObjectId, payload: ReportIn) -> dict[str, Any]:
    """The unit's secretary submits (or submits again, until the meeting opens) the report,
    with files uploaded first through POST /api/v1/points/evidence."""
    unit = selectors.unit_for_user(request.user, unit_id)
    files = []
    for ref in payload.files:
        found = evidence_owned(user=request.user, ref=ref)
        if found is None:
            raise ServiceError(f"附件“{ref}”须是本人通过 POST /api/v1/points/evidence 上传的文件")
        files.append(found)
    report = services.report_submit(
        actor=Actor.from_request(request), unit=unit, text=payload.text, files=files
    )
    return _report(request, selectors.report_for_user(request.user, report.pk))


@router.get("/reports/{report_id}", response=responses(ReportOut, 404))
def report_detail(request: HttpRequest, report_id: ObjectId) -> dict[str, Any]:
    """A report with the scores the reader may see: their own, and all once every panel member
    who may score it has."""
    return _report(request, selectors.report_for_user(request.user, report_id))


@router.post("/reports/{report_id}/scores", response=responses(ScoreOut, 400, 403, 404, status=201))
def score_submit(
    request: HttpRequest, report_id: ObjectId, payload: ScoreIn
) -> tuple[int, dict[str, Any]]:
    """A panel member's marks on the round's rubric, once; never for their own unit."""
    report = selectors.report_for_user(request.user, report_id)
    score = services.score_submit(
        actor=Actor.from_request(request),
        report=report,
        marks=dict(payload.marks),
        comment=payload.comment,
    )
    return 201, _score(score)


@router.get("/public/{ref}", auth=None, response=public_responses(PublicResultsOut, 404))
def public_results(request: HttpRequest, ref: SlugPath) -> dict[str, Any]:
    """A county's closed rounds: each unit's score, grade and the panel's comments."""
    county = selectors.county_org_public(ref)
    return {
        "county": county.name,
        "rounds": [
            {
                "title": r.title,
                "org": r.org.name,
                "year": r.year,
                "reports": [
                    {
                        "org": p.unit.org.name,
                        "score": p.score,
                        "grade": GRADE_WORDS.get(p.grade, p.grade),
                        "comments": [s.comment for s in p.scores.all()],
                    }
                    for p in r.reports.all()
                ],
            }
            for r in selectors.rounds_public(county.county_id)
        ],
    }
