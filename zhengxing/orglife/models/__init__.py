"""Organisation life's rows, one module per subject: meetings and sign-in, learning,
commitments (三亮), democratic appraisal, the board of chances to serve, the points supermarket."""

from .commitments import (
    Commitment,
    CommitmentField,
    CommitmentProgress,
    CommitmentReview,
    CommitmentStatus,
)
from .shop import ShopChainHead, ShopEntry, ShopItem, ShopKind

__all__ = [
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
