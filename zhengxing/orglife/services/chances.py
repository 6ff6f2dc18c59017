"""The board of chances to serve, written (004 Sanmenxia: "发布群众需求信息、组建党员服务小分队、
设立公益岗位、组织义务劳动"): the branch committee posts a chance, members sign up on their phones,
and when it is done the organiser records everyone who came in one form; the points follow at
once through the ledger's `points_from_activity` with the item the chance names (none: no
points, which the page says)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.ledger.models import RuleItem
from zhengxing.ledger.rules import Part
from zhengxing.ledger.selectors import catalogue_applying
from zhengxing.ledger.services import points_from_activity
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus
from zhengxing.orgs.selectors import scope_for_actor

from ..models import Chance, ChanceKind, ChanceSignup

ORIGIN = "service"


@transaction.atomic
def chance_post(
    *,
    actor: Actor,
    branch: Org,
    kind: str,
    title: str,
    happens_on: dt.date,
    description: str = "",
    place: str = "",
    slots: int | None = None,
    item: RuleItem | None = None,
) -> Chance:
    """Post a chance to serve on the branch's board. `item`: the bonus item of the catalogue
    applying to the branch that the service earns; None when none fits (no points)."""
    require(scope_for_actor(actor).can_manage_org(branch))
    if branch.kind not in MEMBER_HOLDING_KINDS:
        raise ServiceError(f"“{branch.name}”不是党支部")
    if kind not in ChanceKind.values:
        raise ServiceError("请选择群众需求、党员服务小分队、公益岗位或义务劳动")
    title = clean_text(title, label="标题", limit=100)
    description = clean_text(description, label="说明", limit=1000, required=False)
    place = clean_text(place, label="地点", limit=100, required=False)
    if happens_on < timezone.localdate(actor.now):
        raise ServiceError("日期不能早于今天")
    if slots is not None and not 1 <= slots <= 1000:
        raise ServiceError("名额须在1到1000之间")
    if item is not None:
        applying = catalogue_applying(branch=branch, year=happens_on.year)
        if applying is None or item.catalogue_id != applying.pk or item.part != Part.BONUS:
            raise ServiceError(f"“{item.name}”不是本支部{happens_on.year}年积分规则中的加分项目")
    chance = Chance.objects.create(
        county_id=branch.county_id,
        branch=branch,
        kind=kind,
        title=title,
        description=description,
        place=place,
        happens_on=happens_on,
        slots=slots,
        item=item,
        posted_at=actor.now,
        posted_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="orglife.chance.post",
        object_type="chance",
        object_id=chance.pk,
        county_id=chance.county_id,
        summary=f"{branch.name}发布{ChanceKind(kind).label}：{title}（{happens_on}）",
        after={"kind": kind, "title": title, "happens_on": happens_on.isoformat(), "slots": slots,
               "item": item.code if item else None},
    )  # fmt: skip
    return chance


@transaction.atomic
def chance_sign_up(*, actor: Actor, chance: Chance, member: Member) -> ChanceSignup:
    """A member of the branch signs up, until the day; refused when the places are taken (two
    taking the last place at once: the chance's row lock decides) or it was already recorded."""
    require(member.pk == scope_for_actor(actor).member_id)
    locked = Chance.objects.select_for_update().get(pk=chance.pk)
    if member.branch_id != locked.branch_id or member.status in (
        MemberStatus.TRANSFERRED_OUT,
        MemberStatus.DECEASED,
    ):
        raise ServiceError("只有本支部党员可以报名")
    if locked.recorded_at is not None or locked.happens_on < timezone.localdate(actor.now):
        raise ServiceError(f"“{locked.title}”已结束，不能再报名")
    if ChanceSignup.objects.filter(chance=locked, member=member).exists():
        raise ServiceError("你已报名", code="duplicate")
    if locked.slots is not None and locked.signups.count() >= locked.slots:
        raise ServiceError(f"“{locked.title}”的{locked.slots}个名额已满", code="conflict")
    try:
        with transaction.atomic():
            signup = ChanceSignup.objects.create(
                chance=locked, member=member, county_id=locked.county_id, signed_up_at=actor.now
            )
    except IntegrityError:
        raise ServiceError("你已报名", code="duplicate") from None
    audit_record(
        actor=actor,
        action="orglife.chance.sign_up",
        object_type="chance",
        object_id=locked.pk,
        county_id=locked.county_id,
        summary=f"{member.name}报名“{locked.title}”",
    )
    return signup


@transaction.atomic
def chance_record(*, actor: Actor, chance: Chance, came: Sequence[Member]) -> Chance:
    """The organiser records, in one form, everyone who came (signed up or not); the others who
    signed up are marked absent. Once, on or after the day. The points of the chance's item go
    to each who came, approved at once (`points_from_activity`: refused whole in Chinese)."""
    require(scope_for_actor(actor).can_manage_org(chance.branch))
    locked = (
        Chance.objects.select_for_update(of=("self",))
        .select_related("branch", "item")
        .get(pk=chance.pk)
    )
    if locked.recorded_at is not None:
        raise ServiceError("已登记过到场人员", code="conflict")
    if locked.happens_on > timezone.localdate(actor.now):
        raise ServiceError("活动还没有开始，不能登记到场人员")
    came = list(dict.fromkeys(came))
    if not came:
        raise ServiceError("请选择到场的党员")
    strangers = [m.name for m in came if m.branch_id != locked.branch_id]
    if strangers:
        raise ServiceError(f"“{'、'.join(strangers)}”不是本支部党员")
    if locked.item is not None:
        points_from_activity(
            actor=actor,
            branch=locked.branch,
            item=locked.item,
            members=came,
            occurred_on=locked.happens_on,
            description=f"{ChanceKind(locked.kind).label}：{locked.title}",
            origin_kind=ORIGIN,
            origin_id=locked.pk,
        )
    ids = {m.pk for m in came}
    ChanceSignup.objects.filter(chance=locked).update(came=False)
    ChanceSignup.objects.filter(chance=locked, member_id__in=ids).update(came=True)
    known = set(ChanceSignup.objects.filter(chance=locked).values_list("member_id", flat=True))
    ChanceSignup.objects.bulk_create(
        ChanceSignup(
            chance=locked, member=m, county_id=locked.county_id, signed_up_at=actor.now, came=True
        )
        for m in came
        if m.pk not in known
    )
    locked.recorded_at = actor.now
    locked.save(update_fields=["recorded_at"])
    audit_record(
        actor=actor,
        action="orglife.chance.record",
        object_type="chance",
        object_id=locked.pk,
        county_id=locked.county_id,
        summary=f"“{locked.title}”到场{len(came)}人"
        + (f"，按“{locked.item.name}”计分" if locked.item else "，无对应积分项目"),
        after={"came": sorted(ids)},
    )
    return locked
