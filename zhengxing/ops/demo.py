"""The demo county 示范旗, whole: its tree, members and logins (`orgs/demo.py`), then its year of
points ledgers (`ledger/demo_year.py`), of star ratings (`stars/demo_year.py`), of
organisation life (`orglife/demo_year.py`: meetings and lessons; `orglife/demo_*.py`: the points
supermarkets, 三亮 commitments, chances to serve and a branch's democratic appraisal), its
mobile members' whereabouts and reconciled quarter (`mobility/demo.py`), pairings and a year of
contacts (`mobility/demo_pairing.py`), its grids (`grid/demo.py`), a five-person group with two
matters (`deliberation/demo.py`), its contests (`contests/demo.py`), a secretaries' annual
review (`dutyreports/demo.py`) and its townships' and villages' target points
(`targets/demo.py`), in one transaction.
`demo_build` writes nothing when the county already exists; the same seed gives the same county."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from zhengxing.contests.demo import demo_contests
from zhengxing.deliberation.demo import DemoDeliberationResult, demo_deliberation
from zhengxing.dutyreports.demo import DemoDutyResult, demo_duty_reviews
from zhengxing.grid.demo import DemoGridResult, demo_grid
from zhengxing.ledger.demo_year import DemoYearResult, demo_year
from zhengxing.mobility.demo import demo_mobility
from zhengxing.mobility.demo_pairing import demo_pairing
from zhengxing.orglife.demo_appraisal import demo_appraisal
from zhengxing.orglife.demo_chances import demo_chances
from zhengxing.orglife.demo_commitments import demo_commitments
from zhengxing.orglife.demo_shop import DemoShopResult, demo_shop
from zhengxing.orglife.demo_year import DemoLifeResult, demo_life
from zhengxing.orgs.demo import COUNTY_CODE, SEED, Login, demo_tree_build, logins
from zhengxing.orgs.models import County, Member, Org
from zhengxing.stars.demo_year import DemoStarsResult, demo_stars
from zhengxing.targets.demo import demo_targets


@dataclass(frozen=True)
class DemoResult:
    county: County
    created: bool
    logins: tuple[Login, ...]
    members: int
    orgs: int
    points: DemoYearResult | None = None  # for a county built just now
    stars: DemoStarsResult | None = None  # likewise
    grid: DemoGridResult | None = None  # likewise
    deliberation: DemoDeliberationResult | None = None  # likewise
    life: DemoLifeResult | None = None  # likewise
    shop: DemoShopResult | None = None  # likewise
    commitments: int | None = None  # likewise
    chances: int | None = None  # likewise
    appraisal: int | None = None  # likewise: members appraised in the demo branch
    contest_votes: int | None = None  # likewise
    duty: DemoDutyResult | None = None  # likewise: the secretaries' annual review
    target_entries: int | None = None  # likewise: the townships' and villages' target ledgers


def demo_build(*, seed: int = SEED, progress: Callable[[str], None] | None = None) -> DemoResult:
    """Build the demo county, or find it: nothing is written when county DEMO exists."""
    existing = County.objects.filter(code=COUNTY_CODE).first()
    if existing is not None:
        return DemoResult(
            county=existing,
            created=False,
            logins=logins(existing),
            members=Member.objects.filter(county=existing).count(),
            orgs=Org.objects.filter(county=existing).count(),
        )
    with transaction.atomic():
        tree = demo_tree_build(seed=seed, progress=progress)
        points = demo_year(tree.county, seed=seed, progress=progress)  # on the tree
        # on the roster; before the stars, whose 341 branch weighs the commitments' review
        commitments = demo_commitments(tree.county, seed=seed, progress=progress)
        # on the roster; before the stars: its member moved to another county is not rated here
        demo_mobility(tree.county, seed=seed, progress=progress)
        # on the tree; before the stars, whose sumu weighs its gachas' target points
        targets = demo_targets(tree.county, seed=seed, progress=progress)
        stars = demo_stars(tree.county, seed=seed, progress=progress)  # on both
        demo_pairing(tree.county, seed=seed, progress=progress)  # on the mobile members
        grid = demo_grid(tree.county, seed=seed, progress=progress)  # on the tree
        deliberation = demo_deliberation(tree.county, seed=seed, progress=progress)
        life = demo_life(tree.county, seed=seed, progress=progress)  # on all three
        shop = demo_shop(tree.county, seed=seed, progress=progress)  # on the points
        chances = demo_chances(tree.county, seed=seed, progress=progress)
        appraisal = demo_appraisal(tree.county, seed=seed, progress=progress)
        votes = demo_contests(tree.county, seed=seed, progress=progress)  # on the branches
        duty = demo_duty_reviews(tree.county, seed=seed, progress=progress)  # on the tree
    return DemoResult(
        county=tree.county,
        created=True,
        logins=logins(tree.county),
        members=Member.objects.filter(county=tree.county).count(),  # with the arrival
        orgs=tree.orgs,
        points=points,
        stars=stars,
        grid=grid,
        deliberation=deliberation,
        life=life,
        shop=shop,
        commitments=commitments,
        chances=chances,
        appraisal=appraisal,
        contest_votes=votes,
        duty=duty,
        target_entries=targets,
    )
