"""A chart as the pages draw it (`web/charts.js` with the vendored ECharts build) and print it
beside as a table: the same figures, so a reader without JavaScript or with a screen reader
loses nothing. Pure data; the views fill it, the templates show it
(`web/_chart_table.html`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Number = int | float | Decimal | None


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]
    stack: str | None = None


@dataclass(frozen=True)
class Chart:
    """`kind`: "hbar" (one bar per category, across: long names), "bar" or "line" (categories
    along the bottom: periods). `percent`: the values are shares from 0 to 1."""

    kind: Literal["hbar", "bar", "line"]
    category_label: str
    categories: Sequence[str]
    series: Sequence[Series] = field(default_factory=list)
    percent: bool = False

    @property
    def data(self) -> dict[str, Any]:
        """What `charts.js` reads (numbers as numbers: Decimals become floats)."""
        return {
            "kind": self.kind,
            "categories": [str(c) for c in self.categories],
            "series": [
                {"name": str(s.name), "data": [_number(v) for v in s.values]}
                | ({"stack": s.stack} if s.stack else {})
                for s in self.series
            ],
            "percent": self.percent,
        }

    @property
    def rows(self) -> list[tuple[str, list[Number]]]:
        """The table under the chart: one row per category, one column per series."""
        return [(str(c), [s.values[i] for s in self.series]) for i, c in enumerate(self.categories)]


def _number(value: Number) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)
