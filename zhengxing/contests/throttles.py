"""How fast the public may vote: per address and per voter code, a minute each, in the cache
every worker shares (`audit.throttles.rate_hit`), for the pages and the API alike."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from zhengxing.audit.throttles import rate_hit
from zhengxing.core.addresses import client_ip

from .rules import code_hash

DEVICE_COOKIE = "zx_contest_device"
DEVICE_SALT = "contests.device"


def vote_wait(request: HttpRequest, code: str) -> float | None:
    """Count one vote of this address and this code: None while both are within their
    minute's limits (settings.ZHENGXING_CONTEST_VOTES_PER_ADDRESS, _PER_CODE), else the
    seconds to wait."""
    ident = client_ip(request) or "unknown"
    for scope, key, limit in (
        ("contest-vote-ip", ident, settings.ZHENGXING_CONTEST_VOTES_PER_ADDRESS),
        ("contest-vote-code", code_hash(code)[:24], settings.ZHENGXING_CONTEST_VOTES_PER_CODE),
    ):
        wait = rate_hit(scope=scope, ident=key, limit=limit, seconds=60)
        if wait is not None:
            request.zx_throttled = True  # type: ignore[attr-defined]
            return wait
    return None


def device_of(request: HttpRequest) -> str:
    """The device's id from its signed cookie ("" when it has none or it was tampered with)."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)
    return str(value)[:32]
