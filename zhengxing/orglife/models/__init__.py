"""Organisation life's rows, one module per subject: meetings and sign-in, learning,
commitments (三亮), democratic appraisal, the board of chances to serve, the points supermarket."""

from .appraisal import (
    AppraisalBallot,
    AppraisalPolicy,
    AppraisalResult,
    AppraisalRound,
    FollowUpStep,
)
from .chances import Chance, ChanceKind, ChanceSignup
from .commitments import (
    Commitment,
    CommitmentField,
    CommitmentProgress,
    CommitmentReview,
    CommitmentStatus,
)
from .learning import DELIVERED_KINDS, Course, CourseKind, Lesson, LessonState
from .meetings import (
    Attendee,
    Excuse,
    LifeRule,
    Meeting,
    MeetingKind,
    MeetingPhoto,
    SignIn,
    SignInWay,
)
from .shop import ShopChainHead, ShopEntry, ShopItem, ShopKind

__all__ = [
    "DELIVERED_KINDS",
    "AppraisalBallot",
    "AppraisalPolicy",
    "AppraisalResult",
    "AppraisalRound",
    "Attendee",
    "Chance",
    "ChanceKind",
    "ChanceSignup",
    "Commitment",
    "CommitmentField",
    "CommitmentProgress",
    "CommitmentReview",
    "CommitmentStatus",
    "Course",
    "CourseKind",
    "Excuse",
    "FollowUpStep",
    "Lesson",
    "LessonState",
    "LifeRule",
    "Meeting",
    "MeetingKind",
    "MeetingPhoto",
    "ShopChainHead",
    "ShopEntry",
    "ShopItem",
    "ShopKind",
    "SignIn",
    "SignInWay",
]
