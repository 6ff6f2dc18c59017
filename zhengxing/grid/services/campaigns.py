"""Door-to-door campaigns (敲门行动, 入户登记): a campaign over some grids, and the visits the
grid workers record household by household, each updating the household's residents (who has
come, who has gone) through the structure's own services.

兴安盟: "结合当前疫情工作，我们开展了 敲门行动，每家每户有没有外来人口，我都要及时了解，及时汇报";
"做好入户登记、摸排走访、全面排查、宣传动员等工作，确保全覆盖、无死角、不漏一户、不落一人"。
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Campaign, Grid, Household, Reach, Resident, Visit
from ..rules import OUTCOME_WORDS, Outcome, Relation
from ..selectors import may_work, reach_counted
from .structure import person_name, phone_value, resident_add, resident_leave

PURPOSE_MAX, ASKED_MAX, NOTE_MAX = 200, 500, 1000
# the longest campaign: a season's work, not a standing register
MAX_DAYS = 366


@dataclass(frozen=True)
class Arrival:
    """Someone found living in the household who is not registered yet (来了谁)."""

    name: str
    relation: str
    phone: str = ""


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    org: Org,
    purpose: str,
    starts_on: dt.date,
    ends_on: dt.date,
    grids: Sequence[Grid],
) -> Campaign:
    """A campaign with its purpose and dates over grids held under `org`, started by a role
    that manages `org` (the township, the village or community)."""
    require(scope_for_actor(actor).can_manage_tree(org))
    purpose = clean_text(purpose, label="行动目的", limit=PURPOSE_MAX)
    if ends_on < starts_on:
        raise ServiceError("结束日期不能早于开始日期")
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise ServiceError(f"一次敲门行动不能超过{MAX_DAYS}天")
    if not grids:
        raise ServiceError("请选择敲门行动覆盖的网格")
    for grid in grids:
        if grid.county_id != org.county_id or not grid.org.path.startswith(org.path):
            raise ServiceError(f"网格“{grid.name}”不在{org.name}之内")
    campaign = Campaign.objects.create(
        county_id=org.county_id,
        org=org,
        purpose=purpose,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor.user,
        created_at=actor.now,
    )
    campaign.grids.set(grids)
    Reach.objects.bulk_create(
        [Reach(county_id=campaign.county_id, campaign=campaign, grid=g) for g in grids]
    )
    audit_record(
        actor=actor,
        action="grid.campaign.create",
        object_type="campaign",
        object_id=campaign.pk,
        county_id=campaign.county_id,
        summary=f"{purpose}（{starts_on:%Y-%m-%d}至{ends_on:%Y-%m-%d}，{len(grids)}个网格）",
        after={
            "org_id": org.pk,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "grids": sorted(g.pk for g in grids),
        },
    )
    return campaign


def _arrival(a: Arrival) -> Arrival:
    """The arrival as the resident's service will take it, checked before anything is written."""
    name = person_name(a.name)
    if a.relation not in Relation.values:
        raise ServiceError(f"请选择{name}与户主的关系")
    return Arrival(name=name, relation=a.relation, phone=phone_value(a.phone))


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    campaign: Campaign,
    household: Household,
    outcome: str,
    asked: str = "",
    note: str = "",
    leaving: Sequence[Resident] = (),
    arriving: Sequence[Arrival] = (),
) -> Visit:
    """A grid worker knocks on a household's door during the campaign (敲门行动): someone met
    (the household is reached) or nobody at home (it must be visited again: 不漏一户); who has
    gone and who has come are written to the household's residents (不落一人), what was asked
    and a free note kept on the visit."""
    # locked: two meetings of the same household at once count it once, and a move to
    # another grid waits (the grid's count of households reached is kept here)
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("grid__org")
        .get(pk=household.pk)
    )
    require(may_work(scope_for_actor(actor), household.grid.org))
    if not campaign.grids.filter(pk=household.grid_id).exists():
        raise ServiceError(f"“{household.address}”所在网格不在敲门行动“{campaign.purpose}”之内")
    today = timezone.localdate(actor.now)
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise ServiceError(
            f"敲门行动“{campaign.purpose}”的时间为{campaign.starts_on:%Y-%m-%d}至"
            f"{campaign.ends_on:%Y-%m-%d}，{today:%Y-%m-%d}不能登记走访",
            code="conflict",
        )
    if outcome not in Outcome.values:
        raise ServiceError("请选择走访结果：已入户登记或无人在家")
    if outcome == Outcome.ABSENT and (leaving or arriving):
        raise ServiceError("无人在家时不能登记人员变动")
    asked = clean_text(asked, label="询问事项", limit=ASKED_MAX, required=False)
    note = clean_text(note, label="备注", limit=NOTE_MAX, required=False)
    for r in leaving:
        if r.household_id != household.pk:
            raise ServiceError(f"{r.name}不是“{household.address}”的居民")
    arrivals = [_arrival(a) for a in arriving]
    first_met = (
        outcome == Outcome.MET
        and not Visit.objects.filter(
            household=household, campaign=campaign, outcome=Outcome.MET
        ).exists()
    )
    visit = Visit.objects.create(
        county_id=household.county_id,
        campaign=campaign,
        household=household,
        worker=actor.user,
        visited_at=actor.now,
        outcome=outcome,
        asked=asked,
        note=note,
        left=[r.name for r in leaving],
        arrived=[a.name for a in arrivals],
    )
    if first_met:
        Reach.objects.filter(campaign=campaign, grid_id=household.grid_id).update(
            reached=F("reached") + 1
        )
    for r in leaving:
        resident_leave(actor=actor, resident=r, reason="敲门行动走访登记：已不在此居住")
    for a in arrivals:
        resident_add(
            actor=actor, household=household, name=a.name, relation=a.relation, phone=a.phone
        )
    visit.living = household.residents.count()
    visit.save(update_fields=["living"])
    changes = "".join(
        [
            f"，迁出{len(leaving)}人" if leaving else "",
            f"，新登记{len(arrivals)}人" if arrivals else "",
        ]
    )
    audit_record(
        actor=actor,
        action="grid.visit.record",
        object_type="visit",
        object_id=visit.pk,
        county_id=visit.county_id,
        summary=f"{household.address} {OUTCOME_WORDS[outcome]}{changes}",
        after={
            "campaign_id": campaign.pk,
            "household_id": household.pk,
            "outcome": outcome,
            "living": visit.living,
            "left": visit.left,
            "arrived": visit.arrived,
        },
    )
    return visit


@transaction.atomic
def reach_recount(*, actor: Actor, campaign: Campaign) -> int:
    """The campaign's households reached per grid set again from its visits (after visits
    were loaded set-based, or when `zhengxing verify-grid` finds a count that drifted): how
    many grids' counts changed, each named in one audit row. The campaign's organisation's
    managers only."""
    require(scope_for_actor(actor).can_manage_tree(campaign.org))
    counted = reach_counted(campaign)
    kept = list(Reach.objects.select_for_update().filter(campaign=campaign).order_by("grid_id"))
    changed = [r for r in kept if r.reached != counted.get(r.grid_id, 0)]
    if not changed:
        return 0
    before = {str(r.grid_id): r.reached for r in changed}
    for r in changed:
        r.reached = counted.get(r.grid_id, 0)
    Reach.objects.bulk_update(changed, ["reached"], batch_size=500)
    audit_record(
        actor=actor,
        action="grid.reach.recount",
        object_type="campaign",
        object_id=campaign.pk,
        county_id=campaign.county_id,
        summary=f"{campaign.purpose}：按走访记录重算{len(changed)}个网格的已走访户数",
        before={"reached": before},
        after={"reached": {str(r.grid_id): r.reached for r in changed}},
    )
    return len(changed)
