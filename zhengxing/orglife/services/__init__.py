"""Organisation life's writes, one module per subject; import them from
`zhengxing.orglife.services` whichever module holds them."""

from .learning import (
    course_create,
    course_pick,
    lesson_report,
    lessons_confirm,
    lessons_deliver,
    may_keep_courses,
)
from .meetings import (
    Closed,
    LifeItems,
    attendee_excuse,
    life_items,
    life_rule_set,
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
    "course_create",
    "course_pick",
    "lesson_report",
    "lessons_confirm",
    "lessons_deliver",
    "life_items",
    "life_rule_set",
    "may_keep_courses",
    "may_run_meeting",
    "meeting_close",
    "meeting_live_code",
    "meeting_plan",
    "meeting_sign_in",
    "meeting_tick",
]
