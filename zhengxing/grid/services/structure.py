"""The grid's structure: service posts, grids, their people, households, residents, units.

兴安盟: "在网格构建上，我们形成 中心、站、点 三级联动机制"; "充分发挥 两员三长 熟悉村情、
民情等优势，做好入户登记……确保全覆盖、无死角、不漏一户、不落一人"。
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F

from zhengxing.audit.services import audit_record
from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.roster import phone_ok
from zhengxing.orgs.rules import name_problem
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Grid, GridPerson, GridUnit, Household, Reach, Resident, ServicePost, Visit
from ..rules import DUTY_WORDS, TIER_PARENT, TIER_WORDS, Duty, Outcome, Relation, Tier, UnitKind
from ..selectors import may_work

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def person_name(value: str, label: str = "姓名") -> str:
    value = clean_text(value, label=label, limit=50)
    if (problem := name_problem(value, label)) is not None:
        raise ServiceError(problem)
    return value


def phone_value(value: str, *, required: bool = False) -> str:
    """A phone as typed, spaces removed; refused when it is no number."""
    value = (value or "").replace(" ", "").strip()
    if not value:
        if required:
            raise ServiceError("请填写联系电话")
        return ""
    if not phone_ok(value):
        raise ServiceError(f"联系电话“{value}”格式不正确")
    return value


def address_key(address: str) -> str:
    """The address as the uniqueness sees it: no spaces, no punctuation, half-width digits."""
    import unicodedata

    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", address)).upper()


def _record(actor: Actor, action: str, obj: Any, summary: str, **after: Any) -> None:
    """The audit row of a new row: `action` is "<object type>.<verb>" (grid.household.add)."""
    audit_record(
        actor=actor,
        action=f"grid.{action}",
        object_type=action.split(".")[0],
        object_id=obj.pk,
        county_id=obj.county_id,
        summary=summary,
        after=after or None,
    )


@transaction.atomic
def post_create(
    *,
    actor: Actor,
    org: Org,
    tier: str,
    name: str,
    parent: ServicePost | None = None,
    phone: str = "",
) -> ServicePost:
    """A centre, station or point (中心、站、点), one tier under its parent's."""
    require(scope_for_actor(actor).can_manage_tree(org))
    if tier not in Tier.values:
        raise ServiceError(f"未知的服务阵地层级“{tier}”")
    name = clean_text(name, label="名称", limit=100)
    wanted = TIER_PARENT[tier]
    if wanted is None and parent is not None:
        raise ServiceError("党群服务中心是最高一级，不设上级")
    if wanted is not None and (parent is None or parent.tier != wanted):
        raise ServiceError(f"{TIER_WORDS[tier]}应设在{TIER_WORDS[wanted]}之下")
    if parent is not None and (
        parent.county_id != org.county_id or not org.path.startswith(parent.org.path)
    ):
        raise ServiceError("服务阵地应在上一级阵地所服务的组织之内")
    if ServicePost.objects.filter(county_id=org.county_id, name=name).exists():
        raise ServiceError(f"“{name}”已存在", code="duplicate")
    post = ServicePost.objects.create(
        county_id=org.county_id,
        org=org,
        tier=tier,
        parent=parent,
        name=name,
        phone=phone_value(phone),
    )
    _record(actor, "service_post.create", post, name, tier=tier, org_id=org.pk)
    return post


@transaction.atomic
def grid_create(*, actor: Actor, post: ServicePost, org: Org, code: str, name: str) -> Grid:
    """A grid under a station or point, held by the tree node `org` (whose roles see it)."""
    require(scope_for_actor(actor).can_manage_tree(org))
    code = clean_text(code, label="网格编号", limit=32)
    name = clean_text(name, label="网格名称", limit=100)
    if post.tier == Tier.CENTRE:
        raise ServiceError("网格应设在党群服务站或服务点之下")
    if post.county_id != org.county_id or not org.path.startswith(post.org.path):
        raise ServiceError("网格应在其服务站（点）所服务的组织之内")
    try:
        with transaction.atomic():
            grid = Grid.objects.create(
                county_id=org.county_id, org=org, post=post, code=code, name=name
            )
    except IntegrityError:
        raise ServiceError(f"网格编号“{code}”已存在", code="duplicate") from None
    _record(actor, "grid.create", grid, name, code=code, post_id=post.pk, org_id=org.pk)
    return grid


@transaction.atomic
def grid_person_add(
    *, actor: Actor, grid: Grid, duty: str, name: str, phone: str, user: User | None = None
) -> GridPerson:
    """One of 两员三长: the grid head (one per grid), a grid worker, a unit head."""
    require(scope_for_actor(actor).can_manage_tree(grid.org))
    if duty not in Duty.values:
        raise ServiceError(f"未知的网格职责“{duty}”")
    name = person_name(name)
    number = phone_value(phone, required=True)
    try:
        with transaction.atomic():
            person = GridPerson.objects.create(
                county_id=grid.county_id,
                grid=grid,
                duty=duty,
                name=name,
                phone_enc=pii.encrypt(number),
                user=user,
            )
    except IntegrityError:
        raise ServiceError(f"“{grid.name}”已有网格长", code="duplicate") from None
    _record(actor, "grid_person.add", person, f"{grid.name}{DUTY_WORDS[duty]}{name}", duty=duty)
    return person


