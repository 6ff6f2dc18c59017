"""The demo county's democratic appraisal (`zhengxing demo`), at two branches' year-end
organisation-life meetings (003: "通过年终民主评议党员大会…以此作为党员奖惩的重要依据"):

- the next branch after the demo logins' (团结村 in the demo) has posted its result: the round
  opened on 2 December 2026, every member's ballot counted (the paper ballots typed in by the
  server command), the result posted the next day — 优秀 within the county's share, one 基本合格,
  and one 不合格 whose first step of the follow-up (限期改正, 党章第九条) is open, not yet due;
- the demo logins' own branch has its round open, so the ballot is there to see and cast: most
  of its members have voted on their phones, but not the member and secretary logins nor the
  elderly members (one of whom the phone walk gives a login).

Built only through the services; deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Member, Org, RoleAssignment
from zhengxing.orgs.rules import MemberCategory, OrgKind, Role

from . import services
from .appraisal_rules import BASIC, EXCELLENT, QUALIFIED, UNQUALIFIED, excellent_allowed
from .models import AppraisalResult, AppraisalRound
from .services.appraisal import appraised_members

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
OPENED, POSTED = dt.date(2026, 12, 2), dt.date(2026, 12, 3)
# most ballots agree with what the branch thinks of each member; a few are a grade kinder
KINDER = {UNQUALIFIED: BASIC, BASIC: QUALIFIED, QUALIFIED: EXCELLENT, EXCELLENT: EXCELLENT}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _by_secretary(branch: Org, day: dt.date) -> Actor:
    """The branch's secretary's login acting on `day` (the demo's own, when it has none)."""
    grant = (
        RoleAssignment.objects.filter(org=branch, role=Role.SECRETARY)
        .select_related("user")
        .first()
    )
    user = grant.user if grant else None
    return Actor(user=user, label=user.get_username() if user else "示范数据", now=_at(day))


def _vote(
    appraisal: AppraisalRound,
    rng: random.Random,
    *,
    meant: dict[int, str],
    voters: list[int],
    days: int = 1,
) -> None:
    """Each voter's ballot, cast over `days` days from the opening: what the branch meant of
    each other member, now and then a grade kinder, 优秀 within the cap."""
    allowed = excellent_allowed(len(meant), appraisal.excellent_cap)
    by_pk = Member.objects.in_bulk(voters)
    for n, voter in enumerate(voters):
        grades: dict[int, str] = {}
        for pk, grade in meant.items():
            if pk != voter:
                grades[pk] = KINDER[grade] if rng.random() < 0.12 else grade
        excellent = [pk for pk, g in grades.items() if g == EXCELLENT]
        for pk in excellent[allowed:]:  # a kinder 优秀 past the cap stays 合格
            grades[pk] = QUALIFIED
        day = OPENED + dt.timedelta(days=n * days // max(1, len(voters)))
        counted = Actor(user=None, label="示范数据", now=_at(day, 16))
        services.appraisal_vote(
            actor=counted, appraisal=appraisal, voter=by_pk[voter], grades=grades
        )


def _meant(
    rng: random.Random, members: list[int], spared: set[int], *, flagged: bool
) -> dict[int, str]:
    """What the branch thinks of each member: 合格 mostly, a quarter 优秀 (more than the cap
    allows, so the cap has work to do), and, when `flagged`, one 基本合格 and one 不合格 among
    those not `spared`."""
    meant = dict.fromkeys(members, QUALIFIED)
    rest = list(members)
    if flagged:
        basic, unqualified = rng.sample([pk for pk in members if pk not in spared], 2)
        meant.update({basic: BASIC, unqualified: UNQUALIFIED})
        rest = [pk for pk in members if pk not in (basic, unqualified)]
    meant.update(dict.fromkeys(rng.sample(rest, max(1, len(members) // 4)), EXCELLENT))
    return meant


def demo_appraisal(
    county: County, *, seed: int, progress: Callable[[str], None] | None = None
) -> int:
    """The two branches' appraisals of 2026 (call once); how many members were appraised in the
    branch that posted its result."""
    rng = random.Random(seed)
    grant = (
        RoleAssignment.objects.filter(county=county, role=Role.MEMBER)
        .select_related("org")
        .order_by("pk")
        .first()
    )
    if grant is None:
        return 0
    own = grant.org
    others = Org.objects.filter(county=county, kind=OrgKind.BRANCH).exclude(pk=own.pk)
    posted = (
        others.filter(path__gt=own.path).order_by("path").first() or others.order_by("path").first()
    )
    logins = set(Member.objects.filter(branch=own, user__isnull=False).values_list("pk", flat=True))
    if posted is not None:
        members = list(appraised_members(posted))
        if len(members) >= 3:
            appraisal = services.appraisal_open(
                actor=_by_secretary(posted, OPENED), branch=posted, year=2026
            )
            meant = _meant(rng, members, set(), flagged=True)
            _vote(appraisal, rng, meant=meant, voters=members)
            services.appraisal_post(actor=_by_secretary(posted, POSTED), appraisal=appraisal)
            if progress is not None:
                progress(f"appraisal: {posted.name}")
    # the logins' branch: open, the logins and the elderly yet to vote
    members = list(appraised_members(own))
    if len(members) >= 3:
        elderly = set(
            Member.objects.filter(branch=own, category=MemberCategory.ELDERLY).values_list(
                "pk", flat=True
            )
        )
        meant = _meant(rng, members, logins, flagged=False)
        voters = [pk for pk in members if pk not in logins | elderly]
        appraisal = services.appraisal_open(actor=_by_secretary(own, OPENED), branch=own, year=2026)
        _vote(appraisal, rng, meant=meant, voters=voters, days=5)
        if progress is not None:
            progress(f"appraisal open: {own.name}")
    return AppraisalResult.objects.filter(county=county).count()
