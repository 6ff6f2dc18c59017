"""The year closed, its ranking kept (年终评定): the assessing body — the owner of the year's
catalogue, the county or a city's organs' working committee — closes the year for the units its
catalogue applies to. Each unit's scores by key task and target and its place among them are
stored (`TargetYearResult`, one per unit and year) with the head of its target chain they were
computed at; afterwards no entry of that year is written to their ledgers (`year_closed_check`,
called by every write of `ledger.py` under the unit's chain lock).

"对目标完成情况进行评审，结果实时公示并有效运用" (004 Sanmenxia): the results are used, so what
was used stays what it was.

A year is closed only after it has ended (the year-end assessment, like a quarter signed only
after it ends); closing it twice is refused. The close locks every unit's chain head before it
reads their scores, so an assessment racing it either lands first and is counted, or comes after
and is refused."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.ledger.chained import chain_lock
from zhengxing.ledger.rules import points_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for_actor

from ..excel import closed_words
from ..models import TargetCatalogue, TargetChainHead, TargetYearClose, TargetYearResult
from ..scores import county_target_scores, kept_targets
from ..selectors import year_closed_at


def year_closed_check(unit: Org, year: int) -> None:
    """Refuse an entry of a closed year (call it with the unit's chain head locked)."""
    closed_at = year_closed_at(unit, year)
    if closed_at is not None:
        raise ServiceError(
            f"{unit.name}{year}年的目标考评{closed_words(closed_at)}，不能再记录", code="conflict"
        )


@transaction.atomic
def target_year_close(*, actor: Actor, owner: Org, year: int) -> TargetYearClose:
    """Close the owner's year: its units' scores and places kept, their ledgers of that year
    shut. A year not yet ended, a year closed already, an owner without a published catalogue
    that year, one outside the actor's scope: refused, nothing written."""
    require(scope_for_actor(actor).can_manage_tree(owner))
    if year >= timezone.localdate(actor.now).year:
        raise ServiceError(f"{year}年尚未结束，年终评定须在次年进行")
    existing = TargetYearClose.objects.filter(owner=owner, year=year).first()
    if existing is not None:
        raise ServiceError(
            f"{owner.name}{year}年的目标考评{closed_words(existing.closed_at)}，不能重复评定",
            code="conflict",
        )
    catalogue = TargetCatalogue.objects.filter(owner=owner, year=year, is_current=True).first()
    if catalogue is None:
        raise ServiceError(f"{owner.name}{year}年没有已发布的目标清单")
    ids = [
        u.unit_id
        for u in county_target_scores(county_id=owner.county_id, year=year)
        if u.catalogue_id == catalogue.pk
    ]
    if not ids:
        raise ServiceError(f"{owner.name}{year}年的目标清单没有适用的单位")
    for unit_id in sorted(ids):  # one order for every closer: no deadlock
        chain_lock(TargetChainHead, county_id=owner.county_id, unit_id=unit_id)
    heads = {h.unit_id: h for h in TargetChainHead.objects.filter(unit_id__in=ids).order_by("pk")}
    units = list(Org.objects.filter(pk__in=ids))
    scores = county_target_scores(county_id=owner.county_id, year=year, units=units)
    try:
        with transaction.atomic():
            close = TargetYearClose.objects.create(
                county_id=owner.county_id,
                owner=owner,
                year=year,
                closed_at=actor.now,
                closed_by=actor.user,
            )
    except IntegrityError:  # two closes at once: the first stands
        raise ServiceError(
            f"{owner.name}{year}年的目标考评已经年终评定，不能重复评定", code="conflict"
        ) from None
    TargetYearResult.objects.bulk_create(
        TargetYearResult(
            county_id=owner.county_id,
            close=close,
            unit_id=u.unit_id,
            year=year,
            catalogue_id=u.catalogue_id,
            rank=u.rank,
            total=u.total,
            deduction=u.deduction,
            tasks={code: str(v) for code, v in u.tasks.items()},
            targets=kept_targets(u),
            head_seq=heads[u.unit_id].seq,
            head_hash=heads[u.unit_id].hash,
        )
        for u in scores
    )
    audit_record(
        actor=actor,
        action="targets.year.close",
        object_type="target_year_close",
        object_id=close.pk,
        county_id=owner.county_id,
        summary=f"{owner.name} {year}年目标考评年终评定（{len(scores)}个单位）",
        after={
            "owner_id": owner.pk,
            "year": year,
            "catalogue_id": catalogue.pk,
            "results": {
                u.public_ref: {
                    "rank": u.rank,
                    "total": points_text(u.total),
                    "head": [heads[u.unit_id].seq, heads[u.unit_id].hash],
                }
                for u in scores
            },
        },
    )
    return close
