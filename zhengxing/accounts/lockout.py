"""Lock the account, not the building (django-axes' handler, settings.AXES_HANDLER).

Failed logins are counted in the database (axes' AccessAttempt rows, which every worker sees),
twice over and against two limits:
- by username, from whatever address: settings.AXES_FAILURE_LIMIT (5) lock that account;
- by address (`client_ip`, behind the trusted proxies): settings.ZHENGXING_ADDRESS_FAILURES
  (50) lock the address, whatever names it tries — a script walking through usernames.
So five failures for made-up names from the village's shared address stop nobody, and a
real user's password is still guessed at most five times in the cool-off.

A successful login clears the count of that username only: clearing its address's too would
let someone who holds any account wipe the failures they ran up against another's.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT = "zx_locked_out"  # set on the request by LockoutBackend: refused while locked out


def _total(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


class AccountLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    def _recent(self, request: HttpRequest) -> QuerySet[AccessAttempt]:
        since = get_cool_off_threshold(request)
        attempts: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(attempt_time__gte=since)
        return attempts

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The account's failures, or the account's limit when the address is locked (axes
        compares this one number with settings.AXES_FAILURE_LIMIT)."""
        recent = self._recent(request)
        username = get_client_username(request, credentials)
        by_account = _total(recent.filter(username=username)) if username else 0
        address = getattr(request, "axes_ip_address", None)
        if address:
            by_address = _total(recent.filter(ip_address=address))
            if by_address >= settings.ZHENGXING_ADDRESS_FAILURES:
                return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return int(count)


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes is untyped
    """django-axes' check before the password: an attempt while the account or the address is
    locked out is refused unchecked, and marked on the request so the audit log records it as
    `auth.locked`, not as a wrong password."""

    def authenticate(
        self,
        request: HttpRequest,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, LOCKED_OUT, True)
            raise


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Too many failed logins (django-axes): a JSON error for the API, the page for a browser;
    429 either way, with when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": f"登录失败次数过多，请{minutes}分钟后再试", "code": "throttled"}, status=429
        )
    else:
        response = render(
            request,
            "accounts/locked.html",
            {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
            status=429,
        )
    response["Retry-After"] = str(minutes * 60)
    return response
