"""The stars tests' shared data: branch A1B's points (Q1 and Q2 signed) and evaluations (erin
rates 王甲 in the H1 peer round; two households rate both in the public round; an open H2
round not yet counted), under the county's bayannur-532 scheme for 2026."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengxing.core.actor import Actor
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import (
    catalogue_from_preset,
    claim_record_many,
    claim_review_many,
    quarter_sign_off,
)
from zhengxing.stars.ballots import ballot_submit, codes_issue, public_ballots_submit
from zhengxing.stars.compute import recompute
from zhengxing.stars.rounds import round_create
from zhengxing.stars.services import scheme_from_preset
from zhengxing.testing import SYSTEM, Cast

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FORM = [{"code": "T", "name": "综合评价", "max": "100"}]


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def act(user, month: int, day: int) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=user, label=user.get_username() if user else "public", now=at(month, day),
                 anonymous=user is None)  # fmt: skip


@pytest.fixture
def scored(cast: Cast) -> Cast:
    rules = catalogue_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="sanmenxia"
    )
    for month, code, people in (
        (2, "SMX-G04", [cast.member_a1]),
        (2, "SMX-G02", [cast.member_a1, cast.erin_member]),
        (5, "SMX-G05", [cast.member_a1]),
        (5, "SMX-G06", [cast.erin_member]),
    ):
        claims = claim_record_many(
            actor=act(cast.cathy, month, 20),
            branch=cast.branch_a1,
            item=rules.items.get(code=code),
            members=people,
            occurred_on=dt.date(2026, month, 15),
            place="村委会",
            description=code,
            idempotency_key=f"k-{month}-{code}",
        )
        claim_review_many(
            actor=act(cast.cathy, month, 21),
            branch=cast.branch_a1,
            claims=claims,
            decision="approve",
        )
    quarter_sign_off(actor=act(cast.carol, 4, 2), branch=cast.branch_a1, quarter=Quarter(2026, 1))
    quarter_sign_off(actor=act(cast.carol, 7, 2), branch=cast.branch_a1, quarter=Quarter(2026, 2))
    peer = round_create(
        actor=act(cast.carol, 6, 20), org=cast.branch_a1, year=2026, period="H1", kind="peer",
        name="上半年互评", indicators=FORM, opens_at=at(6, 25), closes_at=at(7, 5),
    )  # fmt: skip
    ballot_submit(
        actor=act(cast.erin, 7, 1), round_=peer, ratee=cast.member_a1, scores={"T": "85.5"}
    )
    public = round_create(
        actor=act(cast.carol, 6, 20), org=cast.branch_a1, year=2026, period="H1", kind="public",
        name="群众评议", indicators=FORM, opens_at=at(6, 25), closes_at=at(7, 5),
    )  # fmt: skip
    codes = codes_issue(actor=act(cast.carol, 6, 26), round_=public, count=2)
    for code, (wang, erin) in zip(codes, (("90", "70"), ("81", "75.5")), strict=True):
        public_ballots_submit(
            actor=act(None, 7, 2), round_=public, code=code,
            ratings=[(cast.member_a1, {"T": wang}), (cast.erin_member, {"T": erin})],
        )  # fmt: skip
    later = round_create(  # still open on the day of the recompute: not counted
        actor=act(cast.carol, 7, 6), org=cast.branch_a1, year=2026, period="H2", kind="peer",
        name="下半年互评", indicators=FORM, opens_at=at(7, 8), closes_at=at(12, 20),
    )  # fmt: skip
    ballot_submit(
        actor=act(cast.erin, 7, 9), round_=later, ratee=cast.member_a1, scores={"T": "10"}
    )
    scheme_from_preset(
        actor=SYSTEM, county=cast.county, owner=None, year=2026, preset="bayannur-532"
    )
    return cast


@pytest.fixture
def schemes(cast: Cast) -> Cast:
    for preset in ("bayannur-532", "bayannur-532-org"):
        scheme_from_preset(actor=SYSTEM, county=cast.county, owner=None, year=2026, preset=preset)
    return cast


def run(cast: Cast, month: int = 7, day: int = 10) -> None:
    recompute(county_id=cast.county.pk, year=2026, period="Y", now=at(month, day))
