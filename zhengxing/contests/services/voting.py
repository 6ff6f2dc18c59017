"""The public's voting: voter codes issued in batches, one vote per code per entry per day held
by a UNIQUE constraint, a per-device limit, and the anomaly flags that hold suspicious votes for
the organiser's review — never dropped unseen.

3月7日至6月12日进行的“晒党建、晒成绩”环节……同步发动广大党员、群众开展“线上投票” (article 001)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.core.text import clean_text

from ..models import Contest, Entry, Vote, VoterBatch, VoterCode
from ..quotas import device_take
from ..rules import (
    MAX_CODES_PER_BATCH,
    TITLE_MAX,
    WINDOW_SECONDS,
    Anomaly,
    Flag,
    Phase,
    code_hash,
    network_of,
    new_code,
)
from .contests import may_organise

CODE_REFUSED = "投票码无效，请核对纸条上的投票码后重新输入"
DEVICE_REFUSED = "这台设备今天的投票次数已达上限，请明天再来"


@transaction.atomic
def voter_codes_issue(
    *, actor: Actor, contest: Contest, count: int, label: str
) -> tuple[VoterBatch, list[str]]:
    """A batch of one-time voter codes to print on slips and hand out (through a branch, a
    grid worker, a meeting): returned once; only their hashes are kept. The batch is what
    "codes issued together" means to the anomaly flags."""
    require(may_organise(actor, contest))
    label = clean_text(label, label="发放单位或方式", limit=TITLE_MAX)
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ServiceError(f"每批投票码须为1至{MAX_CODES_PER_BATCH}个")
    if contest.phase(timezone.localdate(actor.now)) in (Phase.JUDGING, Phase.RESULTS):
        raise ServiceError("投票已经结束，不能再发放投票码", code="conflict")
    batch = VoterBatch.objects.create(
        county_id=contest.county_id,
        contest=contest,
        label=label,
        size=count,
        issued_by=actor.user,
        issued_at=actor.now,
    )
    codes = list({new_code() for _ in range(count)})
    while len(codes) < count:  # a repeat among 31^10: draw again
        codes = list(set(codes) | {new_code()})
    VoterCode.objects.bulk_create(
        VoterCode(county_id=contest.county_id, contest=contest, batch=batch, code_hash=code_hash(c))
        for c in codes
    )
    audit_record(
        actor=actor,
        action="contests.codes.issue",
        object_type="contest",
        object_id=contest.pk,
        county_id=contest.county_id,
        summary=f"{contest.title}：发放投票码{count}个（{label}）",
        after={"batch_id": batch.pk, "count": count},
    )
    return batch, codes


def vote_day(contest: Contest, today: dt.date) -> dt.date:
    """The day a vote counts against: today, or the first voting day where the contest allows
    one vote per entry in all."""
    return today if contest.vote_period == Contest.Period.DAY else contest.voting_from


# The entry and the code in one round trip (the vote is the app's hottest write: issue 23's
# "1,000 votes a second"): the entry of this contest by its public reference, beside the code
# by its hash, whichever contest it was issued for.
_ENTRY_AND_CODE = (
    f"SELECT e.id, c.id, c.contest_id, c.batch_id FROM {Entry._meta.db_table} e "
    f"LEFT JOIN {VoterCode._meta.db_table} c ON c.code_hash = %s "
    "WHERE e.contest_id = %s AND e.public_ref = %s"
)

_VOTE_COLUMNS = (
    "county_id",
    "contest_id",
    "entry_id",
    "code_id",
    "batch_id_copy",
    "day",
    "at_ms",
    "slot",
    "ip",
    "network",
    "device",
    "status",
    "flag",
)
# a second vote of the code for the entry that day inserts nothing (the UNIQUE constraint
# contest_vote_once): no IntegrityError to raise, unwind and roll back, the commonest refusal
_INSERT_VOTE = (
    f"INSERT INTO {Vote._meta.db_table} ({', '.join(_VOTE_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(_VOTE_COLUMNS))}) "
    "ON CONFLICT (code_id, entry_id, day) DO NOTHING RETURNING id"
)
_DELETE_VOTE = f"DELETE FROM {Vote._meta.db_table} WHERE id = %s"


class VoteTarget(NamedTuple):
    """What a vote is for, read before its write: the entry and the code's row and batch."""

    entry_id: int
    code_id: int
    batch_id: int


