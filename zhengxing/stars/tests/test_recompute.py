"""The recompute: every member's rating from counted points and closed rounds' ballots, in SQL,
agreeing with `rules.evaluate` to the last digit (on SQLite and on PostgreSQL); idempotent;
finalised ratings untouched; open rounds unseen.

Branch A1B of the cast: 王甲 and 李二妮 (erin). Points under the Sanmenxia rules, Q1 and Q2
signed; erin rates 王甲 in the H1 peer round; two households rate both in the public round."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F, Sum
from django.test.utils import CaptureQueriesContext

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.models import QuarterPoints
from zhengxing.stars.compute import plan_from_scheme, recompute
from zhengxing.stars.compute_sql import _case, _score_tier_case
from zhengxing.stars.models import Rating, StarScheme
from zhengxing.stars.presets import BAYANNUR_532, PRESETS
from zhengxing.stars.rules import evaluate, tier_of
from zhengxing.stars.scheme_spec import scheme_from_dict, scheme_to_dict
from zhengxing.stars.services import scheme_from_preset
from zhengxing.testing import SYSTEM, Cast

from .conftest import act, at, run


def test_the_sql_agrees_with_the_scheme_member_by_member(scored: Cast) -> None:
    run(scored)
    ratings = {r.member.name: r for r in Rating.objects.select_related("member") if r.member}
    assert set(ratings) == {"王甲", "李二妮", "赵乙"}
    wang = ratings["王甲"]
    points = QuarterPoints.objects.filter(member=scored.member_a1).aggregate(s=Sum("total"))["s"]
    assert wang.points == points and wang.points_entries == 3
    assert (wang.member_eval, wang.member_eval_n) == (Decimal("85.5"), 1)  # the open round unseen
    assert (wang.public_eval, wang.public_eval_n) == (Decimal("85.5"), 2)  # (90 + 81) / 2
    for rating in ratings.values():
        missing = rating.missing_labels
        expected = evaluate(
            BAYANNUR_532,
            {
                "points": rating.points_score,
                "member_eval": None if "党员评议" in missing else rating.member_eval,
                "public_eval": None if "群众评议" in missing else rating.public_eval,
            },
        )
        assert (rating.score, rating.stars) == (expected.score, expected.stars), rating.member
        assert rating.tier == (expected.tier.code if expected.tier else "")
    erin = ratings["李二妮"]
    assert (erin.member_eval, erin.public_eval) == (None, Decimal("72.8"))  # 72.75 rounds up
    # no peer ballot: incomplete under the preset, not a 20% loss
    assert (erin.score, erin.stars, erin.missing_labels) == (None, 0, ["党员评议"])
    assert ratings["赵乙"].points_entries == 0 and ratings["赵乙"].incomplete


def test_the_gaotai_preset_recomputes_both_half_years_without_crashing(scored: Cast) -> None:
    """Issue 15, defect 1: gaotai-341 crashed (NOT NULL constraint failed: stars_rating.score)
    whenever a member had no evaluation in the half-year."""
    scheme_from_preset(actor=SYSTEM, county=scored.county, owner=None, year=2026,
                       preset="gaotai-341")  # fmt: skip
    for period in ("H1", "H2"):
        recompute(county_id=scored.county.pk, year=2026, period=period, now=at(12, 30))
    rows = Rating.objects.filter(period__in=("H1", "H2"))
    assert rows.count() == 6 and all(r.incomplete for r in rows)
    assert {tuple(r.missing_labels) for r in rows} == {("支委会评议", "履诺评价")}


def test_a_second_run_changes_nothing_and_a_finalised_rating_is_kept(scored: Cast) -> None:
    run(scored)
    first = list(Rating.objects.order_by("pk").values())
    run(scored, 7, 11)
    assert list(Rating.objects.order_by("pk").values()) == first  # computed_at kept too
    wang = Rating.objects.get(member=scored.member_a1)
    Rating.objects.filter(pk=wang.pk).update(stars=F("stars") + 1, points_entries=99)
    run(scored, 7, 12)  # a rating whose figures differ is written again, the others are not
    again = list(Rating.objects.order_by("pk").values())
    assert [r for r in again if r["id"] != wang.pk] == [r for r in first if r["id"] != wang.pk]
    mended = Rating.objects.get(pk=wang.pk)
    assert (mended.stars, mended.points_entries) == (wang.stars, wang.points_entries)
    assert mended.computed_at == at(7, 12) != wang.computed_at
    Rating.objects.filter(pk=wang.pk).update(stars=9, finalised_at=at(7, 12))
    run(scored, 7, 13)
    assert Rating.objects.get(pk=wang.pk).stars == 9


def test_a_first_run_inserts_and_a_rating_it_did_not_see_is_upserted(scored: Cast) -> None:
    with CaptureQueriesContext(connection) as first:
        run(scored)
    writes = [q["sql"] for q in first.captured_queries if "INSERT INTO stars_rating" in q["sql"]]
    # PostgreSQL's first computation of a period inserts without the ON CONFLICT
    assert ("ON CONFLICT" in writes[-1]) == (connection.vendor != "postgresql")
    right = {r.pk: (r.stars, r.score, r.branch_id) for r in Rating.objects.all()}
    wang = Rating.objects.get(member=scored.member_a1)
    # the only rating left sits under an organisation that holds no members (a branch since
    # dissolved): the check for a first run misses it, the unique key does not
    Rating.objects.exclude(pk=wang.pk).delete()
    Rating.objects.filter(pk=wang.pk).update(branch=scored.town_a, stars=9)
    run(scored, 7, 12)
    mended = Rating.objects.get(member=scored.member_a1)  # updated in place, not a second row
    assert (mended.pk, mended.stars, mended.score, mended.branch_id) == (wang.pk, *right[wang.pk])
    assert Rating.objects.count() == 3


@pytest.mark.parametrize("preset", ["bayannur-532", "bayannur-532-org", "gaotai-341"])
def test_the_tier_read_off_the_score_is_the_tier_of_the_stars(preset: str) -> None:
    """The SQL finds a rating's tier from its score (bands of a tier merged), not from its stars:
    for every score, the two agree."""
    scheme = PRESETS[preset]
    plan = plan_from_scheme(scheme)
    stars_case = _case("score10", plan.bands)
    tier_case, params = _score_tier_case("score10", plan.bands, plan.tiers)
    tier_case = tier_case % {name: f":{name}" for name in params}  # sqlite3's named style
    db = sqlite3.connect(":memory:")
    for score10 in range(-5, 1006):
        stars, tier = db.execute(
            f"SELECT {stars_case}, {tier_case} FROM (SELECT :score10 AS score10)",
            {**params, "score10": score10},
        ).fetchone()
        expected = tier_of(scheme, stars)  # the scheme's own rule
        assert tier == (expected.code if expected else ""), (score10, stars)
    assert tier_case.count("WHEN") <= len(plan.tiers)  # a test per tier, not per band


def test_the_plan_is_the_scheme_in_integers() -> None:
    plan = plan_from_scheme(BAYANNUR_532)
    assert plan.weights == {"points": 600, "member_eval": 200, "public_eval": 200}
    assert plan.bands[0] == (950, 10) and plan.bands[-1] == (0, 0)
    assert ("reward" in {code for _, _, code in plan.tiers}) and plan.points_target10 == 1000


def test_the_command_recomputes_and_refuses_a_county_without_a_scheme(scored: Cast) -> None:
    out = io.StringIO()
    call_command("recompute", county="T1", year=2026, period="Y", stdout=out, verbosity=0)
    assert "T1 2026 Y: member 3 ratings written" in out.getvalue()
    out = io.StringIO()
    call_command("recompute", county="T1", year=2026, period="Y", stdout=out, verbosity=0)
    assert "T1 2026 Y: member 0 ratings written" in out.getvalue()  # nothing changed
    with pytest.raises(CommandError, match="还没有星级方案"):
        call_command("recompute", county="T1", year=2025, verbosity=0)
    with pytest.raises(CommandError, match="没有代码为“NOPE”的旗县区"):
        call_command("recompute", county="NOPE", year=2026, verbosity=0)


def test_a_new_scheme_version_is_kept_apart(scored: Cast) -> None:
    again = scheme_from_preset(
        actor=SYSTEM, county=scored.county, owner=None, year=2026, preset="bayannur-532"
    )
    assert again.version == 2
    assert StarScheme.objects.filter(county=scored.county, is_current=True).count() == 1


def test_simulate_shows_the_stars_under_a_scheme_and_writes_nothing(scored: Cast) -> None:
    before = (Rating.objects.count(), StarScheme.objects.count())
    out = io.StringIO()
    call_command(
        "scheme", "simulate", "bayannur-532", county="T1", year=2026, period="Y", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert "按此方案" in lines[1]
    simulated = {int(line.split()[0]): int(line.split()[2]) for line in lines[2:]}
    assert sum(simulated.values()) == 3  # three members rated
    assert (Rating.objects.count(), StarScheme.objects.count()) == before
    run(scored)  # the recompute gives what the simulation showed
    rated = Counter(Rating.objects.filter(period="Y").values_list("stars", flat=True))
    assert {stars: n for stars, n in simulated.items() if n} == rated
    with pytest.raises(CommandError, match="按达标星评定"):
        call_command("scheme", "simulate", "sanmenxia-5star", county="T1", year=2026)


def test_the_branch_sets_its_members_stars_and_each_tier_becomes_to_dos(scored: Cast) -> None:
    from zhengxing.stars.models import Consequence
    from zhengxing.stars.services import ratings_finalise

    run(scored)
    with pytest.raises(PermissionDenied):  # the township does not set members' stars
        ratings_finalise(actor=act(scored.bob, 7, 12), org=scored.branch_a1, year=2026,
                         period="Y")  # fmt: skip
    with pytest.raises(PermissionDenied):  # nor a committee member alone: the secretary signs
        ratings_finalise(actor=act(scored.cathy, 7, 12), org=scored.branch_a1, year=2026,
                         period="Y")  # fmt: skip
    done = ratings_finalise(
        actor=act(scored.carol, 7, 12), org=scored.branch_a1, year=2026, period="Y"
    )
    assert (done.ratings, done.incomplete) == (1, 1)  # 王甲; erin lacks a peer ballot
    assert Rating.objects.get(member=scored.member_b1).finalised_at is None  # another branch
    todos = Consequence.objects.select_related("rating__member", "owner_org")
    wang = Rating.objects.get(member=scored.member_a1)
    for todo in todos:
        assert todo.rating == wang and todo.rating.tier in {"warn", "adjust", "reward"}
        if todo.code in ("criticise", "warning-talk", "rectify-plan", "adjust-stars"):
            assert (todo.owner_org, todo.owner_role) == (scored.branch_a1, "secretary")
        else:
            assert (todo.owner_org, todo.owner_role) == (scored.town_a, "township")
    assert todos.count() == done.consequences > 0
    assert min(c.due_on for c in todos) > dt.date(2026, 7, 12)
    with pytest.raises(ServiceError, match="缺少评议，补齐后才能确定"):
        ratings_finalise(actor=act(scored.carol, 7, 13), org=scored.branch_a1, year=2026,
                         period="Y")  # fmt: skip
    assert Consequence.objects.count() == done.consequences  # nothing twice


def test_tallies_follow_every_ballot_and_the_check_finds_one_moved(scored: Cast) -> None:
    from zhengxing.stars.ballots import ballot_submit
    from zhengxing.stars.models import BallotTally, EvaluationRound
    from zhengxing.stars.tallies import tallies_problems, tallies_rebuild

    peer = EvaluationRound.objects.get(county=scored.county, name="上半年互评")
    assert BallotTally.objects.get(round=peer, ratee_member=scored.member_a1).n == 1
    public = BallotTally.objects.filter(round__name="群众评议", ratee_member=scored.member_a1)
    assert [(t.sum10, t.n) for t in public] == [(1710, 2)]  # 90 + 81
    # a ballot replaced before the round closes moves the sum, not the count
    ballot_submit(
        actor=act(scored.erin, 7, 3), round_=peer, ratee=scored.member_a1, scores={"T": "60"}
    )
    assert BallotTally.objects.filter(round=peer, ratee_member=scored.member_a1).values_list(
        "sum10", "n"
    ).get() == (600, 1)
    assert tallies_problems(county_id=scored.county.pk, year=2026) == []
    out = io.StringIO()
    call_command("recompute", county="T1", year=2026, check_tallies=True, stdout=out, verbosity=0)
    assert "agree" in out.getvalue()

    BallotTally.objects.filter(round=peer).update(sum10=999)  # behind the services' back
    problems = tallies_problems(county_id=scored.county.pk, year=2026)
    assert len(problems) == 1 and "为1票99.9分，选票合计1票60.0分" in problems[0]
    with pytest.raises(CommandError, match="1项评议汇总与选票不符"):
        call_command("recompute", county="T1", year=2026, check_tallies=True, verbosity=0)
    assert tallies_rebuild(county_id=scored.county.pk, year=2026) == 4
    assert tallies_problems(county_id=scored.county.pk, year=2026) == []


def test_a_township_that_narrows_the_scheme_rates_its_own_members_by_it(scored: Cast) -> None:
    from zhengxing.stars.plans import scheme_for
    from zhengxing.stars.scheme_spec import scheme_to_dict
    from zhengxing.stars.services import scheme_save

    spec = scheme_to_dict(BAYANNUR_532)
    spec.update(key="town-a-532", name="甲镇十星级党员（积分目标50分）", points_target="50")
    narrowed = scheme_save(
        actor=act(scored.bob, 3, 1), county=scored.county, owner=scored.town_a, year=2026, spec=spec
    )
    with pytest.raises(PermissionDenied):  # not another township's to narrow
        scheme_save(
            actor=act(scored.dave, 3, 1), county=scored.county, owner=scored.town_a, year=2026,
            spec=spec,
        )  # fmt: skip
    run(scored)
    by_member = {r.member_id: r for r in Rating.objects.select_related("scheme")}
    wang = by_member[scored.member_a1.pk]
    points = wang.points or Decimal(0)
    assert wang.scheme_id == narrowed.pk  # 甲镇's member: the township's target
    assert by_member[scored.member_b1.pk].scheme.owner_id == scored.root.pk  # 乙镇: the county's
    expected = evaluate(
        scheme_from_dict(narrowed.spec),
        {"points": min(100, points * 2), "member_eval": wang.member_eval,
         "public_eval": wang.public_eval},
    )  # fmt: skip
    assert (wang.points_score, wang.score, wang.stars) == (
        min(Decimal(100), points * 2),
        expected.score,
        expected.stars,
    )
    found = scheme_for(
        county_id=scored.county.pk, year=2026, subject="member", path=scored.branch_a1.path
    )
    assert found is not None and found.key == "town-a-532"
    found = scheme_for(
        county_id=scored.county.pk, year=2026, subject="member", path=scored.branch_b1.path
    )
    assert found is not None and found.key == "bayannur-532"


def test_a_township_runs_gaotai_in_one_of_its_branches(scored: Cast) -> None:
    """003: the "341" method "以党支部为单位推行": a township narrows the scheme for one branch;
    that branch's members get half-year red stars, the rest of the township keeps its own."""
    from zhengxing.stars.services import scheme_save

    town = scheme_to_dict(BAYANNUR_532) | {"key": "town-a", "name": "甲镇方案"}
    scheme_save(actor=act(scored.bob, 3, 1), county=scored.county, owner=scored.town_a,
                year=2026, spec=town)  # fmt: skip
    gaotai = scheme_from_preset(actor=act(scored.bob, 3, 1), county=scored.county,
                                owner=scored.branch_a1, year=2026, preset="gaotai-341")  # fmt: skip
    with pytest.raises(ServiceError, match="可以细化本乡镇或所属党支部的方案"):
        scheme_save(actor=SYSTEM, county=scored.county, owner=scored.group_a1, year=2026,
                    spec=town)  # fmt: skip
    recompute(county_id=scored.county.pk, year=2026, period=None, now=at(12, 30))
    a1 = Rating.objects.filter(member__branch=scored.branch_a1)
    assert {(r.period, r.scheme_id) for r in a1} == {("H1", gaotai.pk), ("H2", gaotai.pk)}
    assert Rating.objects.get(member=scored.member_b1).scheme.owner_id == scored.root.pk
    # a period asked for is computed only by the schemes that rate it
    recompute(county_id=scored.county.pk, year=2026, period="H1", now=at(12, 30))
    recompute(county_id=scored.county.pk, year=2026, period="Y", now=at(12, 30))
    assert set(Rating.objects.filter(period="H1").values_list("scheme_id", flat=True)) == {
        gaotai.pk
    }
    assert not Rating.objects.filter(period="Y", member__branch=scored.branch_a1).exists()


