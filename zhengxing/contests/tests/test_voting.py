"""The public's voting: one vote per code per entry per day, codes of this contest only, within
the window, a device's daily limit, counts hidden until voting closes, and the anomaly flags
that hold made votes for review.

同步发动广大党员、群众开展“线上投票” (article 001); 总投票数达70多万 (article 001)"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from zhengxing.audit.models import AuditEvent
from zhengxing.contests import selectors, services
from zhengxing.contests.models import Vote, VoteQuota, VoterCode
from zhengxing.contests.rules import WINDOW_SECONDS, code_hash, network_of
from zhengxing.core.errors import ServiceError
from zhengxing.testing import Cast

from .conftest import NOW, SHANGHAI, Arena, as_, make_contest

pytestmark = pytest.mark.django_db


def voter(now: dt.datetime = NOW, ip: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    return dataclasses.replace(as_(None, now), ip=ip, anonymous=True, label="anonymous")


def test_codes_are_kept_hashed_only(arena: Arena) -> None:
    kept = set(VoterCode.objects.filter(contest=arena.contest).values_list("code_hash", flat=True))
    assert len(kept) == 20
    assert {code_hash(c) for c in arena.codes} == kept
    assert not kept & set(arena.codes)


def test_one_vote_per_code_per_entry_per_day(arena: Arena) -> None:
    """同步发动广大党员、群众开展“线上投票”: a code votes for an entry once a day, for each
    entry."""
    code = arena.codes[0]
    services.vote_cast(
        actor=voter(), contest=arena.contest, entry_ref=arena.a1.public_ref, code=code
    )
    services.vote_cast(
        actor=voter(), contest=arena.contest, entry_ref=arena.b1.public_ref, code=code
    )
    before = (Vote.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError, match="今天已经为这个作品投过票") as refused:
        services.vote_cast(
            actor=voter(), contest=arena.contest, entry_ref=arena.a1.public_ref, code=code.lower()
        )
    assert refused.value.code == "duplicate"
    assert (Vote.objects.count(), AuditEvent.objects.count()) == before
    tomorrow = NOW + dt.timedelta(days=1)
    services.vote_cast(
        actor=voter(tomorrow), contest=arena.contest, entry_ref=arena.a1.public_ref, code=code
    )
    assert Vote.objects.filter(entry=arena.a1).count() == 2


def test_once_in_the_contest_when_the_organiser_says_so(cast: Cast, arena: Arena) -> None:
    contest = make_contest(cast, title="一次性投票", vote_period="contest")
    entry = services.entry_submit(
        actor=as_(cast.alice, dt.datetime(2026, 6, 5, tzinfo=SHANGHAI)),
        contest=contest,
        org=cast.branch_a1,
        title="作品",
        text="内容",
    )
    _b, codes = services.voter_codes_issue(
        actor=as_(cast.alice), contest=contest, count=1, label="纸条"
    )
    services.vote_cast(actor=voter(), contest=contest, entry_ref=entry.public_ref, code=codes[0])
    with pytest.raises(ServiceError, match="已经为这个作品投过票"):
        services.vote_cast(
            actor=voter(NOW + dt.timedelta(days=2)),
            contest=contest,
            entry_ref=entry.public_ref,
            code=codes[0],
        )


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (dt.datetime(2026, 6, 19, 23, 59, tzinfo=SHANGHAI), "before"),
        (dt.datetime(2026, 7, 11, 0, 0, tzinfo=SHANGHAI), "after"),
    ],
)
def test_outside_the_window_refused_nothing_written(
    arena: Arena, moment: dt.datetime, reason: str
) -> None:
    """3月7日至6月12日进行的“晒党建、晒成绩”环节: votes only within the voting dates."""
    before = (Vote.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError, match="不在投票时间内"):
        services.vote_cast(
            actor=voter(moment),
            contest=arena.contest,
            entry_ref=arena.a1.public_ref,
            code=arena.codes[0],
        )
    assert (Vote.objects.count(), AuditEvent.objects.count()) == before


def test_a_code_of_another_contest_or_none_refused(cast: Cast, arena: Arena) -> None:
    other = make_contest(cast, title="另一场比武")
    _b, theirs = services.voter_codes_issue(
        actor=as_(cast.alice), contest=other, count=1, label="纸条"
    )
    with pytest.raises(ServiceError, match="不属于本次比武"):
        services.vote_cast(
            actor=voter(), contest=arena.contest, entry_ref=arena.a1.public_ref, code=theirs[0]
        )
    with pytest.raises(ServiceError, match="投票码无效"):
        services.vote_cast(
            actor=voter(), contest=arena.contest, entry_ref=arena.a1.public_ref, code="ABCDEFGHJK"
        )
    assert Vote.objects.count() == 0


def test_a_device_past_its_daily_limit_refused(arena: Arena) -> None:
    arena.contest.device_daily_limit = 3
    arena.contest.save()
    for code in arena.codes[:3]:
        services.vote_cast(
            actor=voter(),
            contest=arena.contest,
            entry_ref=arena.a1.public_ref,
            code=code,
            device="phone-1",
        )
    with pytest.raises(ServiceError, match="设备今天的投票次数已达上限"):
        services.vote_cast(
            actor=voter(),
            contest=arena.contest,
            entry_ref=arena.a1.public_ref,
            code=arena.codes[3],
            device="phone-1",
        )
    services.vote_cast(
        actor=voter(),
        contest=arena.contest,
        entry_ref=arena.a1.public_ref,
        code=arena.codes[3],
        device="phone-2",
    )


def test_a_refused_vote_takes_nothing_of_the_devices_limit(arena: Arena) -> None:
    """A second vote of a code, refused, leaves the device's day as it was: the count is
    raised in the vote's own transaction and rolled back with it."""
    arena.contest.device_daily_limit = 2
    arena.contest.save()

    def cast(code: str) -> None:
        services.vote_cast(
            actor=voter(),
            contest=arena.contest,
            entry_ref=arena.a1.public_ref,
            code=code,
            device="phone-1",
        )

    cast(arena.codes[0])
    for _ in range(3):
        with pytest.raises(ServiceError, match="今天已经为这个作品投过票"):
            cast(arena.codes[0])
    cast(arena.codes[1])  # the device's second vote of the day
    before = (Vote.objects.count(), VoteQuota.objects.get(kind="device").n)
    with pytest.raises(ServiceError, match="设备今天的投票次数已达上限") as refused:
        cast(arena.codes[2])
    assert refused.value.code == "throttled"
    assert (Vote.objects.count(), VoteQuota.objects.get(kind="device").n) == before == (2, 2)


