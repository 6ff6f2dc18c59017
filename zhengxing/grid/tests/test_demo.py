"""The demo county's grids: the grid worker at 乌兰村 sees their grids, needs routed to them in
every state, overdue ones escalated, and the gaps; every grid page they are shown opens."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from zhengxing.grid.models import Grid, Household, Need
from zhengxing.grid.rules import State
from zhengxing.testing import client_for

pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_has_grids_households_and_needs_in_every_state(demo: Any, db: None) -> None:
    county = demo.county
    assert demo.grid.grids == Grid.objects.filter(county=county).count() >= 6
    assert Household.objects.filter(county=county).count() == demo.grid.households
    states = set(Need.objects.filter(county=county).values_list("state", flat=True))
    assert states == set(State.values)
    assert Need.objects.filter(county=county, satisfied=False).exists()


def test_the_demo_grid_worker_opens_every_grid_page_they_are_shown(demo: Any, db: None) -> None:
    gina = client_for(User.objects.get(username="grid"))
    home = gina.get(reverse("home"))
    assert reverse("grid:grids") in home.text
    assert "待办理的群众需求" in home.text  # needs routed to them
    grids = gina.get(reverse("grid:grids"))
    grid = Grid.objects.filter(county=demo.county).order_by("pk").first()
    assert grid is not None and grid.name in grids.text
    pages = [
        reverse("grid:grid", args=[grid.pk]),
        reverse("grid:cards", args=[grid.pk]),
        reverse("grid:household", args=[grid.households.order_by("pk").first().pk]),  # type: ignore[union-attr]
        reverse("grid:needs") + "?list=overdue",
        reverse("grid:need", args=[grid.needs.order_by("pk").first().pk]),  # type: ignore[union-attr]
    ]
    for url in pages:
        assert gina.get(url).status_code == 200, url
    overdue = gina.get(reverse("grid:needs") + "?list=overdue").text
    assert "服务站" in overdue and "服务中心" in overdue


def test_the_demo_campaign_is_half_done_and_its_pages_open(demo: Any, db: None) -> None:
    """敲门行动 half done: about half the households reached, the rest listed (不漏一户)."""
    from zhengxing.grid import selectors
    from zhengxing.grid.models import Campaign, Visit

    campaign = Campaign.objects.get(county=demo.county)
    assert demo.grid.visits == Visit.objects.filter(campaign=campaign).count() > 0
    township = User.objects.filter(username="township1").get()
    cov = selectors.coverage_of(township, campaign)
    assert 0 < cov.reached < cov.households / 2 + 1
    assert Visit.objects.filter(campaign=campaign).exclude(left=[]).exists()
    gina = client_for(User.objects.get(username="grid"))
    grid = Grid.objects.filter(county=demo.county).order_by("pk").first()
    assert grid is not None
    listed = gina.get(reverse("grid:campaigns"))
    assert campaign.purpose in listed.text
    for url in (
        reverse("grid:campaign", args=[campaign.pk]),
        reverse("grid:campaign_round", args=[campaign.pk, grid.pk]),
        reverse("grid:visit", args=[campaign.pk, grid.households.order_by("pk").first().pk]),  # type: ignore[union-attr]
        reverse("grid:households_io"),
    ):
        assert gina.get(url).status_code == 200, url
