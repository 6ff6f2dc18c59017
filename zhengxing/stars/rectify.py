"""The weak-and-lax rectification ledger (软弱涣散党组织整顿) of an organisation rated four stars
or fewer: its writes and its reads.

000: "对4星级及以下的党组织,结合软弱涣散党组织整顿工作,集中抓好整改提高" — the tier's "rectify"
follow-up task (presets.BAYANNUR_532_ORG), owned by the township. The article stops there; the
ledger is how counties run that rectification ("查摆问题、开出药方、建账促改"):
- 查摆问题: each problem found, and where or how it was found;
- 开出药方: its measure, who answers for it, and by when;
- 建账促改: progress entries (what was done, when, by whom, the evidence kept);
- 销号: the township closes a problem once it is resolved, with a reason.

Who: the township that owns the task (or the county above it) keeps the whole ledger; the rated
organisation's own secretary records problems found and progress (the organisation examines
itself, 查摆, with the township); only the township closes a problem. Anyone else is refused.

The task cannot be marked done (`services.consequence_done`, which calls `rectify_done_problem`
under the task's row lock) before at least one problem was recorded, nor while any is open.
Every write here locks the task's row first, so a problem recorded while the task is being
marked done waits, then finds it done and is refused: no check-then-write race.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.text import clean_text
from zhengxing.ledger.services import may_sign_off
from zhengxing.orgs.models import Org, subtree_q
from zhengxing.orgs.selectors import scope_for, scope_for_actor

from .models import Consequence, RectifyProblem, RectifyProgress

# the follow-up tasks that open a rectification ledger (000: "结合软弱涣散党组织整顿工作")
RECTIFY_CODES = frozenset({"rectify"})
PROBLEM_MAX, SOURCE_MAX, MEASURE_MAX, WHO_MAX = 500, 200, 500, 100
ACTION_MAX, EVIDENCE_MAX, REASON_MAX = 500, 300, 500
REFUSED = "软弱涣散整顿台账由负责整顿的乡镇党委和该党组织书记记录"
CLOSE_REFUSED = "问题销号由负责整顿的乡镇党委确认"

# --- who may do what ------------------------------------------------------------------------


def _is_township(actor: Actor, task: Consequence) -> bool:
    """The organisation that owns the task (the township), or one above it."""
    return scope_for_actor(actor).can_manage_tree(task.owner_org)


def _is_own_secretary(actor: Actor, task: Consequence) -> bool:
    org = task.rating.org
    return org is not None and may_sign_off(actor=actor, branch=org)


@dataclass(frozen=True)
class Rights:
    record: bool  # record problems and progress
    close: bool  # close problems (销号) and mark the task done


def rights_of(actor: Actor, task: Consequence) -> Rights:
    township = _is_township(actor, task)
    return Rights(record=township or _is_own_secretary(actor, task), close=township)


def _locked(task: Consequence, actor: Actor, *, close: bool = False) -> Consequence:
    """The task, its row locked; refused unless it is a rectification, still open, and the
    actor may write in its ledger."""
    locked = (
        Consequence.objects.select_for_update(of=("self",))
        .select_related("owner_org", "rating__org")
        .get(pk=task.pk)
    )
    if locked.code not in RECTIFY_CODES or locked.rating.org is None:
        raise ServiceError("该事项不是软弱涣散党组织整顿")
    rights = rights_of(actor, locked)
    if not (rights.close if close else rights.record):
        raise PermissionDenied(CLOSE_REFUSED if close else REFUSED)
    if locked.done_at is not None:
        raise ServiceError("整顿事项已办结，台账不再修改")
    return locked


def _today(actor: Actor) -> dt.date:
    return timezone.localdate(actor.now)


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def rectify_problem_add(
    *,
    actor: Actor,
    consequence: Consequence,
    problem: str,
    source: str,
    measure: str,
    responsible: str,
    due_on: dt.date,
) -> RectifyProblem:
    """Record a problem found (查摆问题) and its measure (开出药方): who answers for it and by when.
    The township or the organisation's own secretary; not once the task is done."""
    task = _locked(consequence, actor)
    problem = clean_text(problem, label="查摆出的问题", limit=PROBLEM_MAX)
    source = clean_text(source, label="问题来源（如何查摆出来）", limit=SOURCE_MAX)
    measure = clean_text(measure, label="整改措施", limit=MEASURE_MAX)
    responsible = clean_text(responsible, label="整改责任人", limit=WHO_MAX)
    if due_on < _today(actor):
        raise ServiceError("整改时限不能早于今天")
    if due_on > _today(actor) + dt.timedelta(days=366):
        raise ServiceError("整改时限不超过一年")
    org = task.rating.org
    assert org is not None  # `_locked`
    found = RectifyProblem.objects.create(
        county_id=task.county_id, consequence=task, org=org, problem=problem, source=source,
        measure=measure, responsible=responsible, due_on=due_on, recorded_at=actor.now,
        recorded_by=actor.user,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="stars.rectify.problem",
        object_type="org",
        object_id=org.pk,
        county_id=task.county_id,
        summary=f"{org.name}软弱涣散整顿：查摆问题“{problem[:60]}”，整改措施“{measure[:60]}”"
        f"（{responsible}，{due_on.isoformat()}前）",
        after={"problem_id": found.pk, "task_id": task.pk, "source": source,
               "responsible": responsible, "due_on": due_on.isoformat()},
    )  # fmt: skip
    return found


