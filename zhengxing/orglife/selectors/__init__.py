"""Organisation life's reads, always scoped, one module per subject; import them from
`zhengxing.orglife.selectors`."""

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
    "KindRecord",
    "RollRow",
    "branch_for_meetings",
    "branch_meetings",
    "has_signed_in",
    "meeting_for_user",
    "meeting_records",
    "meeting_roll",
    "member_for_meeting",
    "own_attendee",
    "per_year_for",
    "upcoming_for_member",
]
