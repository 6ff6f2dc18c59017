"""Writes of the contests, one module per subject: the contest and its entries
(`contests.py`), the winners going up a level (`levels.py`), the public's voting (`voting.py`),
the judges' scores (`judging.py`), the blend and the published results (`results.py`). Each
checks the actor's scope, refuses bad input in Chinese before writing anything, and records its
audit row in the same transaction."""

from .contests import (
    contest_create,
    entry_edit,
    entry_photo_add,
    entry_photo_remove,
    entry_submit,
    judge_add,
)
from .judging import score_submit
from .levels import winners_advance
from .results import results_publish
from .voting import vote_cast, voter_codes_issue, votes_flag, votes_review

__all__ = [
    "contest_create",
    "entry_edit",
    "entry_photo_add",
    "entry_photo_remove",
    "entry_submit",
    "judge_add",
    "results_publish",
    "score_submit",
    "vote_cast",
    "voter_codes_issue",
    "votes_flag",
    "votes_review",
    "winners_advance",
]
