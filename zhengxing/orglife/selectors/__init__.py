"""Organisation life's reads, always scoped, one module per subject; import them from
`zhengxing.orglife.selectors`."""

from .learning import (
    Hours,
    branch_hours,
    course_for_user,
    courses_for,
    lesson_for_user,
    lessons_to_confirm,
    member_hours,
    own_lessons,
)
from .meetings import (
    UPCOMING,
    BranchRecord,
    KindRecord,
    RollRow,
    branch_for_meetings,
    branch_meetings,
    has_signed_in,
    meeting_for_user,
    meeting_records,
    meeting_roll,
    member_for_meeting,
    own_attendee,
    per_year_for,
    upcoming_for_member,
)

__all__ = [
    "UPCOMING",
    "BranchRecord",
    "Hours",
    "KindRecord",
    "RollRow",
    "branch_for_meetings",
    "branch_hours",
    "branch_meetings",
    "course_for_user",
    "courses_for",
    "has_signed_in",
    "lesson_for_user",
    "lessons_to_confirm",
    "meeting_for_user",
    "meeting_records",
    "meeting_roll",
    "member_for_meeting",
    "member_hours",
    "own_attendee",
    "own_lessons",
    "per_year_for",
    "upcoming_for_member",
]
