"""The target catalogue drafted on a page (004 Sanmenxia: "将7项重点任务逐项分解为20项具体目标"):
the county's staff (or a township's, for its subtree: whoever `target_catalogue_draft` lets
manage the owner) write a year's key tasks and their targets — points, how each is measured,
the evidence it needs, the kinds of unit it applies to — and save the draft; the service's
refusals come back in Chinese beside the rows they are about, the rows as typed. A published
version is shown frozen (`views.catalogue_page`) with "new version", which opens this editor
on its tasks and targets; saving drafts the next version. Rows are added by HTMX (a fragment
from `row`), or, without script, by the same button posting the form back with one more row.
The same service as the API (`services/catalogues.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs import yearly
from zhengxing.orgs.models import County
from zhengxing.orgs.rules import OrgKind

from . import selectors, services
from .models import TargetCatalogue
from .rules import MEASURE_LABELS, ONSITE_WEIGHT_DEFAULT, Measure, TargetSpec, TaskSpec

# The kinds of unit a target is offered for on the page (the API takes any of the tree's).
UNIT_KINDS = (
    OrgKind.TOWNSHIP,
    OrgKind.STREET_COMMITTEE,
    OrgKind.VILLAGE,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
)
FIELDS = ("code", "name", "points", "measure", "goal", "figure", "description")


def _key() -> str:
    return uuid.uuid4().hex[:8]


@dataclass
class TargetRow:
    key: str
    code: str = ""
    name: str = ""
    points: str = ""
    measure: str = Measure.JUDGED
    goal: str = ""
    figure: str = ""
    description: str = ""
    evidence: bool = False
    kinds: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class TaskRow:
    key: str
    code: str = ""
    name: str = ""
    targets: list[TargetRow] = field(default_factory=list)


def _rows_of(tasks: list[TaskSpec]) -> list[TaskRow]:
    return [
        TaskRow(
            key=_key(),
            code=task.code,
            name=task.name,
            targets=[
                TargetRow(
                    key=_key(),
                    code=t.code,
                    name=t.name,
                    points=f"{t.points.normalize():f}",
                    measure=t.measure,
                    goal="" if t.goal is None else f"{t.goal.normalize():f}",
                    figure=t.figure,
                    description=t.description,
                    evidence=t.evidence_required,
                    kinds=list(t.kinds),
                    categories=list(t.categories),
                )
                for t in task.targets
            ],
        )
        for task in tasks
    ]


def rows_posted(data: QueryDict) -> list[TaskRow]:
    """The tasks and targets as typed, in the page's order, less those ticked to remove."""
    tasks: dict[str, TaskRow] = {}
    for key in data.getlist("task"):
        if not data.get(f"task-{key}-remove"):
            tasks[key] = TaskRow(
                key=key,
                code=data.get(f"task-{key}-code", "").strip(),
                name=data.get(f"task-{key}-name", "").strip(),
            )
    for key in data.getlist("target"):
        task = tasks.get(data.get(f"target-{key}-task", ""))
        if task is None or data.get(f"target-{key}-remove"):
            continue
        typed = {f: data.get(f"target-{key}-{f}", "").strip() for f in FIELDS}
        task.targets.append(
            TargetRow(
                key=key,
                code=typed["code"],
                name=typed["name"],
                points=typed["points"],
                measure=typed["measure"],
                goal=typed["goal"],
                figure=typed["figure"],
                description=typed["description"],
                evidence=bool(data.get(f"target-{key}-evidence")),
                kinds=data.getlist(f"target-{key}-kinds"),
                categories=data.getlist(f"target-{key}-categories"),
            )
        )
    return list(tasks.values())