def vote_target(*, contest: Contest, entry_ref: str, code_key: str, today: dt.date) -> VoteTarget:
    """The entry and the code (by its hash, `code_hash`) a vote names, in one read that takes no
    lock (the public's vote reads them before its write transaction, so the database's write
    lock is held for the writes alone): outside the voting window, an entry not of the contest,
    a code unknown or of another contest, refused in Chinese."""
    if contest.phase(today) != Phase.VOTING:
        raise ServiceError(
            f"不在投票时间内（投票时间为{contest.voting_from:%Y年%m月%d日}至"
            f"{contest.voting_until:%Y年%m月%d日}）",
            code="conflict",
        )
    with connection.cursor() as cursor:
        cursor.execute(_ENTRY_AND_CODE, [code_key, contest.pk, entry_ref[:16]])
        found = cursor.fetchone()
    if found is None:
        raise ServiceError("本次比武没有这个参赛作品")
    entry_id, code_id, contest_id, batch_id = found
    if code_id is None:
        raise ServiceError(CODE_REFUSED)
    if contest_id != contest.pk:
        raise ServiceError("该投票码不属于本次比武，请使用本次比武发放的投票码")
    return VoteTarget(entry_id, code_id, batch_id)


def vote_new(
    *, actor: Actor, contest: Contest, target: VoteTarget, device: str, today: dt.date
) -> Vote:
    """The vote's row for `vote_write`, not yet written: when, from which address, network and
    device (worked out before the write transaction, which holds the database's write lock on
    SQLite: the lock is held for the statements alone)."""
    at_ms = int(actor.now.timestamp() * 1000)
    return Vote(
        county_id=contest.county_id,
        contest_id=contest.pk,
        entry_id=target.entry_id,
        code_id=target.code_id,
        batch_id_copy=target.batch_id,
        day=vote_day(contest, today),
        at_ms=at_ms,
        slot=at_ms // (WINDOW_SECONDS * 1000),
        ip=(actor.ip or "")[:45],
        network=network_of(actor.ip),
        device=(device or "")[:32],
        status=Vote.Status.COUNTED,
        flag="",
    )


def vote_write(vote: Vote, *, contest: Contest, today: dt.date) -> Vote:
    """Write a vote `vote_new` made, in its own transaction or its caller's (no savepoint): a
    second vote of the code for the entry that day, a device past its daily limit, refused in
    Chinese with nothing of the vote written. Both limits hold under concurrency in the
    database, whatever the pages checked: one vote by the UNIQUE constraint on (code, entry,
    day), the device's by its day's count row raised only while below the limit
    (`quotas.device_take`). In SQL: the ORM's save and compiling cost more than the
    statements."""
    refused = ""
    # no savepoint inside a caller's transaction (the public's vote counts its attempt in the
    # same one, which a refusal must not undo): nothing raised in here, every refusal undone
    # by hand — a second vote of the code wrote nothing; a device past its day takes back the
    # vote it just wrote.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_INSERT_VOTE, [getattr(vote, f) for f in _VOTE_COLUMNS])
        inserted = cursor.fetchone()
        if inserted is None:
            again = "今天已经" if contest.vote_period == Contest.Period.DAY else "已经"
            refused = f"该投票码{again}为这个作品投过票了"
        elif vote.device and not device_take(
            county_id=contest.county_id,
            contest_id=contest.pk,
            device=vote.device,
            day_ordinal=today.toordinal(),
            limit=contest.device_daily_limit,
        ):
            cursor.execute(_DELETE_VOTE, [inserted[0]])
            refused = DEVICE_REFUSED
    if refused:
        raise ServiceError(refused, code="throttled" if refused == DEVICE_REFUSED else "duplicate")
    assert inserted is not None
    vote.pk = inserted[0]
    return vote


def vote_cast(
    *, actor: Actor, contest: Contest, entry_ref: str, code: str, device: str = ""
) -> Vote:
    """One vote of a voter code for an entry. Outside the voting window, a code unknown or of
    another contest, a device past its daily limit, a second vote of the code for the entry
    that day: refused in Chinese, nothing written. Three statements: the entry and the code
    read together (`vote_target`), then the vote and the device's count in one transaction
    (`vote_write`). The vote is its own record (when, from which address, network and
    device); the organiser's holding and reviewing of votes is what the audit log records.

    同步发动广大党员、群众开展“线上投票” (article 001)"""
    today = timezone.localdate(actor.now)
    target = vote_target(
        contest=contest, entry_ref=entry_ref, code_key=code_hash(code), today=today
    )
    vote = vote_new(actor=actor, contest=contest, target=target, device=device, today=today)
    return vote_write(vote, contest=contest, today=today)


