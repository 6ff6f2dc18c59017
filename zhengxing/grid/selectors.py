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
    F,
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

from zhengxing.core.paging import KeyPages
from zhengxing.orgs.models import Member, Org, subtree_q
from zhengxing.orgs.selectors import Scope, scope_for

from .models import (
    Campaign,
    Grid,
    GridPerson,
    Household,
    Need,
    NeedPhoto,
    Reach,
    Resident,
    ServicePost,
    Visit,
)
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


def need_photo_for_user(user: AnyUser, need_id: int, photo_id: int) -> NeedPhoto:
    """One of a need's photos, for those who see the need's grid (404 otherwise)."""
    need = need_for_user(user, need_id)
    found = NeedPhoto.objects.filter(need=need, pk=photo_id).first()
    if found is None:
        raise Http404
    found.need = need
    return found


def photo_ids_of(need_ids: Sequence[int]) -> dict[int, list[int]]:
    """The photos of these needs, in order, per need: one query for a page of needs."""
    found: dict[int, list[int]] = {pk: [] for pk in need_ids}
    rows = NeedPhoto.objects.filter(need_id__in=need_ids).order_by("need_id", "position")
    for need_id, pk in rows.values_list("need_id", "pk"):
        found[need_id].append(pk)
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
    """The needs of the grids under `org` that the user sees: its grids found through the
    tree, then each grid's needs on the index (grid, state, due_at), the open and overdue ones
    counted from the index alone (bench_grid: a township's overdue count 35 → 8 ms; with a
    county filter beside it every need was read from its row)."""
    return Need.objects.filter(
        scope_for(user).org_q("grid__org__"), subtree_q(org.path, "grid__org__")
    )


def need_pages(needs: QuerySet[Need], *, now: dt.datetime) -> KeyPages[Need]:
    """A needs list for Django's Paginator: the page's needs found on the index, then only
    those read with their grid, household and level (sorting 2,466 whole rows, joined, for a
    page of 50 was half the overdue page's query)."""
    detail = Need.objects.select_related("grid", "household")
    return KeyPages(needs, with_level(detail, now))


def open_needs(user: AnyUser, org: Org) -> QuerySet[Need]:
    """Open needs under `org`, the soonest due first."""
    found = needs_under(user, org).filter(state__in=OPEN_STATES)
    return found.select_related("grid", "household").order_by("due_at", "pk")


def overdue_needs(user: AnyUser, org: Org, *, now: dt.datetime) -> QuerySet[Need]:
    """Open needs past their due time under `org`, the longest overdue first, with their level
    (the station's, or already the centre's)."""
    found = needs_under(user, org).filter(state__in=OPEN_STATES, due_at__lt=now)
    return with_level(found, now).select_related("grid", "household").order_by("due_at", "pk")


def unsatisfied_needs(user: AnyUser, org: Org) -> QuerySet[Need]:
    """Needs the resident said were not solved, or not to their satisfaction."""
    return (
        needs_under(user, org)
        .filter(Q(solved=False) | Q(satisfied=False), state=State.CLOSED)
        .select_related("grid", "household")
        .order_by("-rated_at", "pk")
    )


NEED_LISTS = ("open", "overdue", "unsatisfied")


def needs_listed(user: AnyUser, org: Org, which: str, *, now: dt.datetime) -> KeyPages[Need]:
    """One of the needs lists under `org` (NEED_LISTS; "open" for any other word), each need
    with its level, paged by key: the page and the API read the same."""
    if which == "overdue":
        found = overdue_needs(user, org, now=now)
    elif which == "unsatisfied":
        found = unsatisfied_needs(user, org)
    else:
        found = open_needs(user, org)
    return need_pages(found, now=now)


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
    (`n_households`, counted on the index of households by grid) and those reached
    (`n_reached`, kept per grid as visits are recorded: `Reach`), in one query: "不漏一户" per
    grid."""
    grids = grids_visible_to(user).filter(reach__campaign=campaign)
    if org is not None:
        grids = grids.filter(subtree_q(org.path, "org__"))
    total = (
        Household.objects.filter(grid=OuterRef("pk"))
        .values("grid")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return grids.annotate(
        n_households=Coalesce(Subquery(total), 0), n_reached=F("reach__reached")
    ).order_by("code")


@dataclass(frozen=True)
class GridCoverage:
    """One grid's line of a campaign's coverage: its households and those reached."""

    pk: int
    code: str
    name: str
    post: str  # the station's or point's name
    households: int
    reached: int

    @property
    def left(self) -> int:
        return self.households - self.reached


@dataclass(frozen=True)
class Coverage:
    grids: Sequence[GridCoverage]
    households: int
    reached: int

    @property
    def percent(self) -> int:
        return percent(self.reached, self.households)


def percent(part: int, whole: int) -> int:
    """A share as a whole percentage, rounded down (99.9% reached is not all reached)."""
    return part * 100 // whole if whole else 0


def coverage_of(user: AnyUser, campaign: Campaign, org: Org | None = None) -> Coverage:
    """The coverage's lines as plain rows: 4,397 grids made into models cost twice the query
    (bench_grid)."""
    columns = ("pk", "code", "name", "post__name", "n_households", "n_reached")
    grids = [GridCoverage(*row) for row in coverage(user, campaign, org).values_list(*columns)]
    return Coverage(
        grids=grids,
        households=sum(g.households for g in grids),
        reached=sum(g.reached for g in grids),
    )


def reach_counted(campaign: Campaign) -> dict[int, int]:
    """The campaign's households reached per grid, counted from its visits (what `Reach`
    keeps): grid id → households of the grid a visit met someone in."""
    return dict(
        Household.objects.filter(reached_q(campaign), grid__campaigns=campaign)
        .values("grid_id")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "n")
    )


@dataclass(frozen=True)
class ReachProblem:
    campaign: Campaign
    grid_id: int
    kept: int
    counted: int


def reach_problems(*, county_id: int | None = None) -> list[ReachProblem]:
    """Every campaign's grid whose kept count of households reached differs from its visits
    (`zhengxing verify-grid`), in the county when given."""
    campaigns = Campaign.objects.order_by("pk")
    if county_id is not None:
        campaigns = campaigns.filter(county_id=county_id)
    found = []
    for campaign in campaigns.select_related("org"):
        counted = reach_counted(campaign)
        for grid_id, kept in Reach.objects.filter(campaign=campaign).values_list(
            "grid_id", "reached"
        ):
            if kept != counted.get(grid_id, 0):
                found.append(ReachProblem(campaign, grid_id, kept, counted.get(grid_id, 0)))
    return found


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
