"""The township book and the rankings made as background jobs: the same file as the page's
download, for the user who started it, within what their scope holds."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from zhengxing.jobs.models import Job, JobKind, JobState
from zhengxing.testing import Cast, client_for


def _cells(response: object) -> set[str]:
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(data))
    return {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}


def test_the_township_book_is_made_in_the_background_for_its_starter(cast: Cast) -> None:
    bob = client_for(cast.bob)
    page = bob.get(reverse("ledger:township_book", args=[cast.town_a.pk]) + "?year=2026")
    url = reverse("ledger:township_book_job", args=[cast.town_a.pk]) + "?year=2026"
    assert url in page.content.decode().replace("&amp;", "&")
    job = bob.post(url, follow=True).context["job"]
    assert (job.state, job.kind, job.org) == (JobState.DONE, JobKind.BOOK_EXPORT, cast.town_a)
    assert job.file_name == "党员积分册-甲镇党委-2026.xlsx"
    assert "中共甲一村支部委员会" in _cells(bob.get(reverse("jobs:file", args=[job.pk])))


def test_another_township_book_is_refused(cast: Cast) -> None:
    url = reverse("ledger:township_book_job", args=[cast.town_b.pk]) + "?year=2026"
    assert client_for(cast.bob).post(url).status_code == 404
    assert not Job.objects.exists()


def test_the_county_ranking_is_made_in_the_background(cast: Cast) -> None:
    alice = client_for(cast.alice)
    url = reverse("ledger:rankings_job") + f"?org={cast.root.pk}&year=2026"
    page = alice.get(reverse("ledger:rankings") + f"?org={cast.root.pk}&year=2026")
    assert url in page.content.decode().replace("&amp;", "&")
    job = alice.post(url, follow=True).context["job"]
    assert job.state == JobState.DONE and job.result == {"members": 3}
    assert {"王甲", "李二妮", "赵乙"} <= _cells(alice.get(reverse("jobs:file", args=[job.pk])))