@transaction.atomic
def household_add(*, actor: Actor, grid: Grid, address: str) -> Household:
    """A household in the grid. "每户只在一个网格": the same address in the county is refused,
    whichever grid holds it (a database constraint settles two workers adding it at once)."""
    require(may_work(scope_for_actor(actor), grid.org))
    address = clean_text(address, label="住址", limit=200)
    key = address_key(address)
    if not key:
        raise ServiceError("请填写住址")
    existing = (
        Household.objects.filter(county_id=grid.county_id, address_key=key)
        .select_related("grid")
        .first()
    )
    if existing is not None:
        raise ServiceError(
            f"“{address}”已登记在网格“{existing.grid.name}”，一户只能在一个网格", code="duplicate"
        )
    try:
        with transaction.atomic():
            household = Household.objects.create(
                county_id=grid.county_id,
                grid=grid,
                address=address,
                address_key=key,
                created_at=actor.now,
            )
    except IntegrityError:
        raise ServiceError(
            f"“{address}”已登记在另一个网格，一户只能在一个网格", code="duplicate"
        ) from None
    _record(actor, "household.add", household, address, grid_id=grid.pk)
    return household


@transaction.atomic
def household_move(*, actor: Actor, household: Household, grid: Grid) -> Household:
    """The household goes to another grid (boundaries redrawn): it leaves the first."""
    household = (
        Household.objects.select_for_update().select_related("grid__org").get(pk=household.pk)
    )
    scope = scope_for_actor(actor)
    require(scope.can_manage_tree(household.grid.org) and scope.can_manage_tree(grid.org))
    if grid.county_id != household.county_id:
        raise ServiceError("不能移到其他旗县区的网格")
    before = household.grid_id
    household.grid = grid
    household.save(update_fields=["grid"])
    household.needs.filter(grid_id=before).update(grid=grid)
    if before != grid.pk:
        # the campaigns that reached it count it in its new grid now (when it is theirs)
        met = Visit.objects.filter(household=household, outcome=Outcome.MET).values("campaign")
        Reach.objects.filter(campaign__in=met, grid_id=before).update(reached=F("reached") - 1)
        Reach.objects.filter(campaign__in=met, grid_id=grid.pk).update(reached=F("reached") + 1)
    audit_record(
        actor=actor,
        action="grid.household.move",
        object_type="household",
        object_id=household.pk,
        county_id=household.county_id,
        summary=household.address,
        before={"grid_id": before},
        after={"grid_id": grid.pk},
    )
    return household


@transaction.atomic
def resident_add(
    *,
    actor: Actor,
    household: Household,
    name: str,
    relation: str,
    phone: str = "",
    member: Member | None = None,
) -> Resident:
    """Someone living in the household; a Party member among them is linked to their roster
    record (党员中心户), and to one household only."""
    scope = scope_for_actor(actor)
    require(may_work(scope, household.grid.org))
    name = person_name(name)
    if relation not in Relation.values:
        raise ServiceError(f"未知的与户主关系“{relation}”")
    number = phone_value(phone)
    if member is not None:
        if member.county_id != household.county_id or not scope.can_see_member(member):
            raise ServiceError("只能关联本旗县区、您可见的党员")
        taken = Resident.objects.filter(member=member).select_related("household").first()
        if taken is not None:
            raise ServiceError(
                f"党员{member.name}已登记在“{taken.household.address}”", code="duplicate"
            )
    try:
        with transaction.atomic():
            resident = Resident.objects.create(
                county_id=household.county_id,
                household=household,
                name=name,
                relation=relation,
                phone_enc=pii.encrypt(number),
                member=member,
            )
    except IntegrityError:
        raise ServiceError("该党员已登记在另一户", code="duplicate") from None
    _record(
        actor,
        "resident.add",
        resident,
        f"{household.address} {name}",
        relation=relation,
        member_id=member.pk if member else None,
    )
    return resident


@transaction.atomic
def unit_add(*, actor: Actor, grid: Grid, name: str, kind: str, contact_name: str = "") -> GridUnit:
    """An enterprise, shop or organisation in the grid."""
    require(may_work(scope_for_actor(actor), grid.org))
    name = clean_text(name, label="单位名称", limit=100)
    if kind not in UnitKind.values:
        raise ServiceError(f"未知的单位类型“{kind}”")
    contact = person_name(contact_name, "联系人") if contact_name.strip() else ""
    unit = GridUnit.objects.create(
        county_id=grid.county_id, grid=grid, name=name, kind=kind, contact_name=contact
    )
    _record(actor, "grid_unit.add", unit, name, kind=kind, grid_id=grid.pk)
    return unit


@transaction.atomic
def cards_print(*, actor: Actor, grid: Grid) -> list[GridPerson]:
    """The grid's people with their phones, for its households' contact cards (联系卡: "含有
    网格长、网格员信息和联系方式"); each printing is logged, as a member's revealed phone is."""
    require(may_work(scope_for_actor(actor), grid.org))
    people = list(grid.people.exclude(duty=Duty.UNIT_HEAD).order_by("duty", "pk"))
    audit_record(
        actor=actor,
        action="grid.grid.print_cards",
        object_type="grid",
        object_id=grid.pk,
        county_id=grid.county_id,
        summary=f"{grid.name}联系卡",
    )
    return people


@transaction.atomic
def resident_leave(*, actor: Actor, resident: Resident, reason: str = "") -> None:
    """Someone no longer living in the household (moved away, passed away): their row goes,
    what it held kept in the audit row ("不落一人": the register says who lives there now)."""
    resident = Resident.objects.select_related("household__grid__org").get(pk=resident.pk)
    require(may_work(scope_for_actor(actor), resident.household.grid.org))
    reason = clean_text(reason, label="离开原因", limit=100, required=False)
    audit_record(
        actor=actor,
        action="grid.resident.leave",
        object_type="resident",
        object_id=resident.pk,
        county_id=resident.county_id,
        summary=f"{resident.household.address} {resident.name}",
        before={
            "household_id": resident.household_id,
            "name": resident.name,
            "relation": resident.relation,
            "member_id": resident.member_id,
        },
        after={"reason": reason} if reason else None,
    )
    resident.delete()
