"""Every preset, member by member (and organisation by organisation), against an oracle written
apart from the SQL: it reads the raw inputs — the counted points per quarter and each ballot of
each round — applies its own idea of which rounds and quarters a period takes, averages in
Python, and asks `rules.evaluate` for the stars. The recompute must agree to the last digit on
score, stars, red stars, flags, tier and what is missing: with the "incomplete", "rescale" and
"zero" rules for a missing evaluation, points against a target and relative to the branch's
best, Gaotai's H1 → H2 flags and the township's half-year assessments of organisations.

The data are random but fixed (a seed): 24 members in one branch, of whom some have no ballot of
some kind, scores with one decimal that land on band edges, a round still open on the day of the
recompute, and a round of another period."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from zhengxing.ledger.models import QuarterPoints
from zhengxing.orglife.models import Commitment, CommitmentReview, CommitmentStatus
from zhengxing.orgs.models import Member, Org
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS
from zhengxing.stars.compute import recompute
from zhengxing.stars.models import Ballot, EvaluationRound, Rating, RoundKind
from zhengxing.stars.presets import PRESETS
from zhengxing.stars.rounds import round_create
from zhengxing.stars.rules import Scheme, evaluate, half_up, missing_names, points_score
from zhengxing.stars.scheme_spec import scheme_from_dict, scheme_to_dict
from zhengxing.stars.services import scheme_save
from zhengxing.stars.tallies import tallies_rebuild
from zhengxing.testing import SYSTEM, Cast, add_member

from .conftest import FORM, act, at

# the oracle's own reading of the articles' calendar: which quarters and which rounds' periods
# a rating of each period takes
QUARTERS = {"Y": {1, 2, 3, 4}, "H1": {1, 2}, "H2": {3, 4}}
ROUND_PERIODS = {"Y": {"Y", "H1", "H2", "Q1", "Q2", "Q3", "Q4"}, "H1": {"H1", "Q1", "Q2"},
                 "H2": {"H2", "Q3", "Q4"}}  # fmt: skip
COMPONENT_KIND = {
    "member_eval": RoundKind.PEER,
    "public_eval": RoundKind.PUBLIC,
    "committee_eval": RoundKind.COMMITTEE,
    "general_eval": RoundKind.GENERAL,
    "self_eval": RoundKind.SELF,
}
HALVES = {"Y": {1, 2}, "H1": {1}, "H2": {2}}
NOW = at(12, 30)  # the day of the recompute
EDGES = ["59.9", "60", "69.9", "70", "84.9", "85", "89.9", "90", "94.9", "95", "100", "0"]


def _score(rng: random.Random) -> Decimal:
    if rng.random() < 0.3:
        return Decimal(rng.choice(EDGES))
    return Decimal(rng.randint(300, 1000)) / 10


def _ballots(round_: EvaluationRound, ratees: list[Any], rng: random.Random, raters: int) -> None:
    """Ballots written as rows (the tallies are rebuilt from them afterwards): most ratees get
    1-4, some none."""
    for ratee in ratees:
        if rng.random() < 0.2:
            continue
        for n in range(1 if round_.kind == RoundKind.SELF else rng.randint(1, raters)):
            total = _score(rng)
            Ballot.objects.create(
                county_id=round_.county_id, round=round_, kind=round_.kind, rater=f"x{n}",
                ratee_member=ratee if isinstance(ratee, Member) else None,
                ratee_org=ratee if isinstance(ratee, Org) else None,
                rater_member=ratee if round_.kind == RoundKind.SELF else None,
                scores={"T": str(total)}, total=total,
                submitted_at=round_.opens_at, updated_at=round_.opens_at,
            )  # fmt: skip


def _round(cast: Cast, org: Org, period: str, kind: str, closes: dt.datetime) -> EvaluationRound:
    # 商评 opens once the period's peer rounds have closed (refused otherwise)
    opens = at(12, 21) if kind == RoundKind.COMMITTEE else at(1, 10)
    return round_create(
        actor=act(cast.alice if org.depth < 3 else cast.carol, 1, 5), org=org, year=2026,
        period=period, kind=kind, name=f"{period}{kind}", indicators=FORM,
        opens_at=opens, closes_at=max(closes, opens + dt.timedelta(days=1)),
    )  # fmt: skip


@pytest.fixture
def county_year(cast: Cast) -> Cast:
    rng = random.Random(20261206)
    members = [cast.member_a1, cast.erin_member]
    members += [add_member(cast.county, "A1B") for _ in range(22)]
    for member in members:
        for quarter in (1, 2, 3, 4):
            if rng.random() < 0.15:
                continue  # nothing counted that quarter
            total = Decimal(rng.randint(-50, 400)) / 10
            QuarterPoints.objects.create(
                county=cast.county, branch=member.branch, member=member, year=2026,
                quarter=quarter, entries=rng.randint(1, 6), base=total, bonus=0, deduction=0,
                total=total,
            )  # fmt: skip
    for period in ("H1", "H2", "Y"):
        for kind in COMPONENT_KIND.values():
            _ballots(_round(cast, cast.branch_a1, period, kind, at(12, 20)), members, rng, 4)
    # not counted: a round still open on the day, and a quarter's round outside H1 and H2's
    _ballots(_round(cast, cast.branch_a1, "H2", RoundKind.PEER, at(12, 31)), members, rng, 2)
    villages = list(Org.objects.filter(county=cast.county, kind__in=MEMBER_HOLDING_KINDS))
    for period in ("H1", "H2"):
        assessed = _round(cast, cast.town_a, period, RoundKind.ASSESSMENT, at(12, 20))
        _ballots(assessed, [v for v in villages if v.path.startswith(cast.town_a.path)], rng, 1)
    for kind in (RoundKind.PEER, RoundKind.PUBLIC):
        _ballots(_round(cast, cast.root, "Y", kind, at(12, 20)), villages, rng, 4)
    tallies_rebuild(county_id=cast.county.pk, year=2026)
    _commitment_reviews(members, rng)
    return cast


def _commitment_reviews(members: list[Member], rng: random.Random) -> None:
    """The branch's half-yearly reviews of the members' commitments (gaotai-341 weighs them):
    most members have one or two approved commitments reviewed in some halves; not counted, a
    returned commitment's review and one given after the recompute's day."""
    for member in members:
        if rng.random() < 0.2:
            continue  # no commitment reviewed
        for field in rng.sample(["study", "industry", "poverty"], rng.randint(1, 2)):
            status = CommitmentStatus.RETURNED if rng.random() < 0.1 else CommitmentStatus.APPROVED
            c = Commitment.objects.create(
                county_id=member.county_id, branch_id=member.branch_id, member=member, year=2026,
                field=field, promise="今年调解邻里纠纷至少3起", measure="调解记录", status=status,
                return_reason="请写具体" if status == CommitmentStatus.RETURNED else "",
                proposed_at=at(2, 1),
            )  # fmt: skip
            for half in (1, 2):
                if rng.random() < 0.25:
                    continue
                late = rng.random() < 0.1
                CommitmentReview.objects.create(
                    commitment=c, county_id=member.county_id, half=half,
                    score=rng.choice([0, 59, 60, 69, 70, 85, 89, 90, 95, 100, rng.randint(0, 100)]),
                    reviewed_at=at(12, 31) if late else at(7 if half == 1 else 12, 10),
                )  # fmt: skip


def _commitment_review(member: Member, period: str) -> Decimal | None:
    """The oracle's reading: the average of the counted reviews of the member's approved
    commitments in the period's half-years, one decimal, half up."""
    scores = [
        Decimal(v.score)
        for v in CommitmentReview.objects.filter(commitment__member=member).select_related(
            "commitment"
        )
        if v.commitment.status == CommitmentStatus.APPROVED
        and v.half in HALVES[period]
        and v.reviewed_at <= NOW
    ]
    return _average(scores)


