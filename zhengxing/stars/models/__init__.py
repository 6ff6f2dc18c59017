"""The stars' rows, by subject: schemes (`schemes.py`), rounds and ballots (`rounds.py`), the
computed ratings (`ratings.py`), plans and posts (`plans.py`), rectification (`rectify.py`); every
model is importable from here, as Django expects.

Every row carries `county_id`, the shard key (see orgs.models). A scheme's rules live in its
`spec` (see `rules.py`); a rating keeps each component's value and source counts in columns of
its own, so the page that explains a star reads one row and the scheme, and the recompute writes
every rating of a county-year in one INSERT … SELECT.
"""

from .plans import (
    MemberPost,
    ModelBranch,
    ModelSelection,
    PlanStatus,
    ReserveMember,
    StarChoice,
    StarPlan,
)
from .ratings import Consequence, Rating
from .rectify import RectifyProblem, RectifyProgress
from .rounds import Ballot, BallotTally, CriteriaAward, EvaluationRound, PublicCode
from .schemes import PERIOD_LABELS, RoundKind, StarScheme, Subject

__all__ = [
    "PERIOD_LABELS",
    "Ballot",
    "BallotTally",
    "Consequence",
    "CriteriaAward",
    "EvaluationRound",
    "MemberPost",
    "ModelBranch",
    "ModelSelection",
    "PlanStatus",
    "PublicCode",
    "Rating",
    "RectifyProblem",
    "RectifyProgress",
    "ReserveMember",
    "RoundKind",
    "StarChoice",
    "StarPlan",
    "StarScheme",
    "Subject",
]
