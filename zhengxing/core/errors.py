"""The two refusals every service uses: `ServiceError` (the rules refuse the request; a 400 from
the API, a message on a page) and `require` (the actor's scope does not reach the object; a 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class ServiceError(ValueError):
    """A request the rules refuse; the message is for the person who made it."""


def require(allowed: bool) -> None:
    """Refuse (PermissionDenied) what the actor's scope does not allow."""
    if not allowed:
        raise PermissionDenied("无权操作该对象")
