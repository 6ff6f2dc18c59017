"""Reads of star ratings, always scoped: outside the user's scope an object is a 404. A rating
is explained from its own columns and its scheme version: each component's value, weight and
sources (how many ledger entries, how many ballots — never a ballot), the band that gave the
stars, what the next star needs, the tier and its consequences."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.selectors import scope_for

from .models import Consequence, Rating
from .rules import COMPONENTS, Band, Scheme, Tier, evaluate, scheme_from_dict

SOURCE_COLUMNS = {
    "points": ("points_score", "points_entries", "条积分记录"),
    "member_eval": ("member_eval", "member_eval_n", "张党员评议票"),
    "public_eval": ("public_eval", "public_eval_n", "张群众评议票"),
    "committee_eval": ("committee_eval", "committee_eval_n", "张支委会评议票"),
    "general_eval": ("general_eval", "general_eval_n", "张总评票"),
    "self_eval": ("self_eval", "self_eval_n", "张自评票"),
    "score": ("general_eval", "general_eval_n", "张总评票"),
}


@dataclass(frozen=True)
class ComponentLine:
    name: str
    label: str
    value: Decimal
    weight: Decimal
    contribution: Decimal
    count: int
    count_label: str


@dataclass(frozen=True)
class Explanation:
    rating: Rating
    scheme: Scheme
    lines: list[ComponentLine]
    band: Band | None
    next_band: Band | None
    tier: Tier | None
    points: Decimal | None  # the year's counted points behind the points component


def member_ratings(*, user: Any, member: Member) -> QuerySet[Rating]:
    if not scope_for(user).can_see_member(member):
        raise Http404
    return (
        Rating.objects.filter(member=member).select_related("scheme").order_by("-year", "-period")
    )


def explain(rating: Rating) -> Explanation:
    """Why the rating has its stars, from its columns and its scheme version."""
    scheme = scheme_from_dict(rating.scheme.spec)
    components: dict[str, Any] = {}
    lines = []
    for name in scheme.weights:
        value_column, count_column, count_label = SOURCE_COLUMNS[name]
        components[name] = getattr(rating, value_column) or Decimal(0)
    result = evaluate(scheme, components)
    for part in result.breakdown["components"]:
        value_column, count_column, count_label = SOURCE_COLUMNS[part["name"]]
        lines.append(
            ComponentLine(
                name=part["name"],
                label=COMPONENTS[part["name"]],
                value=part["value"],
                weight=part["weight"],
                contribution=part["contribution"],
                count=getattr(rating, count_column),
                count_label=count_label,
            )
        )
    bands = scheme.bands or scheme.red_bands
    band = result.breakdown.get("band")
    above = [b for b in bands if rating.score is not None and b.min > rating.score]
    return Explanation(
        rating=rating,
        scheme=scheme,
        lines=lines,
        band=band,
        next_band=min(above, key=lambda b: b.min) if above else None,
        tier=next((t for t in scheme.tiers if t.code == rating.tier), None),
        points=rating.points if rating.subject == "member" else None,
    )


def board(*, user: Any, org: Org, year: int, period: str) -> QuerySet[Rating]:
    """The ratings of the members under `org` (scoped), most stars first."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        Rating.objects.filter(
            subtree_q(org.path, "branch__"), year=year, period=period, member__isnull=False
        )
        .select_related("member", "branch")
        .order_by("-stars", "-score", "member__name", "pk")
    )


def distribution(ratings: QuerySet[Rating]) -> list[tuple[int, int]]:
    """(stars, how many) for every star count present, most stars first."""
    rows = ratings.order_by().values("stars").annotate(n=Count("pk")).order_by("-stars")
    return [(r["stars"], r["n"]) for r in rows]


def consequences_for(*, user: Any, org: Org) -> QuerySet[Consequence]:
    """The to-dos of the organisations under `org` (open first, by due date)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    return (
        Consequence.objects.filter(subtree_q(org.path, "owner_org__"))
        .select_related("rating__member", "rating__org", "owner_org")
        .order_by("done_at", "due_on", "pk")
    )
