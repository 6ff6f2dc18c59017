"""Writing to the audit log. Every service that changes state calls `audit_record` (or
`audit_record_many`) inside its own transaction, so the change and its record commit together."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from zhengxing.core.actor import Actor
from zhengxing.core.bulk import Blanks, bulk_insert

from .models import AuditEvent


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
    """An unsaved event, for bulk writers (made fast: `core.bulk.Blanks`)."""
    user = actor.user
    event: AuditEvent = _blank_events().make(
        county_id=county_id,
        at=actor.now,
        actor_id=user.pk if user is not None else None,
        actor_label=actor.label[:150],
        ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        before=before,
        after=after,
    )
    return event


@functools.cache
def _blank_events() -> Blanks:
    return Blanks(AuditEvent)


def audit_record(**kwargs: Any) -> AuditEvent:
    event = audit_event(**kwargs)
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> None:
    """Many events at once (`core.bulk.bulk_insert`: values converted per column)."""
    bulk_insert(AuditEvent, list(events))
