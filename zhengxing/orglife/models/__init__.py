"""Organisation life's rows, one module per subject: meetings and sign-in, learning,
commitments (三亮), democratic appraisal, the board of chances to serve, the points supermarket."""

from .appraisal import AppraisalBallot, AppraisalPolicy, AppraisalResult, AppraisalRound
from .chances import Chance, ChanceKind, ChanceSignup
from .commitments import (
    Commitment,
    CommitmentField,
    CommitmentProgress,
    CommitmentReview,
    CommitmentStatus,
)
from .shop import ShopChainHead, ShopEntry, ShopItem, ShopKind

__all__ = [
    "AppraisalBallot",
    "AppraisalPolicy",
    "AppraisalResult",
    "AppraisalRound",
    "Chance",
    "ChanceKind",
    "ChanceSignup",
    "Commitment",
    "CommitmentField",
    "CommitmentProgress",
    "CommitmentReview",
    "CommitmentStatus",
    "ShopChainHead",
    "ShopEntry",
    "ShopItem",
    "ShopKind",
]
