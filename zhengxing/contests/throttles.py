"""How fast the public may vote: per address and per voter code, a minute each, counted for
every attempt — a code guessed wrong included — in the contest's own count rows
(`quotas.attempts_count`: both in one statement, each row serialised by the database, so four
gunicorn workers allow what one would), for the pages and the API alike.

Not the shared cache's counters (`audit.throttles.rate_hit`): on the default database cache
each of those is a count of the whole table, a read, an insert, a lock, a read and an update,
and at a thousand codes a minute the cache's culling would drop live counters with the rest."""

from __future__ import annotations

import time

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


def vote_wait(request: HttpRequest, contest: Contest, code: str) -> float | None:
    """Count one vote of this address and this code in this contest: None while both are
    within their minute's limits (settings.ZHENGXING_CONTEST_VOTES_PER_ADDRESS, _PER_CODE),
    else the seconds to wait."""
    now = _now()
    minute = int(now // 60)
    counts = attempts_count(
        county_id=contest.county_id,
        contest_id=contest.pk,
        address=(client_ip(request) or "unknown")[:64],
        code_key=code_hash(code)[:24],
        minute=minute,
    )
    if (
        counts[VoteQuota.Kind.ADDRESS] > settings.ZHENGXING_CONTEST_VOTES_PER_ADDRESS
        or counts[VoteQuota.Kind.CODE] > settings.ZHENGXING_CONTEST_VOTES_PER_CODE
    ):
        request.zx_throttled = True  # type: ignore[attr-defined]
        return max((minute + 1) * 60 - now, 1.0)
    return None


def device_of(request: HttpRequest) -> str:
    """The device's id from its signed cookie ("" when it has none or it was tampered with)."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)
    return str(value)[:32]
