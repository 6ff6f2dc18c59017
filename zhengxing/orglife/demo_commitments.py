"""The demo county's 三亮 commitments (`zhengxing demo`): in February 2026 about a third of each
branch's members promise something in one of the article's fields (handed in on paper and typed
in by the committee, the demo member on their phone); the branch approves most and returns a few
with a reason; progress is reported over the year and the first half-year is reviewed in July.
团结村, the branch that runs Gaotai's "341" (`stars/demo_year.py`), has every member promise and
reviewed ("亮承诺" is every member's), since its half-year's red stars weigh the review; it runs
before the stars' demo year.
Built only through the services; deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.models import User

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role
from zhengxing.stars.demo_year import GAOTAI_BRANCH

from . import services
from .models import Commitment

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PROMISES = {
    "study": ("今年读完《习近平谈治国理政》第四卷，每月写一篇心得", "支部查看学习笔记"),
    "industry": ("带动本组5户群众种植高效经济作物", "年底由带动户签字确认"),
    "mediation": ("今年调解邻里纠纷至少3起，做到小事不出组", "村调委会调解记录"),
    "poverty": ("结对帮扶2户困难家庭，每季度至少上门一次", "帮扶手册和走访记录"),
    "civility": ("带头移风易俗，家中红白事简办，劝导邻里不搞攀比", "村红白理事会见证"),
    "environment": ("负责门前三包，每月参加一次村内环境整治", "网格员每月检查"),
}
PROGRESS = ("已按计划完成本月事项", "上门走访并帮助解决实际困难", "参加村内集中整治一次")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def demo_commitments(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> int:
    """The demo county's commitments of 2026 (call once); how many were made."""
    rng = random.Random(seed)
    secretaries = {
        a.org_id: a.user
        for a in RoleAssignment.objects.filter(county=county, role=Role.SECRETARY).select_related(
            "user"
        )
    }

    def actor(user: User | None, day: dt.date) -> Actor:
        if user is None:
            return Actor(user=None, label="示范数据", now=_at(day))
        return Actor(user=user, label=user.get_username(), now=_at(day))

    branches = Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
    for branch in branches:
        secretary = secretaries.get(branch.pk)
        everyone = branch.code == GAOTAI_BRANCH
        members = (
            Member.objects.filter(branch=branch)
            .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            .select_related("user", "branch")
            .order_by("pk")
        )
        for member in members:
            if member.user is None and rng.random() > 0.33 and not everyone:
                continue
            field = rng.choice(sorted(PROMISES))
            promise, measure = PROMISES[field]
            day = dt.date(2026, 2, rng.randint(1, 20))
            c = services.commitment_propose(
                actor=actor(member.user or secretary, day),
                member=member,
                field=field,
                promise=promise,
                measure=measure,
            )
            decided = day + dt.timedelta(days=rng.randint(3, 10))
            if rng.random() < 0.1 and not everyone:
                services.commitment_decide(
                    actor=actor(secretary, decided),
                    commitment=c,
                    approve=False,
                    reason="请写明具体数量和完成时间",
                )
                continue
            services.commitment_decide(actor=actor(secretary, decided), commitment=c, approve=True)
            for month in sorted(rng.sample(range(3, 11), rng.randint(1, 3))):
                services.commitment_progress_report(
                    actor=actor(member.user or secretary, dt.date(2026, month, 15)),
                    commitment=c,
                    text=rng.choice(PROGRESS),
                )
            services.commitment_review(
                actor=actor(secretary, dt.date(2026, 7, 10)),
                commitment=c,
                half=1,
                score=rng.choice((95, 90, 85, 80, 70, 60)),
                comment=rng.choice(("按期履诺，群众认可", "履诺较好", "进度偏慢，下半年加油")),
            )
        if progress is not None:
            progress(f"commitments: {branch.name}")
    return Commitment.objects.filter(county=county).count()
