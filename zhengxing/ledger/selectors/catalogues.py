"""Which rule catalogue governs a branch in a year, and its items."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengxing.orgs.models import PATH_SEGMENT, Org

from ..models import RuleCatalogue, RuleItem


def ancestor_paths(path: str) -> list[str]:
    """The paths of a node and every node above it (each level adds one fixed-width segment)."""
    return [path[:end] for end in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT)]


def catalogue_applying(*, branch: Org, year: int) -> RuleCatalogue | None:
    """The current catalogue that governs a branch in a year: the nearest owner above it wins
    (a township's own rules before the county's). One query on the owner's path."""
    ancestors = ancestor_paths(branch.path)
    return (
        RuleCatalogue.objects.filter(
            county_id=branch.county_id, year=year, is_current=True, owner__path__in=ancestors
        )
        .order_by("-owner__depth")
        .first()
    )


def catalogue_items(*, catalogue: RuleCatalogue) -> QuerySet[RuleItem]:
    return catalogue.items.order_by("position", "pk")
