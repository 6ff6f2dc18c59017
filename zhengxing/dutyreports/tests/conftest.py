"""The review's cast on top of the named cast (zhengxing/testing.py):

甲镇党委 (A) holds the 2026 review, "round":
├── 中共甲一村支部委员会 (A1B): its secretary carol reports
└── 中共甲二村支部委员会 (A2B): its secretary vic reports
the panel: bob (the township), pat and quinn (township staff); quinn is also a member of
A1B's branch, so she may not score A1B's report (A1B expects two scores, A2B three).
alice (the county) has set the county's rubric: the default five items.
dave (乙镇) sees none of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from zhengxing.core.actor import Actor
from zhengxing.dutyreports import services
from zhengxing.dutyreports.models import Report, ReviewRound, ReviewUnit
from zhengxing.dutyreports.rules import DEFAULT_RUBRIC
from zhengxing.orgs.models import Org
from zhengxing.orgs.services import org_create, role_grant
from zhengxing.testing import PASSWORD, SYSTEM, Cast

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)
FULL = {name: points for name, points in DEFAULT_RUBRIC}  # 100 in all


def as_(user: User | None, now: dt.datetime = NOW) -> Actor:
    if user is None:
        return Actor(user=None, label="test", now=now)
    return Actor(user=user, label=user.username, now=now)


def marks(total: int) -> dict[str, int]:
    """Marks on the default rubric adding up to `total` (taken off the items in turn)."""
    out = dict(FULL)
    short = 100 - total
    for name, top in DEFAULT_RUBRIC:
        cut = min(short, top)
        out[name] = top - cut
        short -= cut
    return out


@dataclass
class Review:
    round: ReviewRound
    unit_a1: ReviewUnit
    unit_a2: ReviewUnit
    branch_a2: Org
    vic: User
    pat: User
    quinn: User


def user(name: str, org: Org, role: str) -> User:
    u = User.objects.create_user(username=name, password=PASSWORD, first_name=name.title())
    role_grant(actor=SYSTEM, user=u, org=org, role=role)
    return u


@pytest.fixture
def review(cast: Cast) -> Review:
    services.rubric_set(actor=as_(cast.alice), county=cast.county, items=DEFAULT_RUBRIC)
    branch_a2 = org_create(
        actor=SYSTEM, parent=cast.town_a, code="A2B", name="中共甲二村支部委员会", kind="branch"
    )
    vic = user("vic", branch_a2, "secretary")
    pat = user("pat", cast.town_a, "township")
    quinn = user("quinn", cast.town_a, "township")
    role_grant(actor=SYSTEM, user=quinn, org=cast.branch_a1, role="member")
    rnd = services.round_create(actor=as_(cast.bob), org=cast.town_a, year=2026)
    a1 = services.round_unit_add(actor=as_(cast.bob), round=rnd, org=cast.branch_a1)
    a2 = services.round_unit_add(actor=as_(cast.bob), round=rnd, org=branch_a2)
    for u in (cast.bob, pat, quinn):
        services.round_panel_add(actor=as_(cast.bob), round=rnd, user=u)
    return Review(rnd, a1, a2, branch_a2, vic, pat, quinn)


def submit_both(cast: Cast, review: Review) -> tuple[Report, Report]:
    r1 = services.report_submit(
        actor=as_(cast.carol), unit=review.unit_a1, text="一年来，我履行党建第一责任人职责……"
    )
    r2 = services.report_submit(
        actor=as_(review.vic), unit=review.unit_a2, text="甲二村党支部书记抓党建述职报告"
    )
    return r1, r2


@pytest.fixture
def meeting(cast: Cast, review: Review) -> tuple[Report, Report]:
    """Both reports in, the meeting open."""
    r1, r2 = submit_both(cast, review)
    services.round_open(actor=as_(cast.bob), round=review.round)
    r1.refresh_from_db()
    r2.refresh_from_db()
    return r1, r2
