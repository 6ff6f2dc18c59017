"""Organisation life's rows, one module per subject: meetings and sign-in, learning,
commitments (三亮), democratic appraisal, the board of chances to serve, the points supermarket."""

from .learning import DELIVERED_KINDS, Course, CourseKind, Lesson, LessonState
from .meetings import Attendee, Excuse, LifeRule, Meeting, MeetingKind, SignIn, SignInWay

__all__ = [
    "DELIVERED_KINDS",
    "Attendee",
    "Course",
    "CourseKind",
    "Excuse",
    "Lesson",
    "LessonState",
    "LifeRule",
    "Meeting",
    "MeetingKind",
    "SignIn",
    "SignInWay",
]
