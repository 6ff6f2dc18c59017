"""How often one address may write where no login is asked: the public's reports, objections
and ballots, on the pages and through the API alike, share one count per address.

The counts live in the cache every worker shares (settings.CACHES: a database table, or
Redis), one counter per address and window, added to atomically, so four gunicorn workers
allow what one would. The address is `client_ip`'s: a forwarded header the client wrote itself
opens no new count.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.throttling import BaseThrottle

from zhengxing.core.addresses import client_ip

PUBLIC_WRITES = "public"


def _now() -> float:
    """The clock the windows are cut from (a test stands it mid-window)."""
    return time.time()


def rate_hit(
    *, scope: str, ident: str, limit: int, seconds: int, now: float | None = None
) -> float | None:
    """Count one request of `ident` in the current window of `seconds`: None while the count is
    within `limit`, else the seconds until the window ends."""
    now = _now() if now is None else now
    window = int(now // seconds)
    ends = (window + 1) * seconds
    key = f"zx:rate:{scope}:{seconds}:{ident}:{window}"
    timeout = int(ends - now) + 1
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.add(key, 1, timeout=timeout)
        count = 1
    return None if count <= limit else max(ends - now, 1.0)


def public_write_wait(request: HttpRequest) -> float | None:
    """Count one of the public's writes from this request's address: None when allowed, else
    how many seconds to wait (settings.ZHENGXING_PUBLIC_PER_MINUTE and _PER_DAY)."""
    ident = client_ip(request) or "unknown"
    for limit, seconds in (
        (settings.ZHENGXING_PUBLIC_PER_MINUTE, 60),
        (settings.ZHENGXING_PUBLIC_PER_DAY, 24 * 60 * 60),
    ):
        wait = rate_hit(scope=PUBLIC_WRITES, ident=ident, limit=limit, seconds=seconds)
        if wait is not None:
            request.zx_throttled = True  # type: ignore[attr-defined]
            return wait
    return None


class PublicWriteThrottle(BaseThrottle):
    """The same count for django-ninja's operations open to the public (`throttle=`)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = public_write_wait(request)
        return self._local.wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def public_write_throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the public's forms (no login: reports, objections, ballots): each POST counts
    towards its address's limit, shared with the API's public operations; past it, 429 with a
    page in the site's layout saying when to try again."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            wait = public_write_wait(request)
            if wait is not None:
                response = render(
                    request,
                    "audit/throttled.html",
                    {"minutes": max(1, math.ceil(wait / 60))},
                    status=429,
                )
                response["Retry-After"] = str(math.ceil(wait))
                return response
        return view(request, *args, **kwargs)

    return wrapped


# For the API's operations the public may use (report, object, vote): one count per address,
# shared with the public's pages.
PUBLIC_THROTTLE: list[BaseThrottle] = [PublicWriteThrottle()]
