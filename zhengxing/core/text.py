"""Free text typed into a form or sent to the API: trimmed, present when it must be, and within
its column's length, refused with one wording everywhere ("请填写…", "…不能超过N个字")."""

from __future__ import annotations

from .errors import ServiceError


def clean_text(value: str | None, *, label: str, limit: int, required: bool = True) -> str:
    """`value` without surrounding spaces; ServiceError when it is empty but `required`, or
    longer than `limit` characters. `label` names the field in the message."""
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}")
    if len(value) > limit:
        raise ServiceError(f"{label}不能超过{limit}个字")
    return value
