"""The five-person group's cast on top of the named cast (zhengxing/testing.py):

甲一村党支部 (A1B, carol secretary, cathy committee; bob the township 甲镇)
└── 村民小组 "第三村民小组" (Group)
    five-person group, term 2026-01-01 – 2028-12-31, elected 2025-12-20:
      张组长 (head; the login hank), 李有威, 王有文, 赵有能, 孙有觉 (elected)
    周外人: elected for the term before (2023-2025), no longer in the group
乙一村党支部 (B1B; dave the township 乙镇) has no group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from zhengxing.core.actor import Actor
from zhengxing.deliberation import services
from zhengxing.deliberation.models import GroupMember, Matter, VillageGroup
from zhengxing.testing import PASSWORD, SYSTEM, Cast

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)
DAY = dt.date(2026, 8, 1)


def as_(user: User | None, now: dt.datetime = NOW) -> Actor:
    """`user` acting at `now` (a server command when None)."""
    if user is None:
        return Actor(user=None, label="test", now=now)
    return Actor(user=user, label=user.username, now=now)


@dataclass
class Five:
    group: VillageGroup
    head: GroupMember
    elected: list[GroupMember]
    former: GroupMember
    hank: User
    matter: Matter

    @property
    def everyone(self) -> list[GroupMember]:
        return [self.head, *self.elected]


def add_person(group: VillageGroup, seat: str, name: str, **overrides: object) -> GroupMember:
    values: dict[str, object] = {
        "elected_on": dt.date(2025, 12, 20),
        "votes": 38,
        "voters": 45,
        "term_from": dt.date(2026, 1, 1),
        "term_until": dt.date(2028, 12, 31),
        "phone": "13900001111",
        "note": "有威望、有文化、有能力、有觉悟",
    }
    values.update(overrides)
    return services.group_member_add(
        actor=as_(None),
        group=group,
        seat=seat,
        name=name,
        **values,  # type: ignore[arg-type]
    )


@pytest.fixture
def five(cast: Cast) -> Five:
    group = services.group_create(actor=SYSTEM, branch=cast.branch_a1, name="第三村民小组")
    hank = User.objects.create_user(username="hank", password=PASSWORD)
    head = add_person(group, "head", "张组长", user=hank)
    elected = [add_person(group, "elected", n) for n in ("李有威", "王有文", "赵有能", "孙有觉")]
    former = add_person(
        group,
        "elected",
        "周外人",
        elected_on=dt.date(2022, 12, 20),
        term_from=dt.date(2023, 1, 1),
        term_until=dt.date(2025, 12, 31),
    )
    matter = services.matter_propose(
        actor=as_(cast.carol),
        group=group,
        kind="land",
        title="二组机动地承包方案",
        description="组里30亩机动地到期，重新发包的办法和价格",
        proposer="李有威",
    )
    return Five(group=group, head=head, elected=elected, former=former, hank=hank, matter=matter)


def all_for(five: Five) -> dict[int, str]:
    return {p.pk: "for" for p in five.everyone}


def three_rounds(five: Five, user: User, matter: Matter | None = None) -> None:
    for n in range(3):
        services.round_record(
            actor=as_(user),
            matter=matter or five.matter,
            held_on=DAY + dt.timedelta(days=7 * n),
            minutes=f"第{n + 1}轮：讨论承包价格",
            votes=all_for(five),
        )


def fresh_matter(five: Five, user: User) -> Matter:
    """A matter put forward now (the wall clock): its notice's window is open today."""
    from django.utils import timezone

    return services.matter_propose(
        actor=as_(user, timezone.now()),
        group=five.group,
        kind="project",
        title="修建田间生产路",
        description="从组东头到灌溉渠修一条生产路",
        proposer="王有文",
    )


def after_window(matter: Matter) -> dt.datetime:
    """A moment once the matter's latest posted step is no longer open to objection: when a
    level may approve it ("全程公开", `rules.approval_hold`)."""
    latest = matter.notices.order_by("-posted_at", "-pk").first()
    assert latest is not None
    day = latest.objections_until + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)


def windows_closed(matter: Matter) -> None:
    """The windows of the matter's posted steps have all closed (for pages and the API, which
    act at the wall clock)."""
    from zhengxing.deliberation.models import Notice

    Notice.objects.filter(matter=matter).update(objections_until=dt.date(2000, 1, 1))


def approve(user: User, matter: Matter, level: str) -> None:
    """`user` approves the matter at `level` once its latest step's window has closed."""
    services.matter_decide(
        actor=as_(user, after_window(matter)), matter=matter, level=level, approve=True
    )