def _problem_locked(problem: RectifyProblem, actor: Actor, *, close: bool = False) -> Any:
    task = _locked(problem.consequence, actor, close=close)
    locked = RectifyProblem.objects.select_for_update().get(pk=problem.pk)
    if locked.closed_at is not None:
        raise ServiceError("该问题已销号")
    return task, locked


@transaction.atomic
def rectify_progress_add(
    *,
    actor: Actor,
    problem: RectifyProblem,
    done_on: dt.date,
    action: str,
    done_by: str,
    evidence: str = "",
) -> RectifyProgress:
    """Record what was done about a problem (建账促改): what, when, by whom, and the evidence
    kept. The township or the organisation's own secretary; not on a closed problem."""
    task, locked = _problem_locked(problem, actor)
    action = clean_text(action, label="整改情况", limit=ACTION_MAX)
    done_by = clean_text(done_by, label="整改人", limit=WHO_MAX)
    evidence = clean_text(evidence, label="佐证材料说明", limit=EVIDENCE_MAX, required=False)
    if done_on > _today(actor):
        raise ServiceError("整改日期不能晚于今天")
    if done_on < timezone.localdate(locked.recorded_at):
        raise ServiceError("整改日期不能早于问题查摆的日期")
    entry = RectifyProgress.objects.create(
        county_id=locked.county_id, problem=locked, done_on=done_on, action=action,
        done_by=done_by, evidence=evidence, recorded_at=actor.now, recorded_by=actor.user,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="stars.rectify.progress",
        object_type="org",
        object_id=locked.org_id,
        county_id=locked.county_id,
        summary=f"软弱涣散整顿进展（{done_on.isoformat()}，{done_by}）：{action[:80]}",
        after={"problem_id": locked.pk, "task_id": task.pk, "done_on": done_on.isoformat(),
               "evidence": evidence},
    )  # fmt: skip
    return entry


@transaction.atomic
def rectify_problem_close(*, actor: Actor, problem: RectifyProblem, reason: str) -> RectifyProblem:
    """The township closes a resolved problem (销号), saying why; a problem with no progress
    recorded has nothing to show it was resolved, and stays open."""
    _, locked = _problem_locked(problem, actor, close=True)
    reason = clean_text(reason, label="销号理由", limit=REASON_MAX)
    if not locked.progress.exists():
        raise ServiceError("该问题还没有整改进展记录，不能销号")
    locked.closed_at, locked.closed_by, locked.close_reason = actor.now, actor.user, reason
    locked.save(update_fields=["closed_at", "closed_by", "close_reason"])
    audit_record(
        actor=actor,
        action="stars.rectify.close",
        object_type="org",
        object_id=locked.org_id,
        county_id=locked.county_id,
        summary=f"软弱涣散整顿问题销号：“{locked.problem[:60]}”（{reason[:60]}）",
        before={"closed": False},
        after={"closed": True, "problem_id": locked.pk, "reason": reason},
    )
    return locked


def rectify_done_problem(task: Consequence) -> str:
    """Why a rectification task cannot be marked done yet ("" when it can): no problem recorded,
    or some still open. Called by `services.consequence_done` with the task's row locked."""
    if task.code not in RECTIFY_CODES:
        return ""
    counts = RectifyProblem.objects.filter(consequence=task).aggregate(
        all=Count("pk"), open=Count("pk", filter=Q(closed_at__isnull=True))
    )
    if not counts["all"]:
        return "软弱涣散整顿须先查摆问题、开出整改措施，才能办结"
    if counts["open"]:
        return f"还有{counts['open']}个整顿问题未销号，全部销号后才能办结"
    return ""


# --- reads ----------------------------------------------------------------------------------


def _tasks() -> QuerySet[Consequence]:
    return Consequence.objects.filter(code__in=RECTIFY_CODES, rating__org__isnull=False)


def rectify_task_for_user(*, user: Any, pk: int) -> Consequence:
    """A rectification task of an organisation the user sees (the organisation's own people,
    its township, the county); otherwise a 404."""
    task = _tasks().select_related("owner_org", "rating__org").filter(pk=pk).first()
    if task is None or task.rating.org is None or not scope_for(user).can_see_org(task.rating.org):
        raise Http404
    return task


def rectify_problems(task: Consequence) -> list[RectifyProblem]:
    """The task's problems, open first, each with its progress (two queries in all)."""
    return list(
        RectifyProblem.objects.filter(consequence=task)
        .prefetch_related(Prefetch("progress", RectifyProgress.objects.order_by("done_on", "pk")))
        .order_by(F("closed_at").asc(nulls_first=True), "due_on", "pk")
    )


@dataclass(frozen=True)
class LedgerLine:
    task: Consequence
    problems: int
    open: int


def rectify_ledgers(*, user: Any, org: Org) -> list[LedgerLine]:
    """The rectification tasks of `org` and the organisations under it, with how many problems
    each has and how many are open, newest first (one query)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    found = (
        _tasks()
        .filter(subtree_q(org.path, "rating__org__"), county_id=org.county_id)
        .select_related("rating__org", "owner_org")
        .annotate(
            n=Count("rectify_problems"),
            n_open=Count("rectify_problems", filter=Q(rectify_problems__closed_at__isnull=True)),
        )
        .order_by("-rating__year", "rating__org__path", "pk")[:200]
    )
    return [LedgerLine(task=t, problems=t.n, open=t.n_open) for t in found]