def _groups(contest: Contest, field: str, limit: int) -> list[tuple[object, int]]:
    """The (value, slot) groups of unflagged votes with more than `limit` votes: one query."""
    rows = (
        Vote.objects.filter(contest=contest)
        .exclude(**{field: ""} if field != "batch_id_copy" else {})
        .values_list(field, "slot")
        .annotate(n=Count("pk"))
        .filter(n__gt=limit)
    )
    return [(value, slot) for value, slot, _n in rows]


def _hold(contest: Contest, field: str, groups: Iterable[tuple[object, int]], flag: Flag) -> int:
    held = 0
    groups = list(groups)
    for i in range(0, len(groups), 100):  # one UPDATE per hundred groups, never per vote
        q = Q()
        for value, slot in groups[i : i + 100]:
            q |= Q(**{field: value, "slot": slot})
        held += Vote.objects.filter(q, contest=contest, flag="").update(
            status=Vote.Status.HELD, flag=flag
        )
    return held


@transaction.atomic
def votes_flag(*, actor: Actor, contest: Contest, anomaly: Anomaly | None = None) -> dict[str, int]:
    """Hold for review the votes that look made, not cast: per window, a burst from one
    address, from one /24 network, from codes issued together; and a code voting again at an
    inhuman interval. Set-based: a few grouped queries and UPDATEs, none per vote. Held votes
    count only if the organiser lets them stand (`votes_review`); the others are never
    touched. Returns how many were held for each reason. Once the results are published the
    votes behind them stay as they were counted: refused."""
    require(may_organise(actor, contest))
    if contest.published_at is not None:
        raise ServiceError("结果已经公布，投票不能再检查或扣留", code="conflict")
    a = anomaly or Anomaly()
    out = {
        Flag.ADDRESS: _hold(contest, "ip", _groups(contest, "ip", a.per_address), Flag.ADDRESS),
        Flag.NETWORK: _hold(
            contest, "network", _groups(contest, "network", a.per_network), Flag.NETWORK
        ),
        Flag.BATCH: _hold(
            contest, "batch_id_copy", _groups(contest, "batch_id_copy", a.per_batch), Flag.BATCH
        ),
    }
    close = Vote.objects.filter(
        code_id=OuterRef("code_id"),
        at_ms__gt=OuterRef("at_ms") - a.interval_ms,
        at_ms__lt=OuterRef("at_ms") + a.interval_ms,
    ).exclude(pk=OuterRef("pk"))
    out[Flag.INTERVAL] = (
        Vote.objects.filter(contest=contest, flag="")
        .filter(Exists(close))
        .update(status=Vote.Status.HELD, flag=Flag.INTERVAL)
    )
    audit_record(
        actor=actor,
        action="contests.votes.flag",
        object_type="contest",
        object_id=contest.pk,
        county_id=contest.county_id,
        summary=f"{contest.title}：异常投票待审 {sum(out.values())} 票",
        after={str(k): v for k, v in out.items()},
    )
    return {str(k): v for k, v in out.items()}


@transaction.atomic
def votes_review(*, actor: Actor, contest: Contest, flag: str, key: str = "", keep: bool) -> int:
    """The organiser's decision on a group of held votes (a flag, and the address, network or
    batch it was raised for): counted after all, or rejected. Returns how many were decided."""
    require(may_organise(actor, contest))
    if flag not in Flag.values:
        raise ServiceError("请选择要审核的异常类型")
    held = Vote.objects.filter(contest=contest, status=Vote.Status.HELD, flag=flag)
    if key:
        field = {Flag.ADDRESS: "ip", Flag.NETWORK: "network", Flag.BATCH: "batch_id_copy"}.get(
            Flag(flag)
        )
        if field is None or (field == "batch_id_copy" and not key.isdigit()):
            raise ServiceError("审核对象不正确")
        held = held.filter(**{field: key})
    status = Vote.Status.COUNTED if keep else Vote.Status.REJECTED
    n = held.update(status=status)
    if n == 0:
        raise ServiceError("没有待审核的投票", code="conflict")
    audit_record(
        actor=actor,
        action="contests.votes.review",
        object_type="contest",
        object_id=contest.pk,
        county_id=contest.county_id,
        summary=f"{contest.title}：{n}票异常投票{'计入' if keep else '不予计入'}",
        after={"flag": flag, "key": key, "keep": keep, "votes": n},
    )
    return n
