"""Reads of the audit log, always within the counties the caller may search."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent


def audit_events_search(
    *, counties: Collection[int] | None, data: dict[str, Any]
) -> QuerySet[AuditEvent]:
    """The events of these counties (None: of every county and of none, for a superuser),
    newest first, filtered by person, action, object, text and dates (each optional)."""
    found = AuditEvent.objects.all()
    if counties is not None:
        found = found.filter(county_id__in=counties)
    if data.get("who"):
        found = found.filter(actor_label=data["who"])
    if data.get("action"):
        found = found.filter(action__startswith=data["action"])
    if data.get("object_type"):
        found = found.filter(object_type=data["object_type"])
    if data.get("object_id"):
        found = found.filter(object_id=data["object_id"])
    if data.get("text"):
        found = found.filter(summary__contains=data["text"])
    if data.get("since"):
        found = found.filter(at__date__gte=data["since"])
    if data.get("until"):
        found = found.filter(at__date__lte=data["until"])
    return found.order_by("-at", "-pk")
