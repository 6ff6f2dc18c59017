"""The five-person group of a village group: its head and elected villagers, with their election
and term; phones encrypted and masked as members' are.

临河区: "把有威望、有文化、有能力、有觉悟的村民推选出来，与村民小组长、小组长组成 五人小组"。
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.deliberation import services
from zhengxing.deliberation.models import GroupMember, VillageGroup
from zhengxing.testing import SYSTEM, Cast

from .conftest import Five, add_person, as_


def test_the_group_is_five_with_their_election_and_term(five: Five) -> None:
    """ "与村民小组长、小组长组成 五人小组": the head and four elected, each with the day, the
    votes of the voters and the term; the phone kept encrypted, shown masked."""
    person = GroupMember.objects.get(pk=five.head.pk)
    assert (person.votes, person.voters) == (38, 45)
    assert person.term_until == dt.date(2028, 12, 31)
    assert "13900001111" not in person.phone_enc and person.phone_masked == "139******11"
    with pytest.raises(ServiceError, match="已有5名成员"):
        add_person(five.group, "elected", "钱第六")
    with pytest.raises(ServiceError, match="已有村民小组长"):
        add_person(
            five.group,
            "head",
            "钱组长",
            term_from=dt.date(2028, 6, 1),
            term_until=dt.date(2031, 5, 31),
        )
    assert GroupMember.objects.filter(group=five.group).count() == 6  # with the former one
    assert AuditEvent.objects.filter(action="deliberation.group_member.add").count() == 6


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"votes": 50, "voters": 45}, "不能多于参加推选的人数"),
        ({"votes": 20, "voters": 45}, "未超过参加推选的45人的半数"),
        ({"term_until": dt.date(2025, 1, 1)}, "任期结束日期应晚于开始日期"),
        ({"phone": "12345"}, "格式不正确"),
        ({"elected_on": dt.date(2099, 1, 1)}, "推选日期不能晚于今天"),
    ],
)
def test_a_bad_election_is_refused_in_chinese_and_nothing_written(
    cast: Cast, overrides: dict[str, object], message: str
) -> None:
    group = services.group_create(actor=SYSTEM, branch=cast.branch_a1, name="一组")
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match=message):
        add_person(group, "elected", "李有威", **overrides)
    assert not GroupMember.objects.exists() and AuditEvent.objects.count() == before


def test_a_group_sits_under_a_village_branch_set_up_by_those_over_it(cast: Cast) -> None:
    """ "在村党组织的领导下": the village's branch (its secretary, the township) sets the group
    up; another township may not, nor a township's own node take a village group."""
    group = services.group_create(actor=as_(cast.carol), branch=cast.branch_a1, name="一组")
    assert group.county_id == cast.county.pk and len(group.public_ref) >= 16
    with pytest.raises(PermissionDenied):
        services.group_create(actor=as_(cast.dave), branch=cast.branch_a1, name="二组")
    with pytest.raises(ServiceError, match="村（嘎查、社区）党组织之下"):
        services.group_create(actor=as_(cast.bob), branch=cast.town_a, name="三组")
    with pytest.raises(ServiceError, match="已存在"):
        services.group_create(actor=as_(cast.bob), branch=cast.branch_a1, name="一组")
    assert VillageGroup.objects.count() == 1
