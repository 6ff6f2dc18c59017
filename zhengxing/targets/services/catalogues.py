"""Target catalogues: the key tasks and specific targets a county (or a township / street working
committee, for its subtree) sets for a year — "将7项重点任务逐项分解为20项具体目标" (004 Sanmenxia).

Versioned as the rule catalogues are (`ledger.services.catalogues`): a draft is edited in place;
publishing freezes it and makes it current, the earlier version staying with the entries
recorded under it; editing a published version drafts the next one. One draft and one current
version per owner and year, held by partial unique constraints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.rules import points_normal, points_text
from zhengxing.orgs import yearly
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import scope_for_actor
from zhengxing.orgs.services import county_root

from ..models import KeyTask, Target, TargetCatalogue
from ..rules import (
    ONSITE_WEIGHT_DEFAULT,
    OWNER_KINDS,
    TargetSpec,
    TaskSpec,
    catalogue_problems,
    spec_of,
)

Status = TargetCatalogue.Status


def _owner(county: County, owner: Org | None) -> Org:
    owner = owner or county_root(county)
    if owner.county_id != county.pk:
        raise ServiceError("制定目标的组织不属于该旗县区")
    if owner.kind not in OWNER_KINDS:
        raise ServiceError("目标清单由旗县区或苏木乡镇（街道）党（工）委制定")
    return owner


def _write_tasks(catalogue: TargetCatalogue, tasks: Sequence[TaskSpec]) -> None:
    made = KeyTask.objects.bulk_create(
        KeyTask(
            county_id=catalogue.county_id,
            catalogue=catalogue,
            code=task.code.strip(),
            name=task.name.strip(),
            position=position,
        )
        for position, task in enumerate(tasks)
    )
    position = 0
    rows = []
    for task, row in zip(tasks, made, strict=True):
        for spec in task.targets:
            rows.append(
                Target(
                    county_id=catalogue.county_id,
                    catalogue=catalogue,
                    task=row,
                    code=spec.code.strip(),
                    name=spec.name.strip(),
                    description=spec.description,
                    points=points_normal(spec.points),
                    measure=spec.measure,
                    goal=spec.goal,
                    figure=spec.figure,
                    evidence_required=spec.evidence_required,
                    kinds=list(spec.kinds),
                    categories=list(spec.categories),
                    position=position,
                )
            )
            position += 1
    Target.objects.bulk_create(rows)


def _summary(tasks: Sequence[TaskSpec]) -> dict[str, Any]:
    return {task.code: {t.code: points_text(t.points) for t in task.targets} for task in tasks}


@transaction.atomic
def target_catalogue_draft(
    *,
    actor: Actor,
    county: County,
    year: int,
    name: str,
    tasks: Sequence[TaskSpec],
    owner: Org | None = None,
    onsite_weight: int | None = None,
) -> TargetCatalogue:
    """Save the owner's draft for the year: the draft in hand rewritten, or the next version
    drafted. A target's points outside 0.5–100, a repeated code, a count without a goal or a
    figure nobody registered: refused in Chinese, nothing written."""
    owner = _owner(county, owner)
    require(scope_for_actor(actor).can_manage_tree(owner))
    name = clean_text(name, label="目标清单名称", limit=200)
    problems = catalogue_problems(tasks, known_figures=[f.name for f in yearly.figures()])
    if problems:
        raise ServiceError("；".join(problems))
    if onsite_weight is not None and not 0 <= onsite_weight <= 100:
        raise ServiceError("现场考评所占比例须在0到100之间")
    draft = (
        TargetCatalogue.objects.select_for_update()
        .filter(owner=owner, year=year, status=Status.DRAFT)
        .first()
    )
    current = TargetCatalogue.objects.filter(owner=owner, year=year, is_current=True).first()
    known = draft or current
    weight = onsite_weight
    if weight is None:
        weight = known.onsite_weight if known is not None else ONSITE_WEIGHT_DEFAULT
    if draft is not None:
        before: dict[str, Any] | None = {"version": draft.version, "name": draft.name}
        draft.targets.all().delete()
        draft.tasks.all().delete()
        draft.name, draft.onsite_weight = name, weight
        draft.save(update_fields=["name", "onsite_weight"])
        catalogue = draft
    else:
        before = None
        last = TargetCatalogue.objects.filter(owner=owner, year=year).aggregate(v=Max("version"))
        try:
            with transaction.atomic():
                catalogue = TargetCatalogue.objects.create(
                    county=county,
                    owner=owner,
                    year=year,
                    version=(last["v"] or 0) + 1,
                    name=name,
                    onsite_weight=weight,
                    created_at=actor.now,
                    created_by=actor.user,
                )
        except IntegrityError:
            raise ServiceError("目标清单正被他人同时修改，请刷新后重试", code="conflict") from None
    _write_tasks(catalogue, tasks)
    audit_record(
        actor=actor,
        action="targets.catalogue.draft",
        object_type="target_catalogue",
        object_id=catalogue.pk,
        county_id=county.pk,
        summary=f"{owner.name} {year}年目标清单 第{catalogue.version}版（草稿）：{name}",
        before=before,
        after={"version": catalogue.version, "onsite_weight": weight, "targets": _summary(tasks)},
    )
    return catalogue


@transaction.atomic
def target_catalogue_publish(*, actor: Actor, catalogue: TargetCatalogue) -> TargetCatalogue:
    """Publish a draft: it becomes the owner's current version for the year and is frozen."""
    owner = Org.objects.get(pk=catalogue.owner_id)
    require(scope_for_actor(actor).can_manage_tree(owner))
    catalogue = TargetCatalogue.objects.select_for_update().get(pk=catalogue.pk)
    if catalogue.status != Status.DRAFT:
        raise ServiceError("该版本已发布，不能再次发布", code="conflict")
    if not catalogue.targets.exists():
        raise ServiceError("目标清单没有具体目标，不能发布")
    previous = list(
        TargetCatalogue.objects.select_for_update().filter(
            owner=owner, year=catalogue.year, is_current=True
        )
    )
    TargetCatalogue.objects.filter(pk__in=[c.pk for c in previous]).update(is_current=False)
    catalogue.status, catalogue.is_current, catalogue.published_at = (
        Status.PUBLISHED,
        True,
        actor.now,
    )
    catalogue.save(update_fields=["status", "is_current", "published_at"])
    audit_record(
        actor=actor,
        action="targets.catalogue.publish",
        object_type="target_catalogue",
        object_id=catalogue.pk,
        county_id=catalogue.county_id,
        summary=f"{owner.name} {catalogue.year}年目标清单 第{catalogue.version}版发布",
        before={"version": previous[0].version} if previous else None,
        after={"version": catalogue.version},
    )
    return catalogue


def catalogue_spec(catalogue: TargetCatalogue) -> list[TaskSpec]:
    """A catalogue version as specs, for the next draft to start from (two queries)."""
    targets: dict[int, list[TargetSpec]] = {}
    for t in catalogue.targets.order_by("position", "pk"):
        targets.setdefault(t.task_id, []).append(spec_of(t))
    return [
        TaskSpec(code=task.code, name=task.name, targets=tuple(targets.get(task.pk, [])))
        for task in catalogue.tasks.order_by("position", "pk")
    ]
