"""The contests' pages as each role uses them: the organiser (alice) sets up a contest, prints
codes, reviews held votes and publishes; the entrant (carol) enters with a photo; the voter on a
phone votes with a slip's code; the judge (ann) scores on a phone; the public reads the results.

3月7日至6月12日进行的“晒党建、晒成绩”环节……同步发动广大党员、群众开展“线上投票” (article 001)"""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from zhengxing.contests.models import Contest, Entry, Score, Vote
from zhengxing.ledger.tests.conftest import pages_at
from zhengxing.testing import Cast, client_for

from .conftest import AFTER_JUDGING, JUDGING, MAY, NOW, Arena

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def test_the_organiser_sets_up_a_contest(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    pages_at(monkeypatch, MAY)
    client = client_for(cast.alice)
    assert client.get("/contests/").status_code == 200
    form = {
        "title": "2026年村党组织书记大比武",
        "series": "大比武",
        "year": 2026,
        "level": "banner",
        "entrant_kind": "branch",
        "showcase_from": "2026-06-01",
        "voting_from": "2026-06-20",
        "voting_until": "2026-07-10",
        "judging_until": "2026-07-31",
        "weight_public": 30,
        "weight_performance": 30,
        "weight_overall": 30,
        "rubric": "思路举措 40\n工作成效 60",
        "drop_extremes": 1,
        "vote_period": "day",
        "device_daily_limit": 20,
    }
    refused = client.post("/contests/new/", form)
    assert "权重之和须为100（现为90）" in refused.content.decode()
    assert not Contest.objects.exists()
    made = client.post("/contests/new/", {**form, "weight_overall": 40})
    contest = Contest.objects.get()
    assert made["Location"] == f"/contests/{contest.pk}/"
    assert contest.rubric == [{"name": "思路举措", "max": 40}, {"name": "工作成效", "max": 60}]
    page = client.post(
        f"/contests/{contest.pk}/", {"op": "codes", "count": 5, "label": "甲一村网格员"}
    ).content.decode()
    assert len(re.findall(r"<li><code>[2-9A-Z]{10}</code></li>", page)) == 5
    assert "/contests/" in client_for(cast.bob).get("/").content.decode()


def test_the_entrant_enters_with_a_photo(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import make_contest

    contest = make_contest(cast)
    pages_at(monkeypatch, MAY)
    client = client_for(cast.carol)
    page = client.get(f"/contests/{contest.pk}/").content.decode()
    url = f"/contests/{contest.pk}/enter/{cast.branch_a1.pk}/"
    assert url in page
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    done = client.post(
        url,
        {
            "title": "产业兴村",
            "text": "合作社",
            "video_url": "https://v.example.cn/1",
            "photo": photo,
        },
    )
    entry = Entry.objects.get()
    assert done["Location"] == f"/contests/entries/{entry.pk}/"
    (photo_row,) = entry.photos.all()
    hidden = Client().get(f"/p/contests/{contest.public_ref}/photo/{photo_row.pk}/")
    assert hidden.status_code == 404  # nothing public before the showcase opens
    pages_at(monkeypatch, NOW)
    public = Client().get(f"/p/contests/{contest.public_ref}/photo/{photo_row.pk}/")
    assert public.status_code == 200
    assert b"".join(public.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    # B1B is not carol's to enter
    assert f"/enter/{cast.branch_b1.pk}/" not in page


def test_the_voter_votes_on_a_phone_with_a_code(
    cast: Cast, arena: Arena, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at(monkeypatch, NOW)
    phone = Client(REMOTE_ADDR="203.0.113.5")
    url = f"/p/contests/{arena.contest.public_ref}/e/{arena.a1.public_ref}/"
    board = phone.get(f"/p/contests/{arena.contest.public_ref}/").content.decode()
    assert url in board and 'class="votes"' not in board  # counts hidden while voting is open
    page = phone.get(url)
    assert page.status_code == 200 and "zx_contest_device" in page.cookies
    voted = phone.post(url, {"code": arena.codes[0]})
    assert voted.status_code == 302
    again = phone.post(url, {"code": arena.codes[0]}).content.decode()
    assert "今天已经为这个作品投过票" in again
    wrong = phone.post(url, {"code": "ZZZZZZZZZZ"}).content.decode()
    assert "投票码无效" in wrong
    (vote,) = Vote.objects.all()
    assert vote.ip == "203.0.113.5" and len(vote.device) > 10
    # counts hidden while voting is open, for the organiser too
    organiser = client_for(cast.alice).get(f"/contests/{arena.contest.pk}/")
    assert organiser.context["summary"]["counted"] == 1 and organiser.context["votes"] is None
    assert 'data-label="得票"' not in organiser.content.decode()


def test_a_code_voting_too_fast_is_throttled(
    arena: Arena, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ZHENGXING_CONTEST_VOTES_PER_CODE = 1  # type: ignore[attr-defined]
    pages_at(monkeypatch, NOW)
    # the throttle's clock mid-minute, so the two votes fall in one window
    monkeypatch.setattr("zhengxing.contests.throttles._now", lambda: 60.0 * 29_000_000 + 20)
    phone = Client(REMOTE_ADDR="203.0.113.6")
    base = f"/p/contests/{arena.contest.public_ref}/e/"
    assert phone.post(f"{base}{arena.a1.public_ref}/", {"code": arena.codes[1]}).status_code == 302
    slow = phone.post(f"{base}{arena.b1.public_ref}/", {"code": arena.codes[1]})
    assert slow.status_code == 429 and "投票太频繁" in slow.content.decode()
    assert Vote.objects.count() == 1


def test_the_judge_scores_on_a_phone_and_the_results_are_public(
    cast: Cast, arena: Arena, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at(monkeypatch, JUDGING)
    for judge in arena.judges:
        client = client_for(judge.user)
        assert (
            f"/contests/entries/{arena.a1.pk}/"
            in client.get(f"/contests/{arena.contest.pk}/").content.decode()
        )
        for entry in (arena.a1, arena.b1):
            done = client.post(
                f"/contests/entries/{entry.pk}/", {"item_0": "30", "item_1": "35", "item_2": "15"}
            )
            assert done.status_code == 302, done.content.decode()
    assert Score.objects.count() == 6
    organiser = client_for(cast.alice)
    organiser.post(f"/contests/{arena.contest.pk}/", {"op": "publish"})
    assert Contest.objects.get(pk=arena.contest.pk).published_at is not None
    public = Client().get(f"/p/contests/{arena.contest.public_ref}/").content.decode()
    assert "优胜" in public and "产业兴村" in public and 'class="votes"' in public
    sheet = organiser.get(f"/contests/{arena.contest.pk}/results.xlsx")
    book = load_workbook(io.BytesIO(sheet.content)).active
    assert book is not None
    rows = list(book.iter_rows(values_only=True))
    assert rows[2][0] == "名次" and rows[3][0] == 1 and rows[3][9] == "优胜"


def test_the_organiser_reviews_held_votes(
    cast: Cast, arena: Arena, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_voting import plant

    plant(arena, votes=300, ip="198.51.100.9", start=NOW, step_ms=100)
    pages_at(monkeypatch, AFTER_JUDGING)
    client = client_for(cast.alice)
    client.post(f"/contests/{arena.contest.pk}/", {"op": "flag"})
    page = client.get(f"/contests/{arena.contest.pk}/").content.decode()
    assert "198.51.100.9" in page
    client.post(
        f"/contests/{arena.contest.pk}/",
        {"op": "reject", "flag": "address", "key": "198.51.100.9"},
    )
    assert Vote.objects.filter(status="rejected").count() == 300


def test_outsiders_see_no_contest(cast: Cast, arena: Arena) -> None:
    assert client_for(cast.erin).get(f"/contests/{arena.contest.pk}/").status_code == 404
    assert (
        client_for(cast.carol).post(f"/contests/{arena.contest.pk}/", {"op": "flag"}).status_code
        == 403
    )
