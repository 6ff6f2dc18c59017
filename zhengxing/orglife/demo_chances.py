"""The demo county's board of chances to serve (`zhengxing demo`): each branch's voluntary
labour day in November, done and recorded (its points in Q4, waiting for the sign-off like the
rest of the quarter), and a service squad's day in December open for sign-up. Built only through
the services; deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.models import User

from zhengxing.core.actor import Actor
from zhengxing.ledger.selectors import catalogue_applying
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role

from . import services
from .models import Chance

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
POSTED, LABOUR, RECORDED, SQUAD = (
    dt.date(2026, 11, 2), dt.date(2026, 11, 14), dt.date(2026, 11, 15), dt.date(2026, 12, 6)
)  # fmt: skip


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)


def demo_chances(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> int:
    """The demo county's chances to serve (call once, after its points year); how many."""
    rng = random.Random(seed)
    secretaries = {
        a.org_id: a.user
        for a in RoleAssignment.objects.filter(county=county, role=Role.SECRETARY).select_related(
            "user"
        )
    }
    for branch in Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS).order_by("path"):
        user = secretaries.get(branch.pk)

        def actor(day: dt.date, user: User | None = user) -> Actor:
            label = user.get_username() if user else "示范数据"
            return Actor(user=user, label=label, now=_at(day))

        catalogue = catalogue_applying(branch=branch, year=2026)
        item = catalogue.items.filter(code="SMX-G06").first() if catalogue else None
        labour = services.chance_post(
            actor=actor(POSTED), branch=branch, kind="labour", title="村内环境集中整治义务劳动",
            happens_on=LABOUR, place="村文化广场", item=item,
            description="清理垃圾死角、修剪绿化带，自带工具",
        )  # fmt: skip
        members = list(
            Member.objects.filter(branch=branch)
            .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            .order_by("pk")
        )
        came = [m for m in members if rng.random() < 0.4] or members[:1]
        if came:
            services.chance_record(actor=actor(RECORDED), chance=labour, came=came)
        services.chance_post(
            actor=actor(RECORDED), branch=branch, kind="squad",
            title="党员服务小分队为独居老人送温暖", happens_on=SQUAD, place="各村民小组", slots=8,
            description="上门检查取暖设施，帮助储备冬菜",
        )  # fmt: skip
        if progress is not None:
            progress(f"chances to serve: {branch.name}")
    return Chance.objects.filter(county=county).count()
