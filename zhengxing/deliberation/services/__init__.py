"""Writes of the five-person group, split by subject: the group and its people (`groups.py`),
matters with their rounds and decisions (`matters.py`), the public's objections
(`objections.py`). Each checks the actor's scope, refuses bad input in Chinese before writing
anything, and writes its audit row in the same transaction."""

from .groups import group_create, group_member_add
from .matters import matter_decide, matter_propose, round_record
from .objections import objection_answer, objection_submit

__all__ = [
    "group_create",
    "group_member_add",
    "matter_decide",
    "matter_propose",
    "objection_answer",
    "objection_submit",
    "round_record",
]
