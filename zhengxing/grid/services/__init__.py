"""Writes of grid governance, split by subject: the structure (`structure.py`), residents'
needs (`needs.py`, their photos `need_photos.py`) and door-to-door campaigns
(`campaigns.py`). Each checks the actor's scope, refuses bad input in Chinese before writing
anything, and writes its audit row in the same transaction."""

from .campaigns import Arrival, campaign_create, reach_recount, visit_record
from .need_photos import need_photo_add, need_photo_remove
from .needs import need_move, need_raise, need_rate, need_record
from .structure import (
    cards_print,
    grid_create,
    grid_person_add,
    household_add,
    household_move,
    post_create,
    resident_add,
    resident_leave,
    unit_add,
)

__all__ = [
    "Arrival",
    "campaign_create",
    "cards_print",
    "grid_create",
    "grid_person_add",
    "household_add",
    "household_move",
    "need_move",
    "need_photo_add",
    "need_photo_remove",
    "need_raise",
    "need_rate",
    "need_record",
    "post_create",
    "reach_recount",
    "resident_add",
    "resident_leave",
    "unit_add",
    "visit_record",
]
