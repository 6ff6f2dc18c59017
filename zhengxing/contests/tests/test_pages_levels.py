"""The pages of the daily assessment's figures, the winners going up a level and an entry mended
during the showcase: the organiser (bob, 甲镇) chooses figures and the banner's contest above;
the entrant (carol) edits her entry and its photos on a phone; the results page, the organiser's
and the public's, explains each entrant's growth figure by figure.

让社区党组织书记们在街道比、旗区推，在全盟赛中 (article 002)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhengxing.audit.models import AuditEvent
from zhengxing.contests.models import Contest, Entry, EntryPhoto
from zhengxing.ledger.tests.conftest import pages_at
from zhengxing.testing import Cast, client_for

from .conftest import AFTER_JUDGING, MAY, SHANGHAI, Arena
from .test_daily_assessment import qp
from .test_levels import banner, street
from .test_pages import PNG

pytestmark = pytest.mark.django_db

SHOWCASE = dt.datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]


def test_the_organiser_chooses_figures_and_the_contest_above(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    higher = banner(cast)
    pages_at(monkeypatch, MAY)
    client = client_for(cast.bob)
    page = client.get("/contests/new/").content.decode()
    assert 'name="figure_meetings_held"' in page and 'name="figure_needs_in_time"' in page
    assert f'<option value="{higher.pk}">' in page
    form = {
        "title": "甲镇社区书记比武争星",
        "series": "比武争星",
        "year": 2026,
        "level": "street",
        "entrant_kind": "branch",
        "showcase_from": "2026-06-01",
        "voting_from": "2026-06-20",
        "voting_until": "2026-07-10",
        "judging_until": "2026-07-31",
        "weight_public": 30,
        "weight_performance": 30,
        "weight_overall": 40,
        "rubric": "工作成效 100",
        "drop_extremes": 1,
        "vote_period": "day",
        "device_daily_limit": 20,
        "next_level": higher.pk,
        "advance": 2,
        "figure_points": 60,
        "figure_meetings_held": 30,
    }
    refused = client.post("/contests/new/", form).content.decode()
    assert "日常考核各项指标的权重之和须为100（现为90）" in refused
    made = client.post("/contests/new/", {**form, "figure_meetings_held": 40})
    contest = Contest.objects.get(title="甲镇社区书记比武争星")
    assert made["Location"] == f"/contests/{contest.pk}/"
    assert contest.sources == [
        {"name": "points", "weight": 60},
        {"name": "meetings_held", "weight": 40},
    ]
    assert contest.next_level_id == higher.pk
    shown = client.get(made["Location"]).content.decode()
    assert f'href="/contests/{higher.pk}/"' in shown  # the level above, linked for its organiser
    assert client.get(f"/contests/{higher.pk}/").status_code == 200


def test_results_explain_growth_and_the_winners_went_up(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    higher = banner(cast)
    contest, (first, second, _third) = street(cast, higher)
    qp(cast, cast.member_a1, cast.branch_a1, 2025, 1, 100)
    qp(cast, cast.member_a1, cast.branch_a1, 2026, 1, 130)
    pages_at(monkeypatch, AFTER_JUDGING)
    client = client_for(cast.bob)
    client.post(f"/contests/{contest.pk}/", {"op": "publish"})
    page = client.get(f"/contests/{contest.pk}/").content.decode()
    # 甲一村: 100 → 130 points per member, +30, the largest growth: 100
    assert "100 → 130" in page
    assert set(client.get(f"/contests/{contest.pk}/").context["went_up"]) == {first.pk, second.pk}
    public = Client().get(f"/p/contests/{contest.public_ref}/").content.decode()
    assert "100 → 130" in public
    went = Entry.objects.get(contest=higher, came_from=first)
    entry_page = client_for(cast.alice).get(f"/contests/entries/{went.pk}/").content.decode()
    assert "甲镇比武" in entry_page  # where it came from
    assert client_for(cast.alice).get(f"/contests/{higher.pk}/").status_code == 200


def test_the_entrant_edits_on_a_phone_during_the_showcase(
    cast: Cast, arena: Arena, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages_at(monkeypatch, SHOWCASE)
    client = client_for(cast.carol)
    entry_page = client.get(f"/contests/entries/{arena.a1.pk}/").content.decode()
    url = f"/contests/entries/{arena.a1.pk}/edit/"
    assert f'href="{url}"' in entry_page
    assert client.get(url).status_code == 200
    photo = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    done = client.post(
        url,
        {
            "title": "产业兴村",
            "text": "葡萄亩产翻番",
            "video_url": "https://v.example.cn/2",
            "photo": photo,
        },
    )
    assert done["Location"] == f"/contests/entries/{arena.a1.pk}/"
    (row,) = EntryPhoto.objects.filter(entry=arena.a1)
    assert Entry.objects.get(pk=arena.a1.pk).text == "葡萄亩产翻番"
    assert (AuditEvent.objects.get(action="contests.entry.edit").after or {})[
        "text"
    ] == "葡萄亩产翻番"
    client.post(url, {"remove": row.pk})
    assert not EntryPhoto.objects.filter(entry=arena.a1).exists()
    # 乙镇's township may not; and once voting opens the link goes and the page refuses
    assert client_for(cast.dave).get(url).status_code in (403, 404)
    pages_at(monkeypatch, dt.datetime(2026, 6, 21, 9, tzinfo=SHANGHAI))
    client = client_for(cast.carol)
    assert f'href="{url}"' not in client.get(f"/contests/entries/{arena.a1.pk}/").content.decode()
    late = client.post(url, {"title": "产业兴村", "text": "又改"}).content.decode()
    assert "展示阶段已经结束" in late
    assert Entry.objects.get(pk=arena.a1.pk).text == "葡萄亩产翻番"
