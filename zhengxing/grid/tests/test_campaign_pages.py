"""The campaign's pages as each role sees them: the township starts one and reads its coverage,
the grid worker walks the round on the phone and records a visit; another township sees none.

兴安盟: "做好入户登记、摸排走访……确保全覆盖、无死角、不漏一户、不落一人"。
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhengxing.grid import services
from zhengxing.grid.models import Campaign, Visit
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import Place


@pytest.fixture
def knocking(cast: Cast, place: Place) -> Campaign:
    """A campaign that runs for a year around today (the pages stamp visits with now)."""
    from django.utils import timezone

    today = timezone.localdate()
    return services.campaign_create(
        actor=SYSTEM,
        org=cast.village_a1,
        purpose="入户登记外来人员",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        grids=[place.g1, place.g2],
    )


def test_the_township_starts_a_campaign_from_its_page(cast: Cast, place: Place) -> None:
    bob = client_for(cast.bob)
    url = reverse("grid:campaigns") + f"?org={cast.village_a1.pk}"
    page = bob.get(url)
    assert page.status_code == 200 and "第一网格" in page.text
    posted = bob.post(
        url,
        {
            "purpose": "敲门行动",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "grids": [place.g1.pk],
        },
    )
    c = Campaign.objects.get()
    assert posted.status_code == 302 and posted["Location"] == reverse("grid:campaign", args=[c.pk])
    refused = bob.post(
        url,
        {
            "purpose": "x",
            "starts_on": "2026-03-31",
            "ends_on": "2026-03-01",
            "grids": [place.g1.pk],
        },
    )
    assert refused.status_code == 400 and "结束日期不能早于开始日期" in refused.text


def test_coverage_page_shows_reached_of_all_and_the_households_left(
    cast: Cast, place: Place, knocking: Campaign
) -> None:
    page = client_for(cast.bob).get(reverse("grid:campaign", args=[knocking.pk]))
    assert page.status_code == 200
    round_url = reverse("grid:campaign_round", args=[knocking.pk, place.g1.pk])
    assert round_url in page.text  # its households not reached, a tap away
    assert (
        client_for(cast.dave).get(reverse("grid:campaign", args=[knocking.pk])).status_code == 404
    )


def test_the_worker_walks_the_round_and_records_a_visit_on_the_phone(
    cast: Cast, place: Place, knocking: Campaign
) -> None:
    gina = client_for(cast.gina)
    listed = gina.get(reverse("grid:campaigns"))
    assert knocking.purpose in listed.text
    round_ = gina.get(reverse("grid:campaign_round", args=[knocking.pk, place.g1.pk]))
    visit_url = reverse("grid:visit", args=[knocking.pk, place.home.pk])
    assert round_.status_code == 200 and visit_url in round_.text
    grandpa = place.home.residents.get()
    form = gina.get(visit_url)
    assert form.status_code == 200 and "李大爷" in form.text
    posted = gina.post(
        visit_url,
        {
            "outcome": "met",
            "asked": "有无外来人员",
            "leaving": [grandpa.pk],
            "name1": "李小明",
            "relation1": "child",
            "phone1": "",
        },
    )
    assert posted.status_code == 302
    assert posted["Location"] == reverse("grid:campaign_round", args=[knocking.pk, place.g1.pk])
    visit = Visit.objects.get()
    assert visit.left == ["李大爷"] and visit.arrived == ["李小明"]
    assert "✓" in gina.get(posted["Location"]).text


def test_a_bad_visit_is_shown_in_chinese_on_the_form(
    cast: Cast, place: Place, knocking: Campaign
) -> None:
    page = client_for(cast.gina).post(
        reverse("grid:visit", args=[knocking.pk, place.home.pk]),
        {"outcome": "absent", "name1": "王五", "relation1": "other"},
    )
    assert page.status_code == 400 and "无人在家时不能登记人员变动" in page.text
    assert not Visit.objects.exists()


def test_the_grid_workers_home_page_links_the_campaigns(cast: Cast, place: Place) -> None:
    assert reverse("grid:campaigns") in client_for(cast.gina).get("/").text