def test_the_device_limit_is_a_day_when_a_code_votes_once_in_the_contest(cast: Cast) -> None:
    """Where each code votes once in the contest (every vote's day is the first voting day),
    the device's limit still counts the votes of the calendar day it votes on."""
    contest = make_contest(cast, title="一次性投票", vote_period="contest")
    contest.device_daily_limit = 1
    contest.save()
    entry = services.entry_submit(
        actor=as_(cast.alice, dt.datetime(2026, 6, 5, tzinfo=SHANGHAI)),
        contest=contest,
        org=cast.branch_a1,
        title="作品",
        text="内容",
    )
    _b, codes = services.voter_codes_issue(
        actor=as_(cast.alice), contest=contest, count=3, label="纸条"
    )

    def cast_on(now: dt.datetime, code: str) -> None:
        services.vote_cast(
            actor=voter(now), contest=contest, entry_ref=entry.public_ref, code=code, device="p"
        )

    cast_on(NOW, codes[0])
    with pytest.raises(ServiceError, match="设备今天的投票次数已达上限"):
        cast_on(NOW + dt.timedelta(hours=1), codes[1])
    cast_on(NOW + dt.timedelta(days=1), codes[1])  # the next day: the device votes again
    assert set(Vote.objects.filter(contest=contest).values_list("day", flat=True)) == {
        contest.voting_from
    }


def test_counts_hidden_until_voting_closes(arena: Arena) -> None:
    services.vote_cast(
        actor=voter(), contest=arena.contest, entry_ref=arena.a1.public_ref, code=arena.codes[0]
    )
    assert selectors.votes_visible(arena.contest, NOW.date()) is None
    assert selectors.votes_visible(arena.contest, dt.date(2026, 7, 11)) == {arena.a1.pk: 1}


