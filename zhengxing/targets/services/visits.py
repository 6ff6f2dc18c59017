"""On-site assessment (现场考评, 004 Sanmenxia: "采取日常考评和现场考评相结合的方式，对目标完成
情况进行评审"): a visit to a unit with a checklist, scored by named assessors.

- `target_visit_open`: the leader names the panel (themself among it). Every assessor must be
  above the unit and not belong to it; a unit outside the leader's scope: refused.
- `target_visit_score`: each named assessor scores the checklist on their phone, once per
  target (a second score: refused in Chinese, and held by the `onsite_score_once` constraint
  when two requests race). The scores stay off the ledger and out of the unit's sight.
- `target_visit_close`: the leader closes the visit; its score on each target, the mean of the
  assessors' scores rounded half-up to 0.1 (`rules.visit_score`: the article is silent), enters
  the unit's target ledger then, one chained entry per target — not before.

Every write checks the actor, refuses bad input in Chinese before writing, and writes its audit
row in the same transaction; the visit row is locked by the score and the close, so a score
given while the leader closes lands before the close or is refused after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.core.text import clean_text
from zhengxing.ledger.chained import chain_append
from zhengxing.ledger.rules import points_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for, scope_for_actor

from ..models import OnsiteAssessor, OnsiteScore, OnsiteVisit, Target
from ..rules import TARGET_CONTENT_FIELDS, EntryKind, Measure, visit_score
from ..selectors import catalogue_for_unit, targets_for_unit
from .closing import year_closed_check
from .ledger import _assessor_check, _entry, _key, _lock, _score, may_assess

Status = OnsiteVisit.Status
PANEL_MOST = 15


def user_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def checklist(visit: OnsiteVisit, unit: Org) -> list[Target]:
    """The visit's checklist: the targets of its catalogue that apply to the unit and are
    scored by people (a target taken from a yearly figure is not)."""
    return [t for t in targets_for_unit(unit, visit.catalogue) if t.measure != Measure.FIGURE]


@transaction.atomic
def target_visit_open(
    *,
    actor: Actor,
    unit: Org,
    visited_on: dt.date,
    assessors: Sequence[User],
    idempotency_key: str,
    note: str = "",
) -> OnsiteVisit:
    """Open an on-site visit to the unit, led by the actor, with its named assessors (the
    leader is always one of them). A unit outside the leader's scope, an assessor who belongs
    to the unit or is not above it, a day after today: refused, nothing written. A double tap
    opens one visit."""
    _assessor_check(scope_for_actor(actor), unit)
    if actor.user is None:
        raise ServiceError("现场考评须由考评人登录后记录")
    if visited_on > timezone.localdate(actor.now):
        raise ServiceError("现场考评日期不能晚于今天")
    note = clean_text(note, label="考评说明", limit=1000, required=False)
    key = _key(idempotency_key)
    existing = OnsiteVisit.objects.filter(unit=unit, idempotency_key=key).first()
    if existing is not None:
        return existing
    catalogue = catalogue_for_unit(unit, visited_on.year)
    if catalogue is None:
        raise ServiceError(f"{unit.name}{visited_on.year}年没有已发布的目标清单")
    year_closed_check(unit, visited_on.year)
    panel: dict[int, User] = {int(actor.user.pk): actor.user}  # type: ignore[dict-item]
    for user in assessors:
        panel.setdefault(int(user.pk), user)
    if len(panel) > PANEL_MOST:
        raise ServiceError(f"一次现场考评最多{PANEL_MOST}名考评人")
    for user in panel.values():
        if not user.is_active:
            raise ServiceError(f"{user_name(user)}：账号已停用，不能担任考评人")
        problem = may_assess(scope_for(user), unit)
        if problem is not None:
            raise ServiceError(f"{user_name(user)}：{problem}")
    visit = OnsiteVisit.objects.create(
        county_id=unit.county_id,
        unit=unit,
        catalogue=catalogue,
        year=visited_on.year,
        visited_on=visited_on,
        note=note,
        led_by=actor.user,
        recorded_at=actor.now,
        idempotency_key=key,
    )
    OnsiteAssessor.objects.bulk_create(
        OnsiteAssessor(county_id=unit.county_id, visit=visit, user_id=pk) for pk in panel
    )
    names = "、".join(user_name(u) for u in panel.values())
    audit_record(
        actor=actor,
        action="targets.visit.open",
        object_type="onsite_visit",
        object_id=visit.pk,
        county_id=unit.county_id,
        summary=f"{unit.name} 现场考评（{visited_on:%Y-%m-%d}）：考评人 {names}",
        after={"visited_on": visited_on.isoformat(), "assessors": sorted(panel)},
    )
    return visit


def _locked(visit: OnsiteVisit) -> tuple[OnsiteVisit, Org]:
    visit = OnsiteVisit.objects.select_for_update().select_related("catalogue").get(pk=visit.pk)
    return visit, Org.objects.get(pk=visit.unit_id)


@transaction.atomic
def target_visit_score(
    *, actor: Actor, visit: OnsiteVisit, scores: Mapping[str, Decimal | str | int | float]
) -> list[OnsiteScore]:
    """One named assessor scores the visit's checklist ({target code: points}), each target
    within its points. Someone not on the panel, a closed visit, a target not on the
    checklist, a target this assessor already scored: refused in Chinese, nothing written."""
    visit, unit = _locked(visit)
    if actor.user is None or not visit.panel.filter(user_id=actor.user.pk).exists():
        raise ServiceError("你不是这次现场考评的考评人", code="out_of_scope")
    _assessor_check(scope_for_actor(actor), unit)
    year_closed_check(unit, visit.year)
    if visit.status != Status.OPEN:
        raise ServiceError("这次现场考评已经结束，不能再评分", code="conflict")
    given = {code: points for code, points in scores.items() if str(points).strip() != ""}
    if not given:
        raise ServiceError("请至少填写一项现场考评得分")
    targets = {t.code: t for t in checklist(visit, unit)}
    rows: list[tuple[Target, Decimal]] = []
    for code, points in given.items():
        target = targets.get(code)
        if target is None:
            raise ServiceError(f"这次现场考评的考评表中没有目标“{code}”")
        rows.append((target, _score(points, target)))
    again = list(
        OnsiteScore.objects.filter(visit=visit, assessor=actor.user, code__in=list(given))
        .order_by("code")
        .values_list("code", flat=True)
    )
    if again:
        named = "、".join(f"“{targets[c].name}”" for c in again)
        raise ServiceError(f"你已提交过{named}的评分，不能重复提交", code="duplicate")
    made = [
        OnsiteScore(
            county_id=unit.county_id,
            visit=visit,
            assessor=actor.user,
            target=target,
            code=target.code,
            points=points,
            recorded_at=actor.now,
        )
        for target, points in rows
    ]
    try:
        with transaction.atomic():
            OnsiteScore.objects.bulk_create(made)
    except IntegrityError:
        raise ServiceError("你已提交过这些目标的评分，不能重复提交", code="duplicate") from None
    audit_record(
        actor=actor,
        action="targets.visit.score",
        object_type="onsite_visit",
        object_id=visit.pk,
        county_id=unit.county_id,
        summary=f"{unit.name} 现场考评（{visit.visited_on:%Y-%m-%d}）：{user_name(actor.user)}"
        f"评分{len(made)}项",
        after={"scores": {t.code: points_text(p) for t, p in rows}},
    )
    return made


@transaction.atomic
def target_visit_close(*, actor: Actor, visit: OnsiteVisit) -> OnsiteVisit:
    """The leader closes the visit: its score on each target scored — the mean of its
    assessors' scores, rounded half-up to 0.1 (`rules.visit_score`) — enters the unit's target
    ledger, one chained entry per target, the leader named as its assessor. Someone else than
    the leader, a visit closed already, a visit nobody scored: refused, nothing written."""
    visit, unit = _locked(visit)
    if actor.user is None or actor.user.pk != visit.led_by_id:
        raise ServiceError("只有带队考评人可以结束这次现场考评", code="out_of_scope")
    _assessor_check(scope_for_actor(actor), unit)
    if visit.status != Status.OPEN:
        raise ServiceError("这次现场考评已经结束", code="conflict")
    given = list(visit.sheet.select_related("target").order_by("target__position", "assessor_id"))
    if not given:
        raise ServiceError("还没有考评人评分，不能结束现场考评")
    by_code: dict[str, list[OnsiteScore]] = {}
    for row in given:
        by_code.setdefault(row.code, []).append(row)
    decided = {code: visit_score([r.points for r in rows]) for code, rows in by_code.items()}
    head = _lock(unit, visit.year)  # refuses a year closed meanwhile
    entries = [
        _entry(
            actor,
            unit,
            visit.year,
            target_id=rows[0].target_id,
            code=code,
            kind=EntryKind.ONSITE,
            points=decided[code],
            text=f"{len(rows)}名考评人评分的平均",
            visit_id=visit.pk,
            assessor_id=visit.led_by_id,
        )
        for code, rows in by_code.items()
    ]
    chain_append(head, entries, fields=TARGET_CONTENT_FIELDS)
    visit.status, visit.closed_at, visit.closed_by = Status.CLOSED, actor.now, actor.user
    visit.save(update_fields=["status", "closed_at", "closed_by"])
    scored = {r.assessor_id for r in given}
    idle = list(visit.panel.exclude(user_id__in=scored).values_list("user_id", flat=True))
    sheets: dict[str, dict[str, str]] = {}
    for row in given:
        sheets.setdefault(str(row.assessor_id), {})[row.code] = points_text(row.points)
    audit_record(
        actor=actor,
        action="targets.visit.close",
        object_type="onsite_visit",
        object_id=visit.pk,
        county_id=unit.county_id,
        summary=f"{unit.name} 现场考评（{visit.visited_on:%Y-%m-%d}）结束，"
        f"{len(scored)}名考评人评分，{len(decided)}项目标计入目标工作台账",
        after={
            "scores": {code: points_text(p) for code, p in decided.items()},
            "assessors": sheets,
            "not_scored": sorted(idle),
            "head": head.hash,
        },
    )
    return visit
