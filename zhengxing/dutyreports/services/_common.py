"""What the review's writes share: the audit row."""

from __future__ import annotations

from typing import Any

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor


def record(
    actor: Actor,
    action: str,
    obj: Any,
    summary: str,
    *,
    before: dict[str, Any] | None = None,
    **after: Any,
) -> None:
    """The audit row of a write: `action` is "<object type>.<verb>" (review_round.open)."""
    audit_record(
        actor=actor,
        action=f"dutyreports.{action}",
        object_type=action.split(".")[0],
        object_id=obj.pk,
        county_id=obj.county_id,
        summary=summary,
        before=before,
        after=after or None,
    )