def test_a_warning_talk_done_is_one_of_the_branchs_reminder_talks(scored: Cast) -> None:
    """000: "对评定为4星级及以下的党员,进行批评教育、诫勉谈话": the talk held is recorded in the
    ledger's reminder talks (约谈), not in a list of its own."""
    from zhengxing.ledger.models import ReminderTalk
    from zhengxing.stars.models import Consequence
    from zhengxing.stars.services import consequence_done, ratings_finalise

    run(scored)
    Rating.objects.filter(member=scored.member_a1).update(stars=3, tier="warn")
    ratings_finalise(actor=act(scored.carol, 12, 30), org=scored.branch_a1, year=2026, period="Y")
    codes = set(Consequence.objects.values_list("code", flat=True))
    assert codes == {"criticise", "warning-talk", "rectify-plan"}
    talk = Consequence.objects.get(code="warning-talk")
    consequence_done(actor=act(scored.carol, 12, 31), consequence=talk, note="已谈话，本人表示整改")
    [recorded] = ReminderTalk.objects.filter(member=scored.member_a1)
    assert "2026年度星级评定3星" in recorded.notes and "诫勉谈话" in recorded.notes
    assert recorded.held_on == dt.date(2026, 12, 31)


def test_the_township_takes_an_eight_star_member_into_its_reserve_pool(scored: Cast) -> None:
    """000: "对评定为8星级以上的党员……纳入嘎查村班子后备力量重点培养": the township's list."""
    from django.test import Client

    from zhengxing.stars.models import Consequence, ReserveMember
    from zhengxing.stars.services import consequence_done, ratings_finalise

    run(scored)
    Rating.objects.filter(member=scored.member_a1).update(stars=9, tier="reward")
    ratings_finalise(actor=act(scored.carol, 12, 30), org=scored.branch_a1, year=2026, period="Y")
    task = Consequence.objects.get(code="reserve-pool")
    assert (task.owner_org, task.owner_role) == (scored.town_a, "township")
    consequence_done(actor=act(scored.bob, 12, 31), consequence=task, note="列入重点培养")
    [entry] = ReserveMember.objects.all()
    assert (entry.member, entry.township, entry.year, entry.stars) == (
        scored.member_a1,
        scored.town_a,
        2026,
        9,
    )
    bob = Client()
    bob.force_login(scored.bob)
    page = bob.get("/stars/reserve/", {"year": 2026})
    assert page.status_code == 200 and "王甲" in page.content.decode()
    listed = bob.get("/api/v1/stars/reserve", {"year": 2026}).json()
    assert [(e["name"], e["stars"], e["township"]["id"]) for e in listed] == [
        ("王甲", 9, scored.town_a.pk)
    ]
    dave = Client()
    dave.force_login(scored.dave)  # another township's: none of 甲镇's pool
    assert dave.get("/api/v1/stars/reserve", {"year": 2026}).json() == []
