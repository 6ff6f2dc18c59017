"""The import job's progress bar: the first half while the workbook is read (its bytes, then its
rows), the second while the rows are written; it never goes back."""

from __future__ import annotations

import pytest

from zhengxing.jobs.roster import OPENING, READING, SCALE, _ImportBar

pytestmark = pytest.mark.engine_neutral


def test_the_bar_follows_the_bytes_then_the_rows_and_never_goes_back() -> None:
    shown: list[int] = []
    bar = _ImportBar(lambda done, total: shown.append(done * 1000 // total), size=1000, sheets=800)
    bar.bytes_read(100)  # half of what is read before the first row
    assert shown[-1] == OPENING // 2
    bar.bytes_read(600)  # half of the sheets streamed
    assert shown[-1] == OPENING + (READING - OPENING) // 2
    bar.rows(10, 100)  # the import's own count is behind: the bar stays
    assert shown[-1] == OPENING + (READING - OPENING) // 2
    bar.rows(45, 100)
    assert shown[-1] == 450
    bar.rows(75, 100)  # half written
    assert shown[-1] == READING + (SCALE - READING) // 2
    bar.bytes_read(1000)  # nothing read moves it once writing
    bar.rows(100, 100)
    assert shown == sorted(shown) and shown[-1] == SCALE
