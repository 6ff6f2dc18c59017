"""Organisation life's rows, one module per subject: meetings and sign-in, learning,
commitments (三亮), democratic appraisal, the board of chances to serve, the points supermarket."""

from .meetings import Attendee, Excuse, LifeRule, Meeting, MeetingKind, SignIn, SignInWay

__all__ = ["Attendee", "Excuse", "LifeRule", "Meeting", "MeetingKind", "SignIn", "SignInWay"]
