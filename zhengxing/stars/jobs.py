"""The star recompute as a background job: a township's (its subtree) or the county's, every
current scheme of the year, all in one transaction, with how many ratings changed.

000: "苏木乡镇党委根据积分,计算年度得分并授星" — the township computes the year's scores itself,
from a button on its board, without a shell."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.jobs.board import Reporter
from zhengxing.jobs.kinds import Kind, Outcome, kind_register
from zhengxing.jobs.models import Job, JobKind
from zhengxing.orgs.models import County, Org
from zhengxing.orgs.selectors import scope_for_actor

from .compute import recompute, recompute_reaches
from .compute_sql import PERIOD_QUARTERS
from .scheme_spec import scheme_from_dict


def may_recompute(*, actor: Actor, org: Org) -> bool:
    """The county's department (its root) or a township's committee (its township)."""
    return org.depth <= 1 and scope_for_actor(actor).can_manage_tree(org)


def recompute_authorize(
    actor: Actor, county: County, org: Org | None, params: dict[str, Any]
) -> None:
    if org is None or not may_recompute(actor=actor, org=org):
        raise PermissionDenied("只有旗县区委组织部和乡镇（苏木、街道）党委可以计算星级")
    year, period = params.get("year"), params.get("period")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError("年份应在2000至2100之间")
    if period is not None and period not in PERIOD_QUARTERS:
        raise ServiceError(f"没有这个评定期：{period}")
    if not _steps(county, org, year, period):
        raise ServiceError(f"{org.name}{year}年还没有星级方案")


def _within(org: Org) -> str | None:
    return None if org.parent_id is None else org.path


def _steps(county: County, org: Org, year: int, period: str | None) -> int:
    steps = 0
    for stored, _ in recompute_reaches(county_id=county.pk, year=year, within=_within(org)):
        scheme = scheme_from_dict(stored.spec)
        if period and period not in scheme.periods:
            continue
        steps += 1 if scheme.criteria_count or period else len(scheme.periods)
    return steps


def recompute_run(job: Job, actor: Actor, report: Reporter) -> Outcome:
    assert job.org is not None
    year, period = job.params["year"], job.params.get("period")
    total = _steps(job.county, job.org, year, period)
    done = 0

    def step(_: object) -> None:
        nonlocal done
        done += 1
        report(done, total)

    report(0, total)
    with transaction.atomic():
        results = recompute(
            county_id=job.county_id,
            year=year,
            period=period,
            now=actor.now,
            on_done=step,
            within=_within(job.org),
        )
    changed = sum(r.written for r in results)
    return Outcome(
        summary=f"{job.org.name}{year}年星级计算完成：{changed}项评定有变化",
        result={"changed": changed, "steps": [[r.subject, r.period, r.written] for r in results]},
    )


def register() -> None:
    kind_register(
        Kind(
            code=JobKind.RECOMPUTE,
            authorize=recompute_authorize,
            run=recompute_run,
            lane=JobKind.RECOMPUTE,
        )
    )
