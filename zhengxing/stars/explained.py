"""A rating explained, from its own columns and its scheme version: each component's value,
weight and sources (how many ledger entries, how many ballots — never a ballot — or, for a
component an app above feeds, the page behind it), the band that gave the stars, what the next
star needs, the tier. Reads, always scoped: outside the user's scope a member or an
organisation is a 404. The member's star page and the organisation's (`views/standards.py`),
and the API, read these."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.selectors import scope_for

from .models import Rating
from .rules import COMPONENTS, MISSING_RULES, Band, Scheme, Tier, evaluate, missing_names
from .scheme_spec import scheme_from_dict
from .sources import EXTERNAL, component_url

SOURCE_COLUMNS = {
    "points": ("points_score", "points_entries", "条积分记录"),
    "member_eval": ("member_eval", "member_eval_n", "张党员评议票"),
    "public_eval": ("public_eval", "public_eval_n", "张群众评议票"),
    "committee_eval": ("committee_eval", "committee_eval_n", "张支委会评议票"),
    "general_eval": ("general_eval", "general_eval_n", "张总评票"),
    "self_eval": ("self_eval", "self_eval_n", "张自评票"),
    "commitment_review": ("commitment_review", "commitment_review_n", "次履诺评价"),
    "target_points": ("target_points", "target_points_n", "个半年度目标得分"),
}


@dataclass(frozen=True)
class ComponentLine:
    name: str
    label: str
    value: Decimal | None  # None: missing (nothing behind it)
    weight: Decimal
    contribution: Decimal | None
    count: int
    count_label: str
    url: str | None = None  # the page behind it (a component fed by an app above, `sources`)


@dataclass(frozen=True)
class Explanation:
    rating: Rating
    scheme: Scheme
    lines: list[ComponentLine]
    band: Band | None
    next_band: Band | None
    tier: Tier | None
    points: Decimal | None  # the year's counted points behind the points component
    missing: list[str]  # the labels of the components with nothing behind them
    missing_rule: str  # what the scheme does about them


def member_ratings(*, user: Any, member: Member) -> QuerySet[Rating]:
    if not scope_for(user).can_see_member(member):
        raise Http404
    return (
        Rating.objects.filter(member=member)
        .select_related("scheme", "branch")
        .order_by("-year", "-period")
    )


def component_link(name: str, rating: Rating, user: Any = None) -> str | None:
    """Where a member's component came from, the page the star page links it to and the API
    gives as its `url` (one function behind both): the points, the member's points ledger of
    the year (each entry there links to the meeting, lesson or service that earned it); a
    component fed by an app above (`sources`), the page that app registered; None otherwise."""
    if name in EXTERNAL:
        return component_url(name, rating, user)
    if name == "points" and rating.member_id is not None:
        return f"{reverse('ledger:member_points', args=[rating.member_id])}?year={rating.year}"
    return None


def explain(rating: Rating, user: Any = None) -> Explanation:
    """Why the rating has its stars (or why it has none yet), from its columns and its scheme
    version."""
    scheme = scheme_from_dict(rating.scheme.spec)
    missing = set(missing_names(rating.missing))
    components: dict[str, Any] = {
        name: None if name in missing else getattr(rating, SOURCE_COLUMNS[name][0])
        for name in scheme.weights
    }
    result = evaluate(scheme, components)
    parts = {part["name"]: part for part in result.breakdown["components"]}
    lines = []
    for name, weight in scheme.weights.items():
        _, count_column, count_label = SOURCE_COLUMNS[name]
        part = parts.get(name)
        lines.append(
            ComponentLine(
                name=name,
                label=COMPONENTS[name],
                value=None if name in missing else part["value"] if part else None,
                weight=weight,
                contribution=None if name in missing or not part else part["contribution"],
                count=getattr(rating, count_column),
                count_label=count_label,
                url=component_link(name, rating, user),
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
        missing=[COMPONENTS[n] for n in missing_names(rating.missing)],
        missing_rule=MISSING_RULES.get(scheme.missing, ""),
    )


def org_ratings_explained(*, user: Any, org: Org, limit: int = 6) -> list[Explanation]:
    """An organisation's own ratings, newest first, each explained (its star page)."""
    if not scope_for(user).can_see_org(org):
        raise Http404
    ratings = (
        Rating.objects.filter(org=org)
        .select_related("scheme", "org", "branch")
        .order_by("-year", "-period")
    )
    return [explain(r, user) for r in ratings[:limit]]
