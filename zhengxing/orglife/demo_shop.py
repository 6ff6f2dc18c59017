"""The demo county's points supermarkets (`zhengxing demo`): every branch stocks a few goods and
services in September 2026 and restocks in October; from October to the demo's today (23
November) members spend part of what Q1-Q3's bonus points gave them, some on their phones,
the elderly at the counter. Built only through the services, so every line is chained, audited
and within the balance and the stock; deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User

from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role

from . import services
from .models import ShopEntry, ShopItem
from .selectors.shop import spendable_earned

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
STOCKED = dt.date(2026, 9, 1)
RESTOCKED = dt.date(2026, 10, 8)
FIRST, LAST = dt.date(2026, 10, 9), dt.date(2026, 11, 22)
# (name, price in points, opening stock, what it is)
GOODS = (
    ("香皂", "2", 30, "日用品，每块"),
    ("洗衣粉", "5", 20, "500克装"),
    ("食用油", "15", 10, "5升装"),
    ("大米", "10", 15, "10斤装"),
    ("农技书籍", "3", 10, "种养殖实用技术"),
    ("免费理发服务券", "4", 20, "村卫生室旁理发点，凭小票使用"),
)


@dataclass(frozen=True)
class DemoShopResult:
    items: int
    redemptions: int


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def demo_shop(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoShopResult:
    """The demo county's shops (call once, after its points year is built)."""
    rng = random.Random(seed)
    secretaries = {
        a.org_id: a.user
        for a in RoleAssignment.objects.filter(county=county, role=Role.SECRETARY).select_related(
            "user"
        )
    }
    branches = list(
        Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
    )
    days = (LAST - FIRST).days
    for n, branch in enumerate(branches, start=1):
        secretary = secretaries.get(branch.pk)

        def actor(day: dt.date, hour: int = 10, user: User | None = secretary) -> Actor:
            if user is None:
                return Actor(user=None, label="示范数据", now=_at(day, hour))
            return Actor(user=user, label=user.get_username(), now=_at(day, hour))

        items = [
            services.shop_item_create(
                actor=actor(STOCKED),
                branch=branch,
                name=name,
                price=price,
                stock=stock,
                description=about,
            )
            for name, price, stock, about in GOODS
            if rng.random() < 0.8
        ]
        if not items:
            continue
        services.shop_item_restock(
            actor=actor(RESTOCKED), item=rng.choice(items), quantity=10, note="镇党委捐赠"
        )
        members = list(
            Member.objects.filter(branch=branch)
            .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            .select_related("user")
            .order_by("pk")
        )
        earned = spendable_earned(m.pk for m in members)
        # by day and hour only: two visits at one hour keep their order (members never compared)
        visits = sorted(
            [
                (FIRST + dt.timedelta(days=rng.randrange(days + 1)), rng.randrange(8, 18), member)
                for member in members
                if earned.get(member.pk, 0) >= 2 and rng.random() < 0.35
                for _ in range(rng.randint(1, 2))
            ],
            key=lambda visit: visit[:2],
        )  # fmt: skip
        for day, hour, member in visits:
            own = member.user if member.user is not None and rng.random() < 0.6 else None
            try:
                services.shop_redeem(
                    actor=actor(day, hour, own or secretary),
                    item=rng.choice(items),
                    member=member,
                    quantity=1,
                )
            except ServiceError:
                continue  # past their balance or the stock, as at a real counter: refused
        if n % 5 == 0 and progress is not None:
            progress(f"points supermarkets: {n}/{len(branches)} branches")
    return DemoShopResult(
        items=ShopItem.objects.filter(county=county).count(),
        redemptions=ShopEntry.objects.filter(county=county, kind="redeem").count(),
    )
