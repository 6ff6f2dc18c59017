"""Every benchmark says what it measures and against what: bench/README.md's table has a row for
each `bench/bench_*.py` (which `make bench` runs) and names no benchmark that is gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_neutral

BENCH = Path(__file__).resolve().parents[3] / "bench"


def test_every_benchmark_has_its_row_and_every_row_its_benchmark() -> None:
    table = (BENCH / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(bench_\w+\.py)` \|", table, flags=re.MULTILINE))
    assert rows == {p.name for p in BENCH.glob("bench_*.py")}
