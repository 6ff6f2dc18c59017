"""The year-end ranking of a county's assessed units (年度排名), set on the scores of the whole
county (`scores.county_target_scores`: four queries, nothing per unit) by their total. Units with
the same total share the better place (并列) and the next place skips (1, 2, 2, 4), listed by
their place in the tree; the county's page, the public results page and the Excel all show it.

"苏木乡镇党委每半年对嘎查村工作完成情况进行动态考评，平均分作为年度积分" (000 Bayannur);
"结果实时公示并有效运用" (004 Sanmenxia)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol, TypeVar


class Ranked(Protocol):
    total: Decimal
    path: str
    rank: int


R = TypeVar("R", bound=Ranked)


def ranked(units: Sequence[R]) -> list[R]:
    """The units by total, best first, each given its competition rank (ties share it)."""
    ordered = sorted(units, key=lambda u: (-u.total, u.path))
    previous: Decimal | None = None
    rank = 0
    for position, unit in enumerate(ordered, start=1):
        if unit.total != previous:
            rank, previous = position, unit.total
        unit.rank = rank
    return ordered


def tied(units: Sequence[Ranked]) -> set[int]:
    """The ranks more than one unit shares (shown as 并列)."""
    seen: dict[int, int] = {}
    for u in units:
        seen[u.rank] = seen.get(u.rank, 0) + 1
    return {rank for rank, n in seen.items() if n > 1}
