"""Reads of grid governance, always scoped: a user sees the grids held by the tree nodes their
roles cover (a grid worker: those of their village), and works them when one of those roles
manages the node or is a grid worker's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.selectors import Scope, scope_for

from .models import Campaign, Grid, GridPerson, Household, Need, Resident, ServicePost, Visit
from .rules import GRID_WORKERS, OPEN_STATES, Duty, Level, Outcome, State

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser


def may_work(scope: Scope, org: Org) -> bool:
    """Whether the scope works the grids `org` holds: a managing role or a grid worker's over it."""
    return scope.everything or any(
        org.path.startswith(g.path) for g in scope.grants if g.role in GRID_WORKERS
    )


def grids_visible_to(user: AnyUser) -> QuerySet[Grid]:
    return Grid.objects.filter(scope_for(user).org_q("org__"))


def posts_visible_to(user: AnyUser) -> QuerySet[ServicePost]:
    return ServicePost.objects.filter(scope_for(user).org_q("org__"))


def grid_for_user(user: AnyUser, pk: int) -> Grid:
    grid = (
        grids_visible_to(user).select_related("org", "post", "post__parent").filter(pk=pk).first()
    )
    if grid is None:
        raise Http404
    return grid


def household_for_user(user: AnyUser, pk: int) -> Household:
    found = (
        Household.objects.filter(scope_for(user).org_q("grid__org__"), pk=pk)
        .select_related("grid", "grid__org")
        .first()
    )
    if found is None:
        raise Http404
    return found


def need_for_user(user: AnyUser, pk: int) -> Need:
    found = (
        Need.objects.filter(scope_for(user).org_q("grid__org__"), pk=pk)
        .select_related("grid", "grid__org", "household")
        .first()
    )
    if found is None:
        raise Http404
    return found


def household_public(*, ref: str) -> Household:
    """The household a contact card's QR code names (no login): by its random reference."""
    found = Household.objects.select_related("grid").filter(public_ref=ref).first()
    if found is None:
        raise Http404
    return found


def need_public(*, ref: str) -> Need:
    found = Need.objects.select_related("grid", "household").filter(ref=ref).first()
    if found is None:
        raise Http404
    return found


def grid_rows(user: AnyUser, org: Org | None = None) -> QuerySet[Grid]:
    """The grids the user sees (under `org` when given), each with its households, open needs
    and overdue needs counted in the same query."""
    found = grids_visible_to(user)
    if org is not None:
        found = found.filter(subtree_q(org.path, "org__"))
    return (
        found.select_related("post")
        .annotate(
            n_households=Count("households", distinct=True),
            n_open=Count("needs", filter=Q(needs__state__in=OPEN_STATES), distinct=True),
        )
        .order_by("code")
    )


def people_of(grid: Grid) -> list[GridPerson]:
    """两员三长: head first, then workers, then unit heads."""
    order: dict[str, int] = {Duty.HEAD: 0, Duty.WORKER: 1, Duty.UNIT_HEAD: 2}
    return sorted(grid.people.all(), key=lambda p: (order[p.duty], p.pk))


@dataclass(frozen=True)
class Gaps:
    """不漏一户、不落一人: what the grid's register still lacks."""

    no_head: bool
    no_worker: bool
    empty_households: Sequence[Household]
    members_not_placed: Sequence[Member]


def gaps_of(grid: Grid) -> Gaps:
    """The grid's missing head or worker, its households with nobody registered, and the Party
    members held under its organisation who are in no household yet."""
    duties = set(grid.people.values_list("duty", flat=True))
    empty = list(
        grid.households.annotate(n=Count("residents")).filter(n=0).order_by("address")[:200]
    )
    placed = Resident.objects.filter(county_id=grid.county_id, member__isnull=False).values(
        "member_id"
    )
    members = list(
        Member.objects.filter(subtree_q(grid.org.path, "branch__"))
        .exclude(pk__in=placed)
        .order_by("name")[:200]
    )
    return Gaps(
        no_head=Duty.HEAD not in duties,
        no_worker=Duty.WORKER not in duties,
        empty_households=empty,
        members_not_placed=members,
    )


def with_level(needs: QuerySet[Need], now: dt.datetime) -> QuerySet[Need]:
    """Each need with where it sits now (`level`: rules.level_at, in the query)."""
    open_ = Q(state__in=OPEN_STATES)
    return needs.annotate(
        level=Case(
            When(open_ & Q(centre_at__lt=now), then=Value(Level.CENTRE)),
            When(open_ & Q(due_at__lt=now), then=Value(Level.STATION)),
            default=Value(Level.GRID),
            output_field=IntegerField(),
        )
    )


