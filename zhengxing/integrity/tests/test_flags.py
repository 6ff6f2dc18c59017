"""The ratings detector on real ballots in a round, the scan that stores its findings as flags
(once), the township's decision on a flag, and `zhengxing integrity-scan`.

The cast (zhengxing.testing): bob is township A's, dave township B's, alice the county's;
carol is A1B's secretary. A1B holds thirty members who rated one another in the H1 peer round:
two of them (a pair planted from the benchmark's generator) gave each other 97–100 where the
branch gives them about 78. In the H1 committee round, ten of them rated the same ten: one gave
everyone 100, two handed in the same ballots.

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报"."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.audit.models import AuditEvent
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError
from zhengxing.integrity import ratings
from zhengxing.integrity.findings import Window
from zhengxing.integrity.flags import findings_scan, flag_decide
from zhengxing.integrity.models import Flag
from zhengxing.integrity.rings_synth import synthetic_round
from zhengxing.orgs.models import Member
from zhengxing.stars.models import Ballot, EvaluationRound
from zhengxing.stars.rounds import round_create
from zhengxing.testing import Cast, add_member

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FORM = [{"code": "T", "name": "综合评价", "max": "100"}]
SINCE, UNTIL = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def act(user, month: int = 7, day: int = 10) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user=user, label=user.get_username(), now=at(month, day))


def _ballots(round_: EvaluationRound, rows: list[tuple[Member, Member, float]]) -> None:
    Ballot.objects.bulk_create(
        Ballot(
            county_id=round_.county_id,
            round=round_,
            kind=round_.kind,
            rater=f"m{rater.pk}",
            rater_member=rater,
            ratee_member=ratee,
            scores={"T": f"{score:g}"},
            total=Decimal(f"{score:g}"),
            submitted_at=round_.opens_at,
            updated_at=round_.opens_at,
        )
        for rater, ratee, score in rows
    )


@pytest.fixture
def rated(cast: Cast) -> tuple[Cast, EvaluationRound, EvaluationRound, tuple[Member, ...]]:
    members = [add_member(cast.county, "A1B", name=f"评议人{i:02d}") for i in range(30)]
    triples, planted = synthetic_round(random.Random(1), raters=30, ring=2)
    by_key = {f"m{i}": m for i, m in enumerate(members)}
    peer = round_create(
        actor=act(cast.carol, 6, 20), org=cast.branch_a1, year=2026, period="H1", kind="peer",
        name="上半年互评", indicators=FORM, opens_at=at(6, 25), closes_at=at(7, 5),
    )  # fmt: skip
    _ballots(peer, [(by_key[a], by_key[b], s) for a, b, s in triples])
    committee = round_create(
        actor=act(cast.carol, 6, 20), org=cast.branch_a1, year=2026, period="H1",
        kind="committee", name="上半年商评", indicators=FORM, opens_at=at(7, 6),
        closes_at=at(7, 9),
    )  # fmt: skip
    raters, ratees = members[:10], members[10:20]
    rng = random.Random(9)
    same = {ratee.pk: float(rng.randint(60, 95)) for ratee in ratees}
    rows = []
    for i, rater in enumerate(raters):
        for ratee in ratees:
            if i == 0:
                score = 100.0
            elif i in (1, 2):
                score = same[ratee.pk]
            else:
                score = float(rng.randint(60, 95))
            rows.append((rater, ratee, score))
    _ballots(committee, rows)
    pair = tuple(sorted((by_key[k] for k in planted), key=lambda m: m.pk))
    return cast, peer, committee, pair


def test_a_planted_pair_in_a_round_of_real_ballots_is_found(rated) -> None:  # type: ignore[no-untyped-def]
    _cast, peer, _committee, pair = rated
    with CaptureQueriesContext(connection) as queries:
        hits = ratings.round_hits(peer)
    assert len(queries) == 1  # the round's ballots, in one query
    assert [r.members for r in hits.rings] == [tuple(sorted(f"m{m.pk}" for m in pair))]
    assert hits.outliers == hits.extremes == hits.identical == []


def test_the_scan_stores_each_finding_once_with_its_evidence(rated) -> None:  # type: ignore[no-untyped-def]
    cast, peer, committee, pair = rated
    ballots_before = list(Ballot.objects.order_by("pk").values_list("pk", "total", "scores"))
    scanned = findings_scan(actor=act(cast.bob), county=cast.county, since=SINCE, until=UNTIL)
    assert scanned.by_kind == {
        ratings.RING: 1,
        ratings.EXTREME: 1,
        ratings.IDENTICAL: 1,
        ratings.OUTLIER: 1,  # the all-100 rater is far above everyone as well
    }
    assert scanned.new == scanned.found == 4
    ring = Flag.objects.get(kind=ratings.RING)
    assert ring.org == cast.branch_a1 and ring.status == "open"
    assert ring.subject == f"round:{peer.pk}/ring:" + ",".join(sorted(f"m{m.pk}" for m in pair))
    evidence = ring.evidence
    assert {p["name"] for p in evidence["members"]} == {m.name for m in pair}
    assert len(evidence["scores"]) == 2
    for row in evidence["scores"]:
        assert row["score"] >= 97 and row["score"] - row["others_mean"] > 10
    assert evidence["p_value"] <= 0.01 and evidence["permutations"] == 99
    extreme = Flag.objects.get(kind=ratings.EXTREME)
    assert extreme.evidence["rater"]["name"] == "评议人00"
    assert {r["score"] for r in extreme.evidence["scores"]} == {100.0}
    identical = Flag.objects.get(kind=ratings.IDENTICAL)
    assert [r["name"] for r in identical.evidence["raters"]] == ["评议人01", "评议人02"]
    assert identical.subject.startswith(f"round:{committee.pk}/raters:")
    # a re-scan finds the same and stores nothing new; the ballots are as they were
    again = findings_scan(actor=act(cast.alice), county=cast.county, since=SINCE, until=UNTIL)
    assert (again.found, again.new) == (4, 0)
    assert Flag.objects.count() == 4
    assert list(Ballot.objects.order_by("pk").values_list("pk", "total", "scores")) == (
        ballots_before
    )
    audits = AuditEvent.objects.filter(action="integrity.findings.scan").order_by("pk")
    assert [a.after["new"] for a in audits] == [4, 0]


def test_a_township_scans_and_stores_only_its_own(rated) -> None:  # type: ignore[no-untyped-def]
    cast = rated[0]
    scanned = findings_scan(actor=act(cast.dave), county=cast.county, since=SINCE, until=UNTIL)
    assert (scanned.found, scanned.new) == (0, 0)
    assert not Flag.objects.exists()


def test_rounds_outside_the_window_are_not_read(rated) -> None:  # type: ignore[no-untyped-def]
    cast = rated[0]
    window = Window(county_id=cast.county.pk, since=dt.date(2026, 8, 1), until=UNTIL)
    assert ratings.ratings_find(window) == []


@pytest.mark.parametrize("who", ["carol", "cathy", "erin", "gina"])
def test_only_the_township_and_the_county_scan(rated, who: str) -> None:  # type: ignore[no-untyped-def]
    cast = rated[0]
    with pytest.raises(PermissionDenied):
        findings_scan(actor=act(getattr(cast, who)), county=cast.county, since=SINCE, until=UNTIL)
    assert not AuditEvent.objects.filter(action="integrity.findings.scan").exists()


def test_a_scan_refuses_a_window_backwards_or_too_long(cast: Cast) -> None:
    with pytest.raises(ServiceError, match="开始日期"):
        findings_scan(actor=act(cast.bob), county=cast.county, since=UNTIL, until=SINCE)
    with pytest.raises(ServiceError, match="两年"):
        findings_scan(
            actor=act(cast.bob), county=cast.county, since=dt.date(2023, 1, 1), until=UNTIL
        )


def test_the_township_confirms_or_dismisses_a_flag_with_a_note(rated) -> None:  # type: ignore[no-untyped-def]
    cast = rated[0]
    findings_scan(actor=act(cast.bob), county=cast.county, since=SINCE, until=UNTIL)
    flag = Flag.objects.get(kind=ratings.RING)
    with pytest.raises(ServiceError, match="核查意见"):
        flag_decide(actor=act(cast.bob), flag=flag, status="confirmed", note="  ")
    decided = flag_decide(
        actor=act(cast.bob, 7, 12), flag=flag, status="confirmed", note="两人约定互打高分，已约谈"
    )
    assert (decided.status, decided.decided_by, decided.decided_at) == (
        "confirmed", cast.bob, at(7, 12),
    )  # fmt: skip
    with pytest.raises(ServiceError) as twice:
        flag_decide(actor=act(cast.bob), flag=flag, status="confirmed", note="再次")
    assert twice.value.code == "conflict"
    audit = AuditEvent.objects.get(action="integrity.flag.decide")
    assert audit.before == {"status": "open", "note": ""}
    assert audit.after == {"status": "confirmed", "note": "两人约定互打高分，已约谈"}
    # a re-scan leaves the decision as it is
    findings_scan(actor=act(cast.bob), county=cast.county, since=SINCE, until=UNTIL)
    assert Flag.objects.get(pk=flag.pk).status == "confirmed"


@pytest.mark.parametrize("who", ["dave", "carol", "erin"])
def test_a_flag_outside_the_scope_is_refused(rated, who: str) -> None:  # type: ignore[no-untyped-def]
    cast = rated[0]
    findings_scan(actor=act(cast.bob), county=cast.county, since=SINCE, until=UNTIL)
    flag = Flag.objects.get(kind=ratings.RING)
    with pytest.raises(PermissionDenied):
        flag_decide(actor=act(getattr(cast, who)), flag=flag, status="dismissed", note="无")
    assert Flag.objects.get(pk=flag.pk).status == "open"


def test_the_command_scans_a_county(rated) -> None:  # type: ignore[no-untyped-def]
    cast = rated[0]
    out = StringIO()
    call_command(
        "integrity-scan", "--county", "T1", "--since", "2026-01-01", "--until", "2026-12-31",
        stdout=out,
    )  # fmt: skip
    assert "发现4项，新记4项" in out.getvalue()
    assert Flag.objects.filter(county=cast.county).count() == 4
