"""The writes of the secretaries' annual review, by subject: the county's rubric
(`rubrics.py`), a round, its units, its panel, its meeting opened and closed (`rounds.py`), a
secretary's report (`reports.py`), a panel member's score (`scores.py`). Each checks the
actor's scope, refuses bad input in Chinese before writing, and audits in its transaction."""

from .reports import report_submit
from .rounds import round_close, round_create, round_open, round_panel_add, round_unit_add
from .rubrics import rubric_set
from .scores import score_submit

__all__ = [
    "report_submit",
    "round_close",
    "round_create",
    "round_open",
    "round_panel_add",
    "round_unit_add",
    "rubric_set",
    "score_submit",
]
