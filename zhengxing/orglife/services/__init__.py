"""Organisation life's writes, one module per subject; import them from
`zhengxing.orglife.services` whichever module holds them."""

from .meetings import (
    Closed,
    LifeItems,
    attendee_excuse,
    life_items,
    may_run_meeting,
    meeting_close,
    meeting_live_code,
    meeting_plan,
    meeting_sign_in,
    meeting_tick,
)

__all__ = [
    "Closed",
    "LifeItems",
    "attendee_excuse",
    "life_items",
    "may_run_meeting",
    "meeting_close",
    "meeting_live_code",
    "meeting_plan",
    "meeting_sign_in",
    "meeting_tick",
]
