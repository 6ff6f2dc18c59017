"""REST endpoints of the weak-and-lax rectification ledgers (`rectify.py`), under
/api/v1/stars: the ledgers of an organisation and those under it, one ledger, and its writes
(a problem with its measure, a progress entry, a problem closed). The same services and
scoping as the page: outside the scope a 404, a refused writer a 403 with the Chinese reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from zhengxing.core.actor import Actor
from zhengxing.core.schemas import ObjectId, responses
from zhengxing.orgs.schemas import OrgRef
from zhengxing.orgs.selectors import org_for_user

from . import rectify
from .models import Consequence, RectifyProblem, RectifyProgress

router = Router(tags=["stars"])


class ProgressOut(Schema):
    id: int
    done_on: dt.date
    action: str
    done_by: str
    evidence: str


class ProblemOut(Schema):
    id: int
    problem: str
    source: str = Field(description="Where or how it was found (查摆)")
    measure: str = Field(description="The measure prescribed (开出药方)")
    responsible: str
    due_on: dt.date
    closed: bool
    closed_at: dt.datetime | None
    close_reason: str
    progress: list[ProgressOut]


class LedgerLineOut(Schema):
    task_id: int
    org: OrgRef
    year: int
    period: str
    stars: int
    due_on: dt.date
    done: bool
    problems: int
    open: int


class LedgerOut(LedgerLineOut):
    label: str
    owner_org: OrgRef
    may_record: bool
    may_close: bool
    items: list[ProblemOut]


def _progress(g: RectifyProgress) -> dict[str, Any]:
    return {"id": g.pk, "done_on": g.done_on, "action": g.action, "done_by": g.done_by,
            "evidence": g.evidence}  # fmt: skip


def _problem(p: RectifyProblem, progress: list[RectifyProgress] | None = None) -> dict[str, Any]:
    return {
        "id": p.pk,
        "problem": p.problem,
        "source": p.source,
        "measure": p.measure,
        "responsible": p.responsible,
        "due_on": p.due_on,
        "closed": p.closed_at is not None,
        "closed_at": p.closed_at,
        "close_reason": p.close_reason,
        "progress": [_progress(g) for g in (p.progress.all() if progress is None else progress)],
    }


def _line(task: Consequence, problems: int, open_: int) -> dict[str, Any]:
    r = task.rating
    return {"task_id": task.pk, "org": r.org, "year": r.year, "period": r.period,
            "stars": r.stars, "due_on": task.due_on, "done": task.done_at is not None,
            "problems": problems, "open": open_}  # fmt: skip


def _ledger(request: HttpRequest, task: Consequence) -> dict[str, Any]:
    items = rectify.rectify_problems(task)
    rights = rectify.rights_of(Actor.from_request(request), task)
    return {
        **_line(task, len(items), sum(1 for p in items if p.closed_at is None)),
        "label": task.label,
        "owner_org": task.owner_org,
        "may_record": rights.record and task.done_at is None,
        "may_close": rights.close and task.done_at is None,
        "items": [_problem(p) for p in items],
    }


@router.get("/orgs/{org_id}/rectify", response=responses(list[LedgerLineOut], 404))
def org_ledgers(request: HttpRequest, org_id: ObjectId) -> list[dict[str, Any]]:
    """The weak-and-lax rectification ledgers (软弱涣散整顿) of an organisation and those under
    it: one per rating of four stars or fewer, with its problems counted."""
    org = org_for_user(request.user, org_id)
    return [
        _line(x.task, x.problems, x.open)
        for x in rectify.rectify_ledgers(user=request.user, org=org)
    ]


@router.get("/rectify/{task_id}", response=responses(LedgerOut, 404))
def ledger(request: HttpRequest, task_id: ObjectId) -> dict[str, Any]:
    """One ledger: each problem found, its measure, its progress and whether it is closed;
    `task_id` is the follow-up task's id (GET /stars/tasks)."""
    return _ledger(request, rectify.rectify_task_for_user(user=request.user, pk=task_id))


class ProblemIn(Schema):
    problem: str = Field(max_length=rectify.PROBLEM_MAX)
    source: str = Field(max_length=rectify.SOURCE_MAX)
    measure: str = Field(max_length=rectify.MEASURE_MAX)
    responsible: str = Field(max_length=rectify.WHO_MAX)
    due_on: dt.date


@router.post(
    "/rectify/{task_id}/problems", response=responses(ProblemOut, 400, 403, 404, status=201)
)
def problem_add(
    request: HttpRequest, task_id: ObjectId, body: ProblemIn
) -> tuple[int, dict[str, Any]]:
    """Record a problem found and its measure: the township or the organisation's secretary."""
    task = rectify.rectify_task_for_user(user=request.user, pk=task_id)
    made = rectify.rectify_problem_add(
        actor=Actor.from_request(request), consequence=task, **body.dict()
    )
    return 201, _problem(made, [])


def _problem_for(request: HttpRequest, problem_id: int) -> RectifyProblem:
    found = RectifyProblem.objects.filter(pk=problem_id).first()
    if found is None:
        raise Http404
    rectify.rectify_task_for_user(user=request.user, pk=found.consequence_id)  # 404 outside
    return found


class ProgressIn(Schema):
    done_on: dt.date
    action: str = Field(max_length=rectify.ACTION_MAX)
    done_by: str = Field(max_length=rectify.WHO_MAX)
    evidence: str = Field("", max_length=rectify.EVIDENCE_MAX)


@router.post(
    "/rectify/problems/{problem_id}/progress",
    response=responses(ProgressOut, 400, 403, 404, status=201),
)
def progress_add(
    request: HttpRequest, problem_id: ObjectId, body: ProgressIn
) -> tuple[int, dict[str, Any]]:
    """Record what was done about a problem: the township or the organisation's secretary."""
    made = rectify.rectify_progress_add(
        actor=Actor.from_request(request), problem=_problem_for(request, problem_id), **body.dict()
    )
    return 201, _progress(made)


class CloseIn(Schema):
    reason: str = Field(max_length=rectify.REASON_MAX)


@router.post("/rectify/problems/{problem_id}/close", response=responses(ProblemOut, 400, 403, 404))
def problem_close(request: HttpRequest, problem_id: ObjectId, body: CloseIn) -> dict[str, Any]:
    """The township closes a resolved problem (销号), with the reason."""
    closed = rectify.rectify_problem_close(
        actor=Actor.from_request(request),
        problem=_problem_for(request, problem_id),
        reason=body.reason,
    )
    return _problem(closed)
