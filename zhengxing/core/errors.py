"""The two refusals every service uses: `ServiceError` (the rules refuse the request; a 400 from
the API, a message on a page) and `require` (the actor's scope does not reach the object; a 403).

Beside its Chinese message, every error the API returns carries a short English `code` that
stays the same when the wording changes, so a client branches on the code, never on the text.
"""

from __future__ import annotations

from typing import Literal, get_args

from django.core.exceptions import PermissionDenied

ErrorCode = Literal[
    "invalid",  # the rules refuse this input (the default)
    "duplicate",  # the code, number or name is already taken
    "conflict",  # the object has moved on (already reviewed, submitted, used): reload and retry
    "quarter_closed",  # the quarter is signed: its ledger takes no more changes
    "round_closed",  # the evaluation round has ended: no more ballots
    "unauthenticated",  # 401: no valid token or session
    "out_of_scope",  # 403: the actor's roles do not reach the object or the action
    "reauth_required",  # 403: the action needs the password again (POST /api/v1/auth/reauth)
    "not_found",  # 404: no such object, or one outside the actor's scope (they look the same)
    "throttled",  # 429: too many attempts; Retry-After says when to try again
]
ERROR_CODES: tuple[ErrorCode, ...] = get_args(ErrorCode)


class ServiceError(ValueError):
    """A request the rules refuse; the message is for the person who made it, the `code` for
    the program that sent it."""

    def __init__(self, message: str, *, code: ErrorCode = "invalid") -> None:
        super().__init__(message)
        self.code: ErrorCode = code


def require(allowed: bool) -> None:
    """Refuse (PermissionDenied, code "out_of_scope") what the actor's scope does not allow."""
    if not allowed:
        raise PermissionDenied("无权操作该对象")
