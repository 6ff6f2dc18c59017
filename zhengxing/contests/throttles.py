"""How fast the public may vote: per address and per voter code, a minute each, counted for
every attempt — a code guessed wrong included — in the contest's own count rows
(`quotas.attempts_count`: both in one statement, each row serialised by the database, so four
gunicorn workers allow what one would), for the pages and the API alike.

Not the shared cache's counters (`audit.throttles.rate_hit`): on the default database cache
each of those is a count of the whole table, a read, an insert, a lock, a read and an update,
and at a thousand codes a minute the cache's culling would drop live counters with the rest."""

from __future__ import annotations

import time
from typing import NamedTuple

from django.conf import settings
from django.http import HttpRequest

from zhengxing.core.addresses import client_ip

from .models import Contest, VoteQuota
from .quotas import attempts_count
from .rules import code_hash

DEVICE_COOKIE = "zx_contest_device"
DEVICE_SALT = "contests.device"


def _now() -> float:
    """The clock the minutes are cut from (a test stands it mid-minute)."""
    return time.time()


class Attempt(NamedTuple):
    """One vote's attempt, what it is counted by worked out before the public's vote opens its
    write transaction (which, on SQLite, holds the database's write lock from its BEGIN: the
    lock is held for the counting statement alone)."""

    county_id: int
    contest_id: int
    address: str
    code_key: str
    now: float


def vote_attempt(contest: Contest, *, address: str | None, code_key: str) -> Attempt:
    """The attempt of this address (`client_ip`'s) with the code of this hash (`code_hash`),
    now."""
    return Attempt(
        contest.county_id, contest.pk, (address or "unknown")[:64], code_key[:24], _now()
    )


def attempt_wait(request: HttpRequest, attempt: Attempt) -> float | None:
    """Count the attempt in its minute, for its address and its code: None while both are
    within their minute's limits (settings.ZHENGXING_CONTEST_VOTES_PER_ADDRESS, _PER_CODE),
    else the seconds to wait."""
    minute = int(attempt.now // 60)
    counts = attempts_count(
        county_id=attempt.county_id,
        contest_id=attempt.contest_id,
        address=attempt.address,
        code_key=attempt.code_key,
        minute=minute,
    )
    if (
        counts[VoteQuota.Kind.ADDRESS] > settings.ZHENGXING_CONTEST_VOTES_PER_ADDRESS
        or counts[VoteQuota.Kind.CODE] > settings.ZHENGXING_CONTEST_VOTES_PER_CODE
    ):
        request.zx_throttled = True  # type: ignore[attr-defined]
        return max((minute + 1) * 60 - attempt.now, 1.0)
    return None


def vote_wait(request: HttpRequest, contest: Contest, code: str) -> float | None:
    """Count one vote of this address and this code in this contest (`attempt_wait`)."""
    attempt = vote_attempt(contest, address=client_ip(request), code_key=code_hash(code))
    return attempt_wait(request, attempt)


def device_of(request: HttpRequest) -> str:
    """The device's id from its signed cookie ("" when it has none or it was tampered with)."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)
    return str(value)[:32]
