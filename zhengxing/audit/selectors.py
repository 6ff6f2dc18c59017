"""Reads of the audit log, always within the counties the caller may search."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_events_search(
    *,
    counties: Collection[int] | None,
    data: dict[str, Any],
    also_on_object: Collection[int] | None = None,
) -> QuerySet[AuditEvent]:
    """The events of these counties (None: of every county and of none, for a superuser),
    newest first, filtered by person, action, object, text and dates (each optional).
    `also_on_object`: the ids of events that concern the searched object without naming it
    (a roster import's one row, for each member it registered or changed)."""
    found = AuditEvent.objects.all()
    if counties is not None:
        found = found.filter(county_id__in=counties)
    if data.get("who"):
        found = found.filter(actor_label=data["who"])
    if data.get("action"):
        found = found.filter(action__startswith=data["action"])
    on_object = Q()
    if data.get("object_type"):
        on_object &= Q(object_type=data["object_type"])
    if data.get("object_id"):
        on_object &= Q(object_id=data["object_id"])
    if also_on_object is not None:
        on_object |= Q(pk__in=also_on_object)
    found = found.filter(on_object)
    if data.get("text"):
        found = found.filter(summary__contains=data["text"])
    if data.get("since"):
        found = found.filter(at__date__gte=data["since"])
    if data.get("until"):
        found = found.filter(at__date__lte=data["until"])
    return found.order_by("-at", "-pk")