def _average(totals: list[Decimal]) -> Decimal | None:
    return half_up(sum(totals, Decimal(0)) / len(totals)) if totals else None


def _oracle(
    scheme: Scheme, cast: Cast, period: str, earlier_red: dict[int, int]
) -> dict[int, tuple[Any, ...]]:
    """Subject id → (score, stars, red stars, flags, tier, missing), from the raw rows;
    `earlier_red`: each subject's red stars in the year's earlier half."""
    counted = [
        b
        for b in Ballot.objects.select_related("round")
        if b.round.closes_at <= NOW and b.round.period in ROUND_PERIODS[period]
    ]
    by: dict[tuple[str, int | None, str], list[Decimal]] = defaultdict(list)
    for b in counted:
        ratee = ("member", b.ratee_member_id) if b.ratee_member_id else ("org", b.ratee_org_id)
        by[(*ratee, b.kind)].append(b.total)
    if scheme.subject == "member":
        subjects: list[Any] = list(Member.objects.filter(county=cast.county))
        points: dict[int, Decimal] = defaultdict(Decimal)
        for row in QuarterPoints.objects.filter(quarter__in=QUARTERS[period]):
            points[row.member_id] += row.total
        best: dict[int, Decimal] = defaultdict(Decimal)
        for m in subjects:
            best[m.branch_id] = max(best[m.branch_id], points[m.pk])
    else:
        subjects = list(Org.objects.filter(county=cast.county, kind__in=MEMBER_HOLDING_KINDS))
    expected = {}
    for subject in subjects:
        components: dict[str, Any] = {}
        for name in scheme.weights:
            if name == "points" and isinstance(subject, Member):
                components[name] = points_score(
                    points[subject.pk], scheme=scheme, branch_best=best[subject.branch_id]
                )
            elif name == "points":
                components[name] = _average(by[("org", subject.pk, RoundKind.ASSESSMENT)])
            elif name == "commitment_review":
                components[name] = _commitment_review(subject, period)
            else:
                kind = COMPONENT_KIND[name]
                components[name] = _average(by[(scheme.subject, subject.pk, kind)])
        earlier = earlier_red.get(subject.pk, 0)
        result = evaluate(scheme, components, earlier_red_stars=earlier)
        expected[subject.pk] = (
            result.score, result.stars, result.red_stars, result.flags,
            result.tier.code if result.tier else "", sorted(result.missing),
        )  # fmt: skip
    return expected


