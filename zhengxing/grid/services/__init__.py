"""Writes of grid governance, split by subject: the structure (`structure.py`) and residents'
needs (`needs.py`). Each checks the actor's scope, refuses bad input in Chinese before writing
anything, and writes its audit row in the same transaction."""

from .needs import need_move, need_raise, need_rate, need_record
from .structure import (
    cards_print,
    grid_create,
    grid_person_add,
    household_add,
    household_move,
    post_create,
    resident_add,
    unit_add,
)

__all__ = [
    "cards_print",
    "grid_create",
    "grid_person_add",
    "household_add",
    "household_move",
    "need_move",
    "need_raise",
    "need_rate",
    "need_record",
    "post_create",
    "resident_add",
    "unit_add",
]
