"""The demo county's five-person group (示范旗): the demo secretary's village (乌兰村) has its
第一村民小组 with its head and four elected villagers, and two matters through three rounds
each: one approved by the branch and then the township, one approved by the branch and
returned by the township with its reasons, back in deliberation — so that the secretary's, the
township's and the villagers' pages show every step; a villager's objection to the first
matter's third round, answered by the secretary before the branch approves (each level approves
once the step before it has been open to objection for its window). Built through the real
services; the same seed gives the same group.

临河区: "通过 三轮议事、两级审定、全程公开 的运行程序，对组内重大事项进行民主协商议定"。
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Org, RoleAssignment
from zhengxing.orgs.people import person_name, phone_number
from zhengxing.orgs.rules import Role

from . import services
from .models import GroupMember, Matter
from .rules import Level, MatterKind, Seat, Vote
from .services._common import objection_days

MATTERS = (
    (
        MatterKind.LAND,
        "第一村民小组机动地发包方案",
        "组里30亩机动地承包到期，商议重新发包的办法、底价和承包期限。",
        True,
    ),
    (
        MatterKind.PROJECT,
        "修建组内田间生产路",
        "从组东头到灌溉渠修一条1.2公里的田间生产路，商议筹资和用工办法。",
        False,
    ),
)
MINUTES = ("听取情况，征集意见", "修改方案，逐条讨论", "形成决议，表决通过")
RETURN_REASON = "筹资方案未征求全组农户意见，请补充议事后再报"
OBJECTION = ("发包底价是否比周边组低了？请说明定价依据。", "本组农户")
ANSWER = "底价参照镇农经站公布的周边三个村民小组近两年发包均价确定，测算表已张贴在组公示栏。"


@dataclass(frozen=True)
class DemoDeliberationResult:
    groups: int
    matters: int


def _as(user_of: RoleAssignment | None, now: dt.datetime) -> Actor:
    if user_of is None:
        return Actor(user=None, label="demo", now=now)
    return Actor(user=user_of.user, label=user_of.user.get_username(), now=now)


def _objection_answered(matter: Matter, secretary: RoleAssignment, at: dt.datetime) -> None:
    """A villager objects to the third round the day after it, the secretary answers the day
    after that."""
    text, name = OBJECTION
    notice = matter.notices.order_by("-posted_at", "-pk").first()
    assert notice is not None
    objection = services.objection_submit(
        actor=Actor(user=None, label="anonymous", now=at + dt.timedelta(days=1), anonymous=True),
        matter=matter,
        notice=notice,
        text=text,
        contact_name=name,
        contact="13800000000",
        idempotency_key=f"demo-{matter.pk}-objection",
    )
    services.objection_answer(
        actor=_as(secretary, at + dt.timedelta(days=2)), objection=objection, answer=ANSWER
    )


def demo_deliberation(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoDeliberationResult:
    rng = random.Random(seed + 23)
    now = timezone.now()
    secretary = (
        RoleAssignment.objects.filter(
            county=county, role=Role.SECRETARY, user__username="secretary"
        )
        .select_related("user", "org")
        .first()
    )
    if secretary is None:
        return DemoDeliberationResult(groups=0, matters=0)
    branch: Org = secretary.org
    township = (
        RoleAssignment.objects.filter(county=county, role=Role.TOWNSHIP)
        .select_related("user", "org")
        .order_by("org__path")
    )
    town = next((t for t in township if branch.path.startswith(t.org.path)), None)
    if progress:
        progress("五人小组")
    window = dt.timedelta(days=objection_days() + 1)  # a level approves once a step's closed
    start = now - dt.timedelta(days=40) - 2 * window
    group = services.group_create(actor=_as(None, start), branch=branch, name="第一村民小组")
    people: list[GroupMember] = []
    for i in range(5):
        gender = "M" if rng.random() < 0.6 else "F"
        people.append(
            services.group_member_add(
                actor=_as(secretary, start),
                group=group,
                seat=Seat.HEAD if i == 0 else Seat.ELECTED,
                name=person_name(rng, gender, "汉族"),
                phone=phone_number(rng),
                note="有威望、有文化、有能力、有觉悟",
                elected_on=(start - dt.timedelta(days=200)).date(),
                votes=rng.randint(30, 44),
                voters=45,
                term_from=(start - dt.timedelta(days=190)).date(),
                term_until=(start + dt.timedelta(days=900)).date(),
            )
        )
    for n, (kind, title, text, approved) in enumerate(MATTERS):
        at = start + dt.timedelta(days=n * 3)
        matter = services.matter_propose(
            actor=_as(secretary, at),
            group=group,
            kind=kind,
            title=title,
            description=text,
            proposer=people[1 + n].name,
        )
        for r in range(3):
            at += dt.timedelta(days=7)
            votes = {p.pk: Vote.FOR for p in people}
            if r == 0:
                votes[people[4].pk] = Vote.AGAINST
                votes.pop(people[3].pk)  # absent from the first round
            services.round_record(
                actor=_as(secretary, at),
                matter=matter,
                held_on=timezone.localdate(at),
                minutes=f"第{r + 1}轮议事：{MINUTES[r]}。",
                votes=votes,
            )
        if n == 0:
            _objection_answered(matter, secretary, at)
        at += window
        services.matter_decide(
            actor=_as(secretary, at), matter=matter, level=Level.VILLAGE, approve=True
        )
        at += window
        services.matter_decide(
            actor=_as(town, at),
            matter=matter,
            level=Level.TOWNSHIP,
            approve=approved,
            reason="" if approved else RETURN_REASON,
        )
    return DemoDeliberationResult(groups=1, matters=Matter.objects.filter(group=group).count())
