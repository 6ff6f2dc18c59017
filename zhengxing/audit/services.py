"""Writing to the audit log. Every service that changes state calls `audit_record` (or
`audit_record_many`) inside its own transaction, so the change and its record commit together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from .addresses import client_ip
from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from where: a signed-in user, or a command run on the server."""

    user: User | None
    ip: str | None = None
    label: str = ""
    now: dt.datetime = field(default_factory=timezone.now)
    anonymous: bool = False

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user: User | AnonymousUser = request.user
        real_user = user if user.is_authenticated else None
        return cls(
            user=real_user,  # type: ignore[arg-type]
            ip=client_ip(request),
            label=real_user.get_username() if real_user else "anonymous",
            anonymous=real_user is None,
        )

    @classmethod
    def system(cls, label: str, user: User | None = None) -> Actor:
        return cls(user=user, label=label if user is None else user.get_username())

    @property
    def is_system(self) -> bool:
        """A command run on the server: acts on everything. Never an anonymous visitor."""
        return self.user is None and not self.anonymous


def audit_event(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object = "",
    county_id: int | None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved event, for bulk writers."""
    return AuditEvent(
        county_id=county_id,
        at=actor.now,
        actor=actor.user,  # type: ignore[misc]
        actor_label=actor.label[:150],
        ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        before=before,
        after=after,
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    event = audit_event(**kwargs)
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent], *, batch_size: int = 2000) -> None:
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
