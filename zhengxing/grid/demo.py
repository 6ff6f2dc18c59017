"""The demo county's grids (示范旗): 海流图镇's Party-mass service centre, a station in each of its
first three villages and in 团结社区 (with a service point per grid branch), two grids per
village and one per grid branch, each with its grid head, worker and a unit head (两员三长),
households with their residents and the Party members living there, a shop or two, and needs in
every state — some overdue at the station or the centre, some rated unsatisfied — and a
door-to-door campaign (敲门行动) half done: about half of each grid's households visited, a few
knocked with nobody at home, one household where someone has gone and someone has come — so
that the grid worker's, the station's and the township's pages show something. Built through
the real services; the same seed gives the same grids.

The demo's grid worker (login `grid`, at 乌兰村) is the worker of 乌兰村's first grid, so the
needs raised there are routed to them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.people import person_name, phone_number
from zhengxing.orgs.rules import OrgKind, Role

from . import services
from .models import Grid, Household, Resident
from .rules import Category, Relation, Tier

HOUSEHOLDS_PER_GRID = 12
NEED_TEXTS = {
    Category.URGENT_HELP: "老人在家摔倒，需要有人帮忙送医",
    Category.LIVING: "独居老人需要代购米面和蔬菜",
    Category.HEALTH: "慢性病老人需要代取药品",
    Category.ENVIRONMENT: "院门口路灯坏了，晚上出行不便",
    Category.DISPUTE: "与邻居因院墙排水问题有矛盾，希望调解",
    Category.POLICY: "想咨询城乡居民医保缴费和报销政策",
    Category.OTHER: "家里网络不通，想请人帮忙看看",
}
# (category, hours since raised, how far it got): a spread over every state and level
NEEDS = (
    (Category.LIVING, 2, "received"),
    (Category.HEALTH, 30, "received"),  # overdue: with the station
    (Category.URGENT_HELP, 20, "in_hand"),  # overdue by more than its time: the centre
    (Category.ENVIRONMENT, 10, "in_hand"),
    (Category.POLICY, 50, "done"),
    (Category.DISPUTE, 90, "satisfied"),
    (Category.OTHER, 80, "unsatisfied"),
)


@dataclass(frozen=True)
class DemoGridResult:
    grids: int
    households: int
    needs: int
    visits: int = 0


def demo_grid(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoGridResult:
    rng = random.Random(seed + 22)
    now = timezone.now()
    system = Actor(user=None, label="示范数据", now=now - dt.timedelta(days=5))
    town = Org.objects.filter(county=county, kind=OrgKind.TOWNSHIP).order_by("path").first()
    assert town is not None
    worker = (
        RoleAssignment.objects.filter(county=county, role=Role.GRID_WORKER)
        .select_related("user", "org")
        .first()
    )
    if progress:
        progress("网格")
    centre = services.post_create(
        actor=system,
        org=town,
        tier=Tier.CENTRE,
        name=f"{town.name.removeprefix('中共').removesuffix('委员会')}党群服务中心",
    )
    villages = list(
        Org.objects.filter(county=county, parent=town, kind=OrgKind.VILLAGE).order_by("path")
    )
    rural = [v for v in villages if v.category == "rural"][:3]
    community = next((v for v in villages if v.category == "community"), None)
    grids: list[Grid] = []
    for village in rural:
        station = services.post_create(
            actor=system,
            org=village,
            tier=Tier.STATION,
            name=f"{village.name}党群服务站",
            parent=centre,
        )
        for n in (1, 2):
            grids.append(
                services.grid_create(
                    actor=system,
                    post=station,
                    org=village,
                    code=f"{village.code}-WG{n}",
                    name=f"{village.name}第{'一二'[n - 1]}网格",
                )
            )
    if community is not None:
        station = services.post_create(
            actor=system,
            org=community,
            tier=Tier.STATION,
            name=f"{community.name}党群服务站",
            parent=centre,
        )
        for branch in Org.objects.filter(
            county=county, kind=OrgKind.GRID_BRANCH, path__startswith=community.path
        ).order_by("path"):
            point = services.post_create(
                actor=system,
                org=branch,
                tier=Tier.POINT,
                name=f"{branch.name.removesuffix('党支部')}党群服务点",
                parent=station,
            )
            grids.append(
                services.grid_create(
                    actor=system,
                    post=point,
                    org=branch,
                    code=branch.code,
                    name=branch.name.removesuffix("党支部"),
                )
            )
    households = needs = 0
    homes_of: list[list[Household]] = []
    for i, grid in enumerate(grids):
        _people(system, grid, rng, worker_user=worker.user if worker and i == 0 else None)
        homes = _households(system, grid, rng)
        homes_of.append(homes)
        households += len(homes)
        needs += _needs(grid, homes, rng, now=now)
    visits = _campaign(town, grids, homes_of, rng, now=now)
    return DemoGridResult(grids=len(grids), households=households, needs=needs, visits=visits)


def _campaign(
    town: Org,
    grids: list[Grid],
    homes_of: list[list[Household]],
    rng: random.Random,
    *,
    now: dt.datetime,
) -> int:
    """敲门行动, started five days ago for a fortnight and a half: about half of each grid's
    households reached, one in six of the knocks found nobody at home; in the first grid's
    first household the head has moved away and a relative has come."""
    started = Actor(user=None, label="示范数据", now=now - dt.timedelta(days=5))
    today = timezone.localdate(now)
    campaign = services.campaign_create(
        actor=started,
        org=town,
        purpose="敲门行动：入户登记常住和外来人员，宣传医保缴费",
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=10),
        grids=grids,
    )
    visits = 0
    for g, homes in enumerate(homes_of):
        for n, home in enumerate(homes[: len(homes) // 2]):
            knock = Actor(
                user=None, label="示范数据", now=now - dt.timedelta(hours=rng.randrange(1, 100))
            )
            absent = rng.random() < 1 / 6
            leaving, arriving = [], []
            if g == 0 and n == 0:
                leaving = list(home.residents.filter(relation=Relation.HEAD)[:1])
                arriving = [services.Arrival(_person(rng), Relation.OTHER)]
                absent = False
            services.visit_record(
                actor=knock,
                campaign=campaign,
                household=home,
                outcome="absent" if absent else "met",
                asked="" if absent else "家中有无外来人员；是否已缴纳医保",
                note="改日再来" if absent else "",
                leaving=leaving,
                arriving=arriving,
            )
            visits += 1
    return visits


def _person(rng: random.Random) -> str:
    return person_name(rng, rng.choice("MF"), "蒙古族" if rng.random() < 0.3 else "汉族")


def _people(system: Actor, grid: Grid, rng: random.Random, worker_user: object) -> None:
    services.grid_person_add(
        actor=system, grid=grid, duty="head", name=_person(rng), phone=phone_number(rng)
    )
    services.grid_person_add(
        actor=system,
        grid=grid,
        duty="worker",
        name="刘晓燕" if worker_user is not None else _person(rng),
        phone=phone_number(rng),
        user=worker_user,  # type: ignore[arg-type]
    )
    services.grid_person_add(
        actor=system, grid=grid, duty="unit_head", name=_person(rng), phone=phone_number(rng)
    )
    services.unit_add(
        actor=system,
        grid=grid,
        name=f"{grid.name}便民超市",
        kind="shop",
        contact_name=_person(rng),
    )


def _households(system: Actor, grid: Grid, rng: random.Random) -> list[Household]:
    """Twelve households; the Party members held under the grid's organisation are placed in
    them, but for a few (the gaps page lists them), and the last household is left empty."""
    placed = Resident.objects.filter(member__isnull=False).values("member_id")
    members = list(
        Member.objects.filter(branch__path__startswith=grid.org.path)
        .exclude(pk__in=placed)
        .order_by("pk")[:12]
    )
    members = members[: max(0, len(members) - 3)]
    homes: list[Household] = []
    for n in range(1, HOUSEHOLDS_PER_GRID + 1):
        home = services.household_add(actor=system, grid=grid, address=f"{grid.name}{n}号院")
        homes.append(home)
        if n == HOUSEHOLDS_PER_GRID:
            continue  # nobody registered yet: a gap
        services.resident_add(
            actor=system,
            household=home,
            name=_person(rng),
            relation=Relation.HEAD,
            phone=phone_number(rng),
        )
        for relation in rng.sample([Relation.SPOUSE, Relation.CHILD, Relation.PARENT], 2):
            services.resident_add(
                actor=system, household=home, name=_person(rng), relation=relation
            )
        if members and rng.random() < 0.6:
            member = members.pop(0)
            services.resident_add(
                actor=system,
                household=home,
                name=member.name,
                relation=Relation.OTHER,
                member=member,
            )
    return homes


def _needs(grid: Grid, homes: list[Household], rng: random.Random, *, now: dt.datetime) -> int:
    worker = Actor(user=None, label="示范数据", now=now)
    for (category, hours, reached), home in zip(NEEDS, rng.sample(homes, len(NEEDS)), strict=True):
        raised_at = now - dt.timedelta(hours=hours)
        resident = Actor(user=None, label="anonymous", anonymous=True, now=raised_at)
        need = services.need_raise(
            actor=resident,
            household=home,
            category=category,
            urgency="normal",
            text=NEED_TEXTS[category],
        )
        step = Actor(user=None, label="示范数据", now=raised_at + dt.timedelta(hours=1))
        if reached == "received":
            continue
        need = services.need_move(actor=step, need=need, to="in_hand")
        if reached == "in_hand":
            continue
        done = Actor(user=None, label="示范数据", now=raised_at + dt.timedelta(hours=hours // 2))
        need = services.need_move(
            actor=done, need=need, to="done", answer="网格员已上门处理，已向群众说明情况"
        )
        if reached == "done":
            continue
        services.need_rate(
            actor=worker, ref=need.ref, solved=True, satisfied=reached == "satisfied"
        )
    return len(NEEDS)
