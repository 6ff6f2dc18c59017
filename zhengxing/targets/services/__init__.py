"""The target points' writes: the catalogues (`catalogues.py`) and the units' target ledgers
(`ledger.py`) with their on-site visits (`visits.py`), the year closed with its ranking kept
(`closing.py`)."""

from .catalogues import catalogue_spec, target_catalogue_draft, target_catalogue_publish
from .closing import target_year_close
from .ledger import (
    may_assess,
    target_deduction_record,
    target_progress_submit,
    target_submission_assess,
)
from .visits import target_visit_close, target_visit_open, target_visit_score

__all__ = [
    "catalogue_spec",
    "may_assess",
    "target_catalogue_draft",
    "target_catalogue_publish",
    "target_deduction_record",
    "target_progress_submit",
    "target_submission_assess",
    "target_visit_close",
    "target_visit_open",
    "target_visit_score",
    "target_year_close",
]
