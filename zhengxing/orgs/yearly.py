"""What the apps above hold about an organisation, this year against last: the figures a
contest's daily assessment weighs (大比武: "日常考核+擂台比武", "不比基础比干劲、不比总量比增量",
article 001). The apps that hold the data (the points ledger, the stars, organisation life, the
grid) register a figure at start-up (`AppConfig.ready()`); the contests read them, without any
of those apps importing another.

A figure's `rows(span)` runs ONE query for the county and both years and yields
`(org path, year, numerator, denominator)`: each row is one organisation's part of the figure
in that year, the denominator None for a plain count. `yearly` adds the rows up per entrant
(the entrant's whole subtree, found by the path's prefixes: nothing per entrant reaches the
database), then divides: a ratio (points per member, the share of needs answered in time) is
the numerators' sum over the denominators' sum, times `scale`.

Both years are read over the same span of the year (1 January to the contest's cut-off day),
so a contest held in July compares January–July with January–July: growth, not a half-year
against a whole one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.functional import Promise

from .models import PATH_SEGMENT

Row = tuple[str, int, Any, Any]


@dataclass(frozen=True)
class Span:
    """The county, the year and its cut-off day; last year's span ends on the same day."""

    county_id: int
    year: int
    until: dt.date

    @property
    def this(self) -> tuple[dt.date, dt.date]:
        return dt.date(self.year, 1, 1), self.until

    @property
    def last(self) -> tuple[dt.date, dt.date]:
        day = min(self.until.day, 28) if self.until.month == 2 else self.until.day
        return dt.date(self.year - 1, 1, 1), dt.date(self.year - 1, self.until.month, day)

    def contains(self, day: dt.date) -> bool:
        """Whether `day` falls within this year's or last year's span."""
        return any(start <= day <= end for start, end in (self.this, self.last))


@dataclass(frozen=True)
class Figure:
    name: str
    label: str | Promise  # a lazy translation
    unit: str | Promise
    rows: Callable[[Span], Iterable[Row]]
    scale: int = 1  # 100 for a share in per cent


_FIGURES: dict[str, Figure] = {}


def register(
    name: str,
    *,
    label: str | Promise,
    unit: str | Promise,
    rows: Callable[[Span], Iterable[Row]],
    scale: int = 1,
) -> None:
    """Called from an app's `ready()`."""
    _FIGURES[name] = Figure(name=name, label=label, unit=unit, rows=rows, scale=scale)


def figure(name: str) -> Figure | None:
    return _FIGURES.get(name)


def figures() -> list[Figure]:
    """Every registered figure, in the order the apps registered them."""
    return list(_FIGURES.values())


def yearly(name: str, span: Span, paths: Sequence[str]) -> dict[str, tuple[Decimal, Decimal]]:
    """Each entrant's (this year, last year) of the figure, by the entrant's path: the figure's
    one query, then the rows added up under each entrant (an organisation under two entrants,
    one inside the other, counts for both)."""
    found = _FIGURES[name]
    wanted = set(paths)
    sums: dict[tuple[str, int], list[Decimal]] = {}
    for path, year, num, den in found.rows(span):
        for end in range(PATH_SEGMENT, len(path) + 1, PATH_SEGMENT):
            if path[:end] in wanted:
                acc = sums.setdefault((path[:end], year), [Decimal(0), Decimal(0)])
                acc[0] += Decimal(num or 0)
                acc[1] += Decimal(den or 0)

    def value(path: str, year: int) -> Decimal:
        num, den = sums.get((path, year), (Decimal(0), Decimal(0)))
        if den:  # a ratio; a plain count has no denominator
            num = num * found.scale / den
        return num.quantize(Decimal("0.01"), ROUND_HALF_UP)

    return {p: (value(p, span.year), value(p, span.year - 1)) for p in wanted}
