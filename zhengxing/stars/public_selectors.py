"""What the stars post for the public: a branch's star plan and the choices in it, and the
star board of an organisation by period. No login, names and stars only: never an ID number, a
phone, a score's sources or a database id (organisations are named by their public reference)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from zhengxing.orgs.models import Org, subtree_q

from .models import (
    PlanStatus,
    Rating,
    StarChoice,
    StarPlan,
)
from .rules import (
    period_name,
)


def plan_public(*, slug: str) -> StarPlan:
    plan = (
        StarPlan.objects.filter(slug=slug, status=PlanStatus.APPROVED).select_related("org").first()
    )
    if plan is None:
        raise Http404
    return plan


def choices_public(*, plan: StarPlan) -> list[tuple[str, list[str]]]:
    """The self-chosen stars of the plan's organisation's members: (name, codes)."""
    return [
        (name, stars)
        for name, stars in StarChoice.objects.filter(member__branch=plan.org, year=plan.year)
        .order_by("member__name", "member_id")
        .values_list("member__name", "stars")
    ]


@dataclass(frozen=True)
class PostedPeriod:
    period: str
    name: str  # "2026年上半年"
    members: QuerySet[Rating]
    orgs: QuerySet[Rating]


def board_public(*, org: Org, year: int) -> list[PostedPeriod]:
    """Every finalised period of the year under `org` (Gaotai posts each half-year: "公开、公示、
    公评党员个人每半年的星级成绩"), the year first, then the half-years and quarters, newest
    first: members and organisations. Names, stars and the reason where the setting body moved a
    computed rating reach the page; nothing unfinalised is posted."""
    finalised = Rating.objects.filter(
        subtree_q(org.path, "branch__"), year=year, finalised_at__isnull=False
    )
    periods = set(finalised.order_by().values_list("period", flat=True).distinct())
    order = ["Y", "H2", "H1", "Q4", "Q3", "Q2", "Q1"]
    posted = []
    for period in sorted(periods, key=lambda p: order.index(p) if p in order else 99):
        of_period = finalised.filter(period=period)
        members = (
            of_period.filter(member__isnull=False)
            .select_related("member", "branch")
            .only(
                "stars",
                "red_stars",
                "flags",
                "proposed_stars",
                "set_reason",
                "member__name",
                "branch__name",
                "branch_id",
            )
            .order_by("branch__path", "-stars", "member__name", "pk")
        )
        orgs = (
            of_period.filter(org__isnull=False)
            .select_related("org")
            .only("stars", "proposed_stars", "set_reason", "org__name")
            .order_by("-stars", "org__path")
        )
        posted.append(PostedPeriod(period, period_name(year, period), members, orgs))
    return posted
