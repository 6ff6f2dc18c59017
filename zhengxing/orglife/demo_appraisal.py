"""The demo county's democratic appraisal (`zhengxing demo`): the demo member's branch holds the
year-end appraisal at its organisation-life meeting (003: "通过年终民主评议党员大会…以此作为党员
奖惩的重要依据"): the secretary opens it on 2 December 2026, every member's ballot is counted (the
paper ballots typed in by the server command), and the result is posted the next day: 优秀
within the county's share, one 基本合格, and one 不合格 whose first step of the follow-up (限期改正,
党章第九条) is open, not yet due. Built only through the services; deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Member, RoleAssignment
from zhengxing.orgs.rules import Role

from . import services
from .appraisal_rules import BASIC, EXCELLENT, QUALIFIED, UNQUALIFIED
from .models import AppraisalResult
from .services.appraisal import appraised_members

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
OPENED, POSTED = dt.date(2026, 12, 2), dt.date(2026, 12, 3)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def demo_appraisal(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> int:
    """The demo branch's appraisal of 2026 (call once); how many members were appraised."""
    rng = random.Random(seed)
    grant = (
        RoleAssignment.objects.filter(county=county, role=Role.MEMBER)
        .select_related("org", "user")
        .order_by("pk")
        .first()
    )
    if grant is None:
        return 0
    branch = grant.org
    secretary = (
        RoleAssignment.objects.filter(county=county, role=Role.SECRETARY, org=branch)
        .select_related("user")
        .first()
    )
    user = secretary.user if secretary else None

    def by_secretary(day: dt.date) -> Actor:
        label = user.get_username() if user else "示范数据"
        return Actor(user=user, label=label, now=_at(day))

    appraisal = services.appraisal_open(actor=by_secretary(OPENED), branch=branch, year=2026)
    members = list(appraised_members(branch))
    own = set(Member.objects.filter(user=grant.user).values_list("pk", flat=True))
    others = [pk for pk in members if pk not in own]
    if len(others) < 2:
        return 0
    basic, unqualified = rng.sample(others, 2)
    rest = [pk for pk in members if pk not in (basic, unqualified)]
    excellent = set(rng.sample(rest, max(1, len(members) // 4)))  # more than the cap allows
    meant = {pk: QUALIFIED for pk in members}
    meant.update({pk: EXCELLENT for pk in excellent})
    meant.update({basic: BASIC, unqualified: UNQUALIFIED})
    counted = Actor(user=None, label="示范数据", now=_at(OPENED, 16))
    for voter in members:
        # most ballots agree; a few are a grade kinder
        kinder = {UNQUALIFIED: BASIC, BASIC: QUALIFIED, QUALIFIED: EXCELLENT, EXCELLENT: EXCELLENT}
        grades = {
            pk: kinder[meant[pk]] if rng.random() < 0.12 else meant[pk]
            for pk in members
            if pk != voter
        }
        voting = Member.objects.get(pk=voter)
        services.appraisal_vote(actor=counted, appraisal=appraisal, voter=voting, grades=grades)
    services.appraisal_post(actor=by_secretary(POSTED), appraisal=appraisal)
    if progress is not None:
        progress(f"appraisal: {branch.name}")
    return AppraisalResult.objects.filter(round=appraisal).count()
