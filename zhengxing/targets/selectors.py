"""Reads of the target catalogues and the units' target ledgers, always scoped (the system reads
for `zhengxing verify-ledger` say so). The scores live in `scores.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhengxing.ledger.chain import ChainProblem, verify_chain
from zhengxing.ledger.selectors import chains_problems
from zhengxing.orgs.models import Org
from zhengxing.orgs.rules import ROLE_MANAGES_TREE
from zhengxing.orgs.selectors import scope_for

from .models import OnsiteVisit, Target, TargetCatalogue, TargetChainHead, TargetEntry
from .rules import TARGET_CONTENT_FIELDS, EntryKind, applies_to

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def catalogue_for_unit(unit: Org, year: int) -> TargetCatalogue | None:
    """The current published catalogue that applies to the unit in a year: the nearest owner
    above it (a township's over the county's), or None."""
    found = [
        c
        for c in TargetCatalogue.objects.filter(
            county_id=unit.county_id, year=year, is_current=True
        ).select_related("owner")
        if unit.path.startswith(c.owner.path)
    ]
    return max(found, key=lambda c: len(c.owner.path)) if found else None


def targets_for_unit(unit: Org, catalogue: TargetCatalogue | None) -> list[Target]:
    """The catalogue's targets that apply to the unit's kind and category, in order."""
    if catalogue is None:
        return []
    return [
        t
        for t in catalogue.targets.select_related("task").order_by("position", "pk")
        if applies_to(
            kinds=t.kinds, categories=t.categories, kind=unit.kind, category=unit.category
        )
    ]


def catalogues_visible_to(user: AnyUser) -> QuerySet[TargetCatalogue]:
    """The catalogues set by owners the user sees, newest first."""
    return (
        TargetCatalogue.objects.filter(scope_for(user).org_q("owner__"))
        .select_related("owner")
        .order_by("-year", "owner__path", "-version")
    )


def catalogue_for_user(user: AnyUser, pk: int) -> TargetCatalogue | None:
    return catalogues_visible_to(user).filter(pk=pk).first()


def units_staffed_by(user: AnyUser) -> QuerySet[Org]:
    """The units whose target ledger the user keeps: where they hold a managing role."""
    scope = scope_for(user)
    ids = [g.org_id for g in scope.grants if g.role not in ("member", "grid_worker")]
    return Org.objects.filter(pk__in=ids).order_by("path")


def entries_of_unit(user: AnyUser, unit: Org, year: int) -> QuerySet[TargetEntry]:
    """The unit's ledger for the year, newest first, if the user sees the unit."""
    if not scope_for(user).can_see_org(unit):
        return TargetEntry.objects.none()
    return (
        TargetEntry.objects.filter(unit=unit, year=year)
        .select_related("target", "assessor", "recorded_by")
        .order_by("-seq")
    )


def assessing_q(user: AnyUser) -> Q:
    """Units under the user's county or township roles, strictly below the role's node."""
    scope = scope_for(user)
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role in ROLE_MANAGES_TREE:
            q |= Q(unit__path__startswith=g.path) & ~Q(unit_id=g.org_id)
    return q


def submissions_to_assess(user: AnyUser, year: int) -> QuerySet[TargetEntry]:
    """The assessor's queue (日常考评): progress submissions in their units not yet scored,
    oldest first (the partial index on kind serves the NOT EXISTS)."""
    scored = TargetEntry.objects.filter(submission=OuterRef("pk"), kind=EntryKind.DAILY)
    return (
        TargetEntry.objects.filter(assessing_q(user), year=year, kind=EntryKind.PROGRESS)
        .filter(~Exists(scored))
        .select_related("unit", "target", "recorded_by")
        .order_by("seq", "pk")
    )


def units_to_assess(user: AnyUser) -> QuerySet[Org]:
    """The units the user may assess on site: strictly below their county or township roles."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    for g in scope.grants:
        if g.role in ROLE_MANAGES_TREE:
            q |= Q(path__startswith=g.path) & ~Q(pk=g.org_id)
    return Org.objects.filter(q, is_active=True).order_by("path")


def visits_of_unit(unit: Org, year: int) -> QuerySet[OnsiteVisit]:
    return OnsiteVisit.objects.filter(unit=unit, year=year).select_related("led_by")


def unit_chain_problem(*, unit: Org) -> ChainProblem | None:
    """The first place the unit's target chain stops being what the application wrote (the
    points ledger's walk over the target ledger's columns); None if intact."""
    head = TargetChainHead.objects.filter(unit=unit).values_list("seq", "hash").first()
    rows = (
        TargetEntry.objects.filter(unit=unit)
        .order_by("seq")
        .values("id", "prev_hash", "hash", *TARGET_CONTENT_FIELDS)
    )
    return verify_chain(unit.pk, rows.iterator(), head=head, fields=TARGET_CONTENT_FIELDS)


def target_chains_problems(county_id: int | None = None) -> tuple[int, list[ChainProblem]]:
    """Every unit's target chain walked (a system read for `zhengxing verify-ledger`, not
    scoped; registered in `apps.TargetsConfig.ready`)."""
    entries = TargetEntry.objects.all()
    heads_qs: QuerySet[Any] = TargetChainHead.objects.all()
    if county_id is not None:
        entries, heads_qs = (
            entries.filter(county_id=county_id),
            heads_qs.filter(county_id=county_id),
        )
    heads = {u: (s, h) for u, s, h in heads_qs.values_list("unit_id", "seq", "hash")}
    return chains_problems(entries, heads, fields=TARGET_CONTENT_FIELDS, chain="unit_id")