def _number(value: str, label: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ServiceError(f"{label}须是数字，如 5 或 2.5") from None


def specs_of(rows: list[TaskRow]) -> list[TaskSpec]:
    """The rows as the service's specs; a number that is not one: refused in Chinese."""
    tasks = []
    for task in rows:
        targets = []
        for t in task.targets:
            label = f"具体目标“{t.code} {t.name}”"
            points = _number(t.points, f"{label}的分值")
            if points is None:
                raise ServiceError(f"{label}须填写分值")
            targets.append(
                TargetSpec(
                    code=t.code,
                    name=t.name,
                    points=points,
                    measure=t.measure,
                    goal=_number(t.goal, f"{label}的目标数"),
                    figure=t.figure if t.measure == Measure.FIGURE else "",
                    evidence_required=t.evidence,
                    kinds=tuple(t.kinds),
                    categories=tuple(t.categories),
                    description=t.description[:500],
                )
            )
        tasks.append(TaskSpec(code=task.code, name=task.name, targets=tuple(targets)))
    return tasks


def _context(rows: list[TaskRow], **more: Any) -> dict[str, Any]:
    return {
        "tasks": rows,
        "measures": MEASURE_LABELS,
        "figures": [(f.name, f.label) for f in yearly.figures()],
        "unit_kinds": [(k.value, k.label) for k in UNIT_KINDS],
        **more,
    }


def _add_row(rows: list[TaskRow], what: str) -> None:
    """The page posted back without script: one more task, or one more target in a task."""
    if what == "task":
        rows.append(TaskRow(key=_key(), targets=[TargetRow(key=_key())]))
        return
    for task in rows:
        if what == f"target:{task.key}":
            task.targets.append(TargetRow(key=_key()))


@login_required
@never_cache
def editor(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new catalogue (pk None), a draft to edit, or a published version to start the next
    version from."""
    owners = selectors.catalogue_owners(request.user)
    base: TargetCatalogue | None = None
    if pk is not None:
        base = selectors.catalogue_for_user(request.user, pk)
        if base is None or base.owner not in owners:
            raise Http404
    elif not owners:
        raise Http404
    error, problems = None, []
    if request.method == "POST":
        rows = rows_posted(request.POST)
        owner = (
            base.owner
            if base
            else next((o for o in owners if str(o.pk) == request.POST.get("owner")), owners[0])
        )
        year = base.year if base else request.POST.get("year", "")
        name = request.POST.get("name", "")
        weight = request.POST.get("onsite_weight", "")
        if request.POST.get("add"):
            _add_row(rows, request.POST["add"])
        else:
            try:
                if not str(year).isdigit() or not 2000 <= int(year) <= 2100:
                    raise ServiceError("请填写年度，如 2027")
                if not weight.isdigit():
                    raise ServiceError("现场考评所占比例须是0到100之间的整数")
                draft = services.target_catalogue_draft(
                    actor=Actor.from_request(request),
                    county=County.objects.get(pk=owner.county_id),
                    owner=owner,
                    year=int(year),
                    name=name,
                    tasks=specs_of(rows),
                    onsite_weight=int(weight),
                )
            except ServiceError as e:
                error, problems = str(e), str(e).split("；")
                for task in rows:
                    for t in task.targets:
                        t.errors = [p for p in problems if f"“{t.code} {t.name}”" in p]
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("targets:catalogue", draft.pk)
        form = {"owner": owner.pk, "year": year, "name": name, "onsite_weight": weight}
    else:
        if base is not None:
            rows = _rows_of(services.catalogue_spec(base))
            form = {
                "owner": base.owner_id,
                "year": base.year,
                "name": base.name,
                "onsite_weight": base.onsite_weight,
            }
        else:
            rows = [TaskRow(key=_key(), targets=[TargetRow(key=_key())])]
            form = {
                "owner": owners[0].pk,
                "year": timezone.localdate().year + 1,
                "name": "",
                "onsite_weight": ONSITE_WEIGHT_DEFAULT,
            }
    return TemplateResponse(
        request,
        "targets/editor.html",
        _context(
            rows,
            base=base,
            owners=owners,
            form=form,
            error=error,
            problems=problems,
            # a published version's editor drafts the next one
            next_version=base is not None and base.status == TargetCatalogue.Status.PUBLISHED,
        ),
    )


@login_required
@never_cache
def row(request: HttpRequest) -> HttpResponse:
    """A new task (with one target) or a new target of a task, for HTMX to add to the form."""
    if not selectors.catalogue_owners(request.user):
        raise Http404
    task_key = request.GET.get("task", "")
    if task_key:
        if not task_key.isalnum() or len(task_key) > 16:
            raise Http404
        return TemplateResponse(
            request,
            "targets/editor/_target.html",
            _context([], task=TaskRow(key=task_key), t=TargetRow(key=_key())),
        )
    task = TaskRow(key=_key(), targets=[TargetRow(key=_key())])
    return TemplateResponse(request, "targets/editor/_task.html", _context([], task=task))


urlpatterns = [
    path("catalogues/new/", editor, name="catalogue_new"),
    path("catalogues/<int:pk>/edit/", editor, name="catalogue_edit"),
    path("catalogues/row/", row, name="catalogue_row"),
]
