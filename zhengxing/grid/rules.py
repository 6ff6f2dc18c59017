"""Grid governance's vocabulary and the rules that need no database: the three tiers, the grid's
people, a need's categories with their due times, its states and moves, and when an overdue need
escalates.

兴安盟: "在网格构建上，我们形成 中心、站、点 三级联动机制，即党群服务中心、党群服务站、党群服务点";
"接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.orgs.rules import ROLE_MANAGES, Role


class Tier(models.TextChoices):
    """中心、站、点: the Party-mass service centre, station and point."""

    CENTRE = "centre", _("Party-mass service centre")
    STATION = "station", _("Party-mass service station")
    POINT = "point", _("Party-mass service point")


# A post's parent is one tier up: a station under a centre, a point under a station.
TIER_PARENT: dict[str, str | None] = {
    Tier.CENTRE: None,
    Tier.STATION: Tier.CENTRE,
    Tier.POINT: Tier.STATION,
}


class Duty(models.TextChoices):
    """两员三长: the grid head, the grid workers and the unit heads of a grid."""

    HEAD = "head", _("Grid head")
    WORKER = "worker", _("Grid worker")
    UNIT_HEAD = "unit_head", _("Unit head")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    OTHER = "other", _("Other relative or lodger")


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SHOP = "shop", _("Shop")
    ORGANISATION = "organisation", _("Organisation")


class Category(models.TextChoices):
    URGENT_HELP = "urgent", _("Urgent help")
    LIVING = "living", _("Daily living")
    HEALTH = "health", _("Health and care")
    ENVIRONMENT = "environment", _("Environment and repairs")
    DISPUTE = "dispute", _("Dispute between neighbours")
    POLICY = "policy", _("Policy question")
    OTHER = "other", _("Other")


# How long each category may take from received to done: an urgent matter the same day, a
# question of policy within the week.
DUE_HOURS: dict[str, int] = {
    Category.URGENT_HELP: 4,
    Category.LIVING: 24,
    Category.HEALTH: 24,
    Category.ENVIRONMENT: 72,
    Category.DISPUTE: 72,
    Category.POLICY: 120,
    Category.OTHER: 72,
}


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Source(models.TextChoices):
    CARD = "card", _("Contact card QR code")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("In person")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_HAND = "in_hand", _("In hand")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")


OPEN_STATES = frozenset({State.RECEIVED, State.IN_HAND})

# The photos one need keeps: 9, as many as a WeChat Moments post carries (its 九宫格), which is
# how residents already send pictures to the grid worker. The number is ours, not the article's.
MAX_NEED_PHOTOS = 9

# received → in hand → done → closed; received may go straight to done (solved on the phone)
MOVES: dict[str, frozenset[str]] = {
    State.RECEIVED: frozenset({State.IN_HAND, State.DONE}),
    State.IN_HAND: frozenset({State.DONE}),
    State.DONE: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),
}


class Level(models.IntegerChoices):
    """Where an open need sits: with its grid's worker, escalated to the station, to the centre."""

    GRID = 0, _("Grid")
    STATION = 1, _("Station")
    CENTRE = 2, _("Centre")


def due_at(category: str, received: dt.datetime, *, urgent: bool = False) -> dt.datetime:
    """When a need of `category` received at `received` must be done: urgent ones in half the
    time (at least two hours)."""
    hours = DUE_HOURS[category]
    if urgent:
        hours = max(2, hours // 2)
    return received + dt.timedelta(hours=hours)


def level_at(*, received: dt.datetime, due: dt.datetime, now: dt.datetime, is_open: bool) -> int:
    """An open need past its due time goes to the station; past it by as long again, to the
    centre. A need done or closed stays where it is (the grid)."""
    if not is_open or now <= due:
        return Level.GRID
    if now > due + (due - received):
        return Level.CENTRE
    return Level.STATION


# Who works a grid: those who manage the organisation above it, and its grid workers.
GRID_WORKERS = ROLE_MANAGES | {Role.GRID_WORKER}


# The words of the services' messages and the audit log, Chinese whatever the page's language.
TIER_WORDS: dict[str, str] = {
    Tier.CENTRE: "党群服务中心",
    Tier.STATION: "党群服务站",
    Tier.POINT: "党群服务点",
}
DUTY_WORDS: dict[str, str] = {Duty.HEAD: "网格长", Duty.WORKER: "网格员", Duty.UNIT_HEAD: "单元长"}
STATE_WORDS: dict[str, str] = {
    State.RECEIVED: "已受理",
    State.IN_HAND: "办理中",
    State.DONE: "已办结",
    State.CLOSED: "已关闭",
}
CATEGORY_WORDS: dict[str, str] = {
    Category.URGENT_HELP: "急事求助",
    Category.LIVING: "生活服务",
    Category.HEALTH: "医疗照护",
    Category.ENVIRONMENT: "环境维修",
    Category.DISPUTE: "邻里纠纷",
    Category.POLICY: "政策咨询",
    Category.OTHER: "其他",
}


class Outcome(models.TextChoices):
    """What a knock on the door came to: someone met and registered, or nobody at home (the
    household is not reached yet: "不漏一户" wants it visited again)."""

    MET = "met", _("Met and registered")
    ABSENT = "absent", _("Nobody at home")


OUTCOME_WORDS: dict[str, str] = {Outcome.MET: "已入户登记", Outcome.ABSENT: "无人在家"}
RELATION_WORDS: dict[str, str] = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.OTHER: "其他",
}