def plant(arena: Arena, *, votes: int, ip: str, start: dt.datetime, step_ms: int) -> None:
    """A simulated run: votes written as `vote_cast` writes them (a hundred codes of a batch of
    their own, each code for both entries, day after day), from one address, `step_ms` apart."""
    batch, _codes = services.voter_codes_issue(
        actor=as_(arena.contest.created_by), contest=arena.contest, count=100, label="可疑批次"
    )
    batch_id = batch.pk
    codes = list(VoterCode.objects.filter(batch=batch).values_list("pk", flat=True))
    base = int(start.timestamp() * 1000)
    rows = []
    for n in range(votes):
        code, rest = codes[n % len(codes)], n // len(codes)
        entry = (arena.a1, arena.b1)[rest % 2]
        at = base + n * step_ms
        rows.append(
            Vote(
                county_id=arena.contest.county_id,
                contest=arena.contest,
                entry=entry,
                code_id=code,
                batch_id_copy=batch_id,
                day=dt.date(2026, 6, 20) + dt.timedelta(days=rest // 2),
                at_ms=at,
                slot=at // (WINDOW_SECONDS * 1000),
                ip=ip,
                network=network_of(ip),
            )
        )
    Vote.objects.bulk_create(rows, batch_size=1000)


def test_a_planted_burst_of_5000_votes_from_one_address_is_flagged_and_held(arena: Arena) -> None:
    """A burst of 5,000 from one address is held for review, not dropped; honest votes stand."""
    plant(arena, votes=5000, ip="198.51.100.9", start=NOW - dt.timedelta(hours=1), step_ms=200)
    for i, code in enumerate(arena.codes[:4]):  # four neighbours voting from their own phones
        services.vote_cast(
            actor=voter(NOW + dt.timedelta(minutes=i), ip=f"192.0.2.{i + 1}"),
            contest=arena.contest,
            entry_ref=arena.a1.public_ref,
            code=code,
        )
    held = services.votes_flag(actor=as_(arena.contest.created_by), contest=arena.contest)
    assert held["address"] == 5000
    assert Vote.objects.filter(status="held").count() == 5000
    assert Vote.objects.filter(status="counted").count() == 4
    assert Vote.objects.count() == 5004  # nothing dropped
    assert selectors.tally(arena.contest) == {arena.a1.pk: 4}
    groups = selectors.held_groups(arena.contest)
    assert [(g.flag, g.key, g.votes) for g in groups] == [("address", "198.51.100.9", 5000)]


def test_network_batch_and_interval_flags(arena: Arena) -> None:
    """Bursts spread over a /24, codes issued together, a code voting twice within a second."""
    from zhengxing.contests.rules import Anomaly

    start = NOW - dt.timedelta(hours=2)
    base = int(start.timestamp() * 1000)
    codes = list(VoterCode.objects.filter(contest=arena.contest).values_list("pk", "batch_id"))
    rows = [
        Vote(
            county_id=arena.contest.county_id,
            contest=arena.contest,
            entry=arena.a1,
            code_id=codes[n][0],
            batch_id_copy=codes[n][1],
            day=dt.date(2026, 6, 30),
            at_ms=base + n * 20_000,
            slot=(base + n * 20_000) // 600_000,
            ip=f"100.64.1.{n + 1}",
            network="100.64.1.0/24",
        )
        for n in range(20)
    ]
    Vote.objects.bulk_create(rows)
    held = services.votes_flag(
        actor=as_(arena.contest.created_by),
        contest=arena.contest,
        anomaly=Anomaly(per_address=5, per_network=10, per_batch=1000, interval_ms=1500),
    )
    assert held["network"] > 0 and held["address"] == 0
    # a code that votes for the second entry 300 ms after the first: inhuman
    _b, (code,) = services.voter_codes_issue(
        actor=as_(arena.contest.created_by), contest=arena.contest, count=1, label="纸条"
    )
    services.vote_cast(
        actor=voter(NOW, ip="192.0.2.50"),
        contest=arena.contest,
        entry_ref=arena.a1.public_ref,
        code=code,
    )
    services.vote_cast(
        actor=voter(NOW + dt.timedelta(milliseconds=300), ip="192.0.2.50"),
        contest=arena.contest,
        entry_ref=arena.b1.public_ref,
        code=code,
    )
    held = services.votes_flag(actor=as_(arena.contest.created_by), contest=arena.contest)
    assert held["interval"] == 2


def test_the_organiser_lets_held_votes_stand_or_rejects_them(arena: Arena) -> None:
    plant(arena, votes=300, ip="198.51.100.9", start=NOW - dt.timedelta(minutes=30), step_ms=1000)
    services.votes_flag(actor=as_(arena.contest.created_by), contest=arena.contest)
    assert selectors.tally(arena.contest) == {}
    n = services.votes_review(
        actor=as_(arena.contest.created_by),
        contest=arena.contest,
        flag="address",
        key="198.51.100.9",
        keep=False,
    )
    assert n == 300
    assert Vote.objects.filter(status="rejected").count() == 300
    with pytest.raises(ServiceError, match="没有待审核的投票"):
        services.votes_review(
            actor=as_(arena.contest.created_by), contest=arena.contest, flag="address", keep=True
        )


def test_only_the_organiser_issues_codes_and_flags(cast: Cast, arena: Arena) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.voter_codes_issue(actor=as_(cast.carol), contest=arena.contest, count=5, label="x")
    with pytest.raises(PermissionDenied):
        services.votes_flag(actor=as_(cast.bob), contest=arena.contest)