def _stored(subject: str, period: str) -> dict[int | None, tuple[Any, ...]]:
    return {
        (r.member_id or r.org_id): (
            r.score,
            r.stars,
            r.red_stars,
            r.flags,
            r.tier,
            sorted(missing_names(r.missing)),
        )
        for r in Rating.objects.filter(subject=subject, period=period)
    }


VARIANTS = [
    ("bayannur-532", {}),
    ("bayannur-532", {"missing": "rescale"}),
    ("bayannur-532", {"missing": "zero"}),
    ("bayannur-532", {"missing": "rescale", "points_mode": "relative"}),
    ("bayannur-532-org", {}),
    ("bayannur-532-org", {"missing": "rescale"}),
    ("gaotai-341", {}),
    ("gaotai-341", {"missing": "zero"}),
]


@pytest.mark.parametrize(("preset", "changes"), VARIANTS)
def test_the_recompute_agrees_with_an_independent_oracle(
    county_year: Cast, preset: str, changes: dict[str, str]
) -> None:
    scheme = scheme_from_dict({**scheme_to_dict(PRESETS[preset]), **changes})
    scheme_save(actor=SYSTEM, county=county_year.county, owner=None, year=2026,
                spec=scheme_to_dict(scheme))  # fmt: skip
    earlier_red: dict[int, int] = {}
    for period in scheme.periods:
        recompute(county_id=county_year.county.pk, year=2026, period=period, now=NOW)
        expected = _oracle(scheme, county_year, period, earlier_red)
        stored = _stored(scheme.subject, period)
        assert stored.keys() == expected.keys()
        wrong = {k: (stored[k], expected[k]) for k in expected if stored[k] != expected[k]}
        assert not wrong, wrong
        earlier_red = {k: v[2] for k, v in expected.items()}
    # the data reach every case the rules distinguish
    values = list(_stored(scheme.subject, scheme.periods[-1]).values())
    assert any(v[5] for v in values) and any(not v[5] for v in values)
    assert len({v[1] for v in values}) >= 2
