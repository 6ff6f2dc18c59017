"""The import job's progress bar (issue 19: "the progress bar moving at least every 2 s"): a
tenth while the workbook is parsed, up to two fifths while its rows are read and checked, the
rest while they are written; it never goes back, and every step of the import reports as it
goes, not only once it is over."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengxing.core import sheets
from zhengxing.jobs import runner
from zhengxing.jobs.board import Reporter
from zhengxing.jobs.models import Job, JobState
from zhengxing.jobs.roster import CHECKED, PARSED, SCALE, _ImportBar
from zhengxing.orgs import excel
from zhengxing.orgs.imports import importing, validation, writing
from zhengxing.testing import Cast, client_for, member_data


@pytest.mark.engine_neutral
def test_the_bar_follows_the_parse_then_the_rows_and_never_goes_back() -> None:
    shown: list[int] = []
    bar = _ImportBar(lambda done, total: shown.append(done * SCALE // total))
    bar.parsing(0.5)  # half the workbook parsed
    assert shown[-1] == PARSED // 2
    bar.parsing(1.0)
    assert shown[-1] == PARSED
    bar.rows(25, 100)  # half the rows checked (each row counts once in each of two passes)
    assert shown[-1] == PARSED + (CHECKED - PARSED) // 2
    bar.rows(50, 100)  # all checked
    assert shown[-1] == CHECKED
    bar.rows(75, 100)  # half written
    assert shown[-1] == CHECKED + (SCALE - CHECKED) // 2
    bar.parsing(1.0)  # a late word of the parse moves nothing back
    bar.rows(100, 100)
    assert shown == sorted(shown) and shown[-1] == SCALE


ROWS = 500  # few, so the test is quick; reported every 100 rows here (every 1,000 at work)


def _roster(rows: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    members = (excel.member_row(member_data("A1B").as_dict()) for _ in range(rows))
    excel.write_workbook(out, members=members)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def test_an_import_job_reports_while_it_parses_and_checks_not_only_while_it_writes(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The board's posts, recorded with the step the import was in: before this was fixed the
    bar went from a tenth to a half in one post, once every row had been read and checked."""
    in_write = False
    posts: list[tuple[float, int, bool]] = []
    write = importing.import_write

    def import_write(job: Any) -> Any:
        nonlocal in_write
        in_write = True
        return write(job)

    class Board(Reporter):
        """Every report posted (none held back by the pace), recorded instead."""

        def __init__(self, job_id: Any) -> None:
            super().__init__(job_id, every=0)

        def _post(self) -> bool:
            posts.append((time.monotonic(), self.done * SCALE // self.total, in_write))
            return False  # no cancel asked

    monkeypatch.setattr(importing, "import_write", import_write)
    monkeypatch.setattr(runner, "Reporter", Board)
    monkeypatch.setattr(validation, "REPORT_EVERY", 100)
    monkeypatch.setattr(writing, "MEMBER_BATCH", 100)
    monkeypatch.setattr(sheets, "PARSE_TICK", 0.001)
    parse = sheets._parse

    def slow_parse(data: bytes) -> Any:
        """A small sheet parses in a millisecond or less, sooner than the first tick on a fast
        machine: the parse takes a tenth of a second here, as a large one takes seconds."""
        time.sleep(0.1)
        return parse(data)

    monkeypatch.setattr(sheets, "_parse", slow_parse)
    monkeypatch.setattr(sheets, "PARSE_BYTES_PER_SECOND", 1_000_000)

    client_for(cast.alice).post(reverse("jobs:roster_import"), {"file": _roster(ROWS)})

    job = Job.objects.get()
    assert (job.state, job.result["created"]) == (JobState.DONE, ROWS)
    shown = [value for _, value, _ in posts]
    assert shown == sorted(shown) and shown[-1] == SCALE
    before_writing = [value for _, value, during_write in posts if not during_write]
    parsed = [v for v in before_writing if 0 < v < PARSED]
    checked = [v for v in before_writing if PARSED < v < CHECKED]
    assert parsed, f"nothing reported while the workbook was parsed: {shown}"
    assert len(checked) >= ROWS // 100 - 1, f"the checking of rows not reported: {shown}"
    assert max(before_writing) == CHECKED
    assert len([v for _, v, during_write in posts if during_write and v > CHECKED]) >= 2
