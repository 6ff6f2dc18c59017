"""Stars in the demo county (`zhengxing demo`), built through the services: the county adopts
bayannur-532 for members and for village organisations; each branch held a public evaluation
this autumn (households scored every member with single-use codes); the demo branch also held
its members' peer evaluation around 1 July; then the year so far is computed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from zhengxing.audit.services import Actor
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus, Role

from .ballots import ballot_submit, codes_issue, public_ballots_submit, round_create
from .compute import recompute
from .models import Ballot, Rating
from .services import scheme_from_preset

YEAR = 2026
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FORM = [
    {"code": "I1", "name": "政治表现", "max": "30"},
    {"code": "I2", "name": "作用发挥", "max": "40"},
    {"code": "I3", "name": "群众口碑", "max": "30"},
]
HOUSEHOLDS = 3


@dataclass(frozen=True)
class DemoStarsResult:
    ballots: int
    ratings: int


def _at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, tzinfo=SHANGHAI)


def _scores(rng: random.Random, level: int) -> dict[str, str]:
    total = max(30, min(100, level + rng.randint(-8, 8)))
    i1 = round(total * 0.3)
    i2 = round(total * 0.4)
    return {"I1": str(min(30, i1)), "I2": str(min(40, i2)), "I3": str(min(30, total - i1 - i2))}


def demo_stars(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> DemoStarsResult:
    rng = random.Random(seed + 7)
    system = Actor(user=None, label="示范数据", now=_at(1, 6))
    for preset in ("bayannur-532", "bayannur-532-org"):
        scheme_from_preset(actor=system, county=county, owner=None, year=YEAR, preset=preset)
    member_role = RoleAssignment.objects.filter(county=county, role=Role.MEMBER).first()
    branches = Org.objects.filter(county=county, kind__in=MEMBER_HOLDING_KINDS).order_by("path")
    for branch in branches:
        members = list(
            Member.objects.filter(branch=branch)
            .exclude(status__in=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED))
            .order_by("pk")
        )
        if not members:
            continue
        level = {m.pk: rng.randint(62, 96) for m in members}
        clerk = Actor(user=None, label="示范数据", now=_at(10, 25))
        public = round_create(
            actor=clerk, org=branch, year=YEAR, period="Y", kind="public",
            name=f"{YEAR}年党员群众评议", indicators=FORM,
            opens_at=_at(11, 1), closes_at=_at(11, 15, 18),
        )  # fmt: skip
        codes = codes_issue(actor=clerk, round_=public, count=HOUSEHOLDS)
        for n, code in enumerate(codes):
            household = Actor(user=None, label="public", now=_at(11, 3 + n), anonymous=True)
            public_ballots_submit(
                actor=household,
                round_=public,
                code=code,
                ratings=[(m, _scores(rng, level[m.pk])) for m in members],
            )
        if member_role is not None and member_role.org_id == branch.pk:
            peer = round_create(
                actor=clerk, org=branch, year=YEAR, period="H1", kind="peer",
                name=f"{YEAR}年上半年党员互评", indicators=FORM,
                opens_at=_at(6, 25), closes_at=_at(7, 5, 18),
            )  # fmt: skip
            me = Actor(user=member_role.user, label=member_role.user.get_username(), now=_at(7, 1))
            for other in members:
                if other.user_id != member_role.user_id:
                    ballot_submit(
                        actor=me, round_=peer, ratee=other, scores=_scores(rng, level[other.pk])
                    )
    if progress:
        progress("stars: computing the year so far")
    recompute(county_id=county.pk, year=YEAR, period="Y", now=_at(11, 23, 9))
    return DemoStarsResult(
        ballots=Ballot.objects.filter(county=county).count(),
        ratings=Rating.objects.filter(county=county).count(),
    )