def needs_under(user: AnyUser, org: Org) -> QuerySet[Need]:
    """The needs of the grids under `org` that the user sees. By the county first: the index
    (county, state, due_at) then serves the open and overdue lists (bench_grid)."""
    return Need.objects.filter(
        scope_for(user).org_q("grid__org__"),
        subtree_q(org.path, "grid__org__"),
        county_id=org.county_id,
    )


def overdue_needs(user: AnyUser, org: Org, *, now: dt.datetime) -> QuerySet[Need]:
    """Open needs past their due time under `org`, the longest overdue first, with their level
    (the station's, or already the centre's)."""
    found = needs_under(user, org).filter(state__in=OPEN_STATES, due_at__lt=now)
    return with_level(found, now).select_related("grid", "household").order_by("due_at")


def unsatisfied_needs(user: AnyUser, org: Org) -> QuerySet[Need]:
    """Needs the resident said were not solved, or not to their satisfaction."""
    return (
        needs_under(user, org)
        .filter(Q(solved=False) | Q(satisfied=False), state=State.CLOSED)
        .select_related("grid", "household")
        .order_by("-rated_at")
    )


def needs_routed_to(*, user: AnyUser) -> int:
    """How many open needs are routed to the user (a grid worker's to-do on the home page)."""
    return Need.objects.filter(worker_id=user.pk, state__in=OPEN_STATES).count()


# --- door-to-door campaigns (敲门行动) ---------------------------------------------------------


def campaigns_visible_to(user: AnyUser) -> QuerySet[Campaign]:
    """The campaigns over at least one grid the user sees, newest first."""
    through = Campaign.grids.through.objects.filter(
        campaign_id=OuterRef("pk"), grid__in=grids_visible_to(user)
    )
    return Campaign.objects.filter(Exists(through)).select_related("org").order_by("-starts_on")


def campaign_for_user(user: AnyUser, pk: int) -> Campaign:
    found = campaigns_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def reached_q(campaign: Campaign) -> Exists:
    """Whether the household (the outer row) was reached in the campaign: a visit met someone."""
    return Exists(
        Visit.objects.filter(household=OuterRef("pk"), campaign=campaign, outcome=Outcome.MET)
    )


def coverage(user: AnyUser, campaign: Campaign, org: Org | None = None) -> QuerySet[Grid]:
    """The campaign's grids the user sees (under `org` when given), each with its households
    (`n_households`) and those reached (`n_reached`), in one query: "不漏一户" per grid."""
    grids = grids_visible_to(user).filter(campaigns=campaign)
    if org is not None:
        grids = grids.filter(subtree_q(org.path, "org__"))
    per_grid = Household.objects.filter(grid=OuterRef("pk")).values("grid")
    total = per_grid.annotate(n=Count("pk")).values("n")
    reached = per_grid.filter(reached_q(campaign)).annotate(n=Count("pk")).values("n")
    return (
        grids.select_related("post")
        .annotate(
            n_households=Coalesce(Subquery(total), 0),
            n_reached=Coalesce(Subquery(reached), 0),
        )
        .order_by("code")
    )


@dataclass(frozen=True)
class Coverage:
    grids: Sequence[Grid]
    households: int
    reached: int

    @property
    def percent(self) -> int:
        return percent(self.reached, self.households)


def percent(part: int, whole: int) -> int:
    """A share as a whole percentage, rounded down (99.9% reached is not all reached)."""
    return part * 100 // whole if whole else 0


def coverage_of(user: AnyUser, campaign: Campaign, org: Org | None = None) -> Coverage:
    grids = list(coverage(user, campaign, org))
    for g in grids:
        g.n_left = g.n_households - g.n_reached  # type: ignore[attr-defined]
    return Coverage(
        grids=grids,
        households=sum(g.n_households for g in grids),  # type: ignore[attr-defined]
        reached=sum(g.n_reached for g in grids),  # type: ignore[attr-defined]
    )


def campaign_households(campaign: Campaign, grid: Grid) -> QuerySet[Household]:
    """The grid's households for the worker's round, the ones not yet reached first, each with
    `reached` and its campaign's last visit time (`last_visit`), in one query."""
    last = (
        Visit.objects.filter(household=OuterRef("pk"), campaign=campaign)
        .order_by("-visited_at")
        .values("visited_at")[:1]
    )
    return grid.households.annotate(
        reached=reached_q(campaign), last_visit=Subquery(last)
    ).order_by("reached", "address")


def not_reached(user: AnyUser, campaign: Campaign) -> QuerySet[Household]:
    """The households of the campaign's grids the user sees that no visit has reached yet."""
    grids = grids_visible_to(user).filter(campaigns=campaign)
    return (
        Household.objects.filter(grid__in=grids)
        .exclude(reached_q(campaign))
        .select_related("grid")
        .order_by("grid__code", "address")
    )
