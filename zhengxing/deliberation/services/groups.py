"""A village group and its five-person group: set up under the village's branch, its head and
the villagers it elects recorded with their election and term.

临河区: "在村党组织的领导下，由村民小组紧密结合组情民意，按照一定的条件和推选方式，把有威望、
有文化、有能力、有觉悟的村民推选出来，与村民小组长、小组长组成 五人小组"。
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from zhengxing.core import pii
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text
from zhengxing.orgs.models import Org
from zhengxing.orgs.roster import phone_ok
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, OrgKind
from zhengxing.orgs.selectors import scope_for_actor

from ..models import GroupMember, VillageGroup
from ..rules import GROUP_SIZE, SEAT_WORDS, Seat
from ..selectors import may_set_up
from ._common import person_name, record, today_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _village_branch(branch: Org) -> None:
    """A village group is led by its village's Party branch: a branch under a village."""
    if (
        branch.kind not in MEMBER_HOLDING_KINDS
        or not Org.objects.filter(
            county_id=branch.county_id, kind=OrgKind.VILLAGE, path__in=_ancestor_paths(branch.path)
        ).exists()
    ):
        raise ServiceError("村民小组应设在村（嘎查、社区）党组织之下")


def _ancestor_paths(path: str) -> list[str]:
    from zhengxing.orgs.models import PATH_SEGMENT

    return [path[:end] for end in range(PATH_SEGMENT, len(path), PATH_SEGMENT)]


@transaction.atomic
def group_create(*, actor: Actor, branch: Org, name: str) -> VillageGroup:
    """A villagers' group (村民小组) of the village, led by the branch."""
    require(may_set_up(scope_for_actor(actor), branch))
    _village_branch(branch)
    name = clean_text(name, label="村民小组名称", limit=100)
    try:
        with transaction.atomic():
            group = VillageGroup.objects.create(
                county_id=branch.county_id, branch=branch, name=name, created_at=actor.now
            )
    except IntegrityError:
        raise ServiceError(f"“{name}”已存在", code="duplicate") from None
    record(actor, "village_group.create", group, f"{branch.name}{name}", branch_id=branch.pk)
    return group


@transaction.atomic
def group_member_add(
    *,
    actor: Actor,
    group: VillageGroup,
    seat: str,
    name: str,
    elected_on: dt.date,
    votes: int,
    voters: int,
    term_from: dt.date,
    term_until: dt.date,
    phone: str = "",
    note: str = "",
    user: User | None = None,
) -> GroupMember:
    """The group head or an elected villager, with the election (date, votes of voters) and
    the term. At most five whose terms overlap, one of them the head: under the group's row
    lock, so two clerks adding at once add one."""
    group = VillageGroup.objects.select_for_update().select_related("branch").get(pk=group.pk)
    require(may_set_up(scope_for_actor(actor), group.branch))
    if seat not in Seat.values:
        raise ServiceError("请选择小组长或推选成员")
    name = person_name(name)
    number = (phone or "").replace(" ", "").strip()
    if number and not phone_ok(number):
        raise ServiceError(f"联系电话“{number}”格式不正确")
    note = clean_text(note, label="推选理由", limit=200, required=False)
    if voters < 1 or votes < 0:
        raise ServiceError("请填写参加推选的人数和得票数")
    if votes > voters:
        raise ServiceError(f"得票数（{votes}）不能多于参加推选的人数（{voters}）")
    if votes * 2 <= voters:
        raise ServiceError(f"得票{votes}张，未超过参加推选的{voters}人的半数，不能当选")
    if elected_on > today_of(actor):
        raise ServiceError("推选日期不能晚于今天")
    if term_until <= term_from:
        raise ServiceError("任期结束日期应晚于开始日期")
    if term_from < elected_on:
        raise ServiceError("任期应从推选之日或之后开始")
    overlapping = group.people.filter(term_from__lte=term_until, term_until__gte=term_from)
    if seat == Seat.HEAD and overlapping.filter(seat=Seat.HEAD).exists():
        raise ServiceError("该任期内已有村民小组长")
    if overlapping.count() >= GROUP_SIZE:
        raise ServiceError(f"该任期内五人小组已有{GROUP_SIZE}名成员")
    person = GroupMember.objects.create(
        county_id=group.county_id,
        group=group,
        seat=seat,
        name=name,
        phone_enc=pii.encrypt(number),
        note=note,
        elected_on=elected_on,
        votes=votes,
        voters=voters,
        term_from=term_from,
        term_until=term_until,
        user=user,
    )
    record(
        actor,
        "group_member.add",
        person,
        f"{group.name}{SEAT_WORDS[seat]}{name}（得票{votes}/{voters}）",
        group_id=group.pk,
        seat=seat,
        votes=votes,
        voters=voters,
        term_from=term_from.isoformat(),
        term_until=term_until.isoformat(),
    )
    return person
