"""The grid's pages as each role sees them: the grid worker (phone-first) lists, adds and answers;
the township sees its overdue list; the resident raises and rates a need with no login."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.grid import services
from zhengxing.grid.models import Household, Need
from zhengxing.testing import SYSTEM, Cast, client_for

from .conftest import Place


def test_the_grid_worker_sees_their_grids_and_adds_a_household(cast: Cast, place: Place) -> None:
    gina = client_for(cast.gina)
    page = gina.get(reverse("grid:grids"))
    assert page.status_code == 200
    assert "第一网格" in page.text and "乙一网格" not in page.text
    grid = gina.get(reverse("grid:grid", args=[place.g1.pk]))
    assert "张网格长" in grid.text and "甲一村一组 8 号" in grid.text
    added = gina.post(reverse("grid:grid", args=[place.g2.pk]), {"address": "甲一村二组5号"})
    household = Household.objects.get(address="甲一村二组5号")
    assert added.status_code == 302 and added["Location"] == reverse(
        "grid:household", args=[household.pk]
    )


def test_a_household_already_in_another_grid_is_refused_on_the_page(
    cast: Cast, place: Place
) -> None:
    page = client_for(cast.gina).post(
        reverse("grid:grid", args=[place.g2.pk]), {"address": "甲一村一组8号"}
    )
    assert page.status_code == 400
    assert "一户只能在一个网格" in page.text
    assert Household.objects.count() == 1


def test_another_townships_grid_is_not_found(cast: Cast, place: Place) -> None:
    assert client_for(cast.gina).get(reverse("grid:grid", args=[place.h1.pk])).status_code == 404
    assert client_for(cast.dave).get(reverse("grid:grid", args=[place.g1.pk])).status_code == 404


def test_the_household_page_masks_phones_and_records_a_need(cast: Cast, place: Place) -> None:
    gina = client_for(cast.gina)
    url = reverse("grid:household", args=[place.home.pk])
    page = gina.get(url)
    assert "138******78" in page.text and "13812345678" not in page.text
    posted = gina.post(
        url,
        {
            "action": "need",
            "category": "living",
            "urgency": "normal",
            "text": "帮忙买菜",
            "source": "wechat",
        },
    )
    need = Need.objects.get()
    assert posted["Location"] == reverse("grid:need", args=[need.pk])
    assert need.source == "wechat" and need.worker == cast.gina


def test_the_resident_raises_a_need_from_the_card_and_rates_it_by_its_link(
    cast: Cast, place: Place, client: object
) -> None:
    from django.test import Client

    resident = Client()
    card = reverse("public_grid:household", args=[place.home.public_ref])
    assert "第一网格" in resident.get(card).text
    sent = resident.post(
        card, {"category": "environment", "urgency": "normal", "text": "楼道灯坏了"}
    )
    need = Need.objects.get()
    assert sent["Location"] == reverse("public_grid:need", args=[need.ref])
    # the worker answers
    client_for(cast.gina).post(
        reverse("grid:need", args=[need.pk]), {"to": "done", "answer": "已换新灯"}
    )
    mine = resident.get(sent["Location"])
    assert "已换新灯" in mine.text and "解决了吗" in mine.text
    resident.post(sent["Location"], {"solved": "yes", "satisfied": "yes"})
    need.refresh_from_db()
    assert need.state == "closed" and need.satisfied is True
    assert AuditEvent.objects.filter(action="grid.need.rate").count() == 1
    # no link, nothing to rate
    assert resident.get(reverse("public_grid:need", args=["guessed-ref"])).status_code == 404


def test_the_township_sees_overdue_needs_with_where_they_escalated(
    cast: Cast, place: Place
) -> None:
    from zhengxing.core.actor import Actor
    from zhengxing.grid.services import need_raise

    long_ago = Actor.system("test")
    need = need_raise(
        actor=Actor(user=None, label="x", anonymous=True, now=long_ago.now - dt.timedelta(days=3)),
        household=place.home,
        category="living",
        urgency="normal",
        text="老人需要送餐",
    )
    page = client_for(cast.bob).get(reverse("grid:needs") + "?list=overdue")
    assert page.status_code == 200
    assert reverse("grid:need", args=[need.pk]) in page.text
    assert "中心" in page.text  # three days late on a day's need: with the centre
    home = client_for(cast.gina).get(reverse("home"))
    assert reverse("grid:grids") in home.text


def test_the_contact_cards_print_the_grid_people_and_a_qr_code(cast: Cast, place: Place) -> None:
    """The page asks first (no phone in full unasked); printing shows them and is logged."""
    gina = client_for(cast.gina)
    url = reverse("grid:cards", args=[place.g1.pk])
    asked = gina.get(url)
    assert asked.status_code == 200 and "13900000001" not in asked.text
    page = gina.post(url)
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="grid.grid.print_cards").count() == 1
    assert "张网格长 13900000001" in page.text and "刘网格员 13900000002" in page.text
    assert page.text.count('class="segno"') == 1
    assert "甲一村一组 8 号" in page.text


def test_a_reprinted_sheet_draws_no_qr_code_again(
    cast: Cast, place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A household's link never changes: its code is drawn once and kept (a sheet of 500 cards
    is reprinted whenever the grid's people change)."""
    from zhengxing.grid.views import grids

    services.household_add(actor=SYSTEM, grid=place.g1, address="甲一村一组 9 号")
    drawn: list[str] = []
    draw = grids.qr_svg

    def counted(url: str) -> str:
        drawn.append(url)
        return draw(url)

    monkeypatch.setattr(grids, "qr_svg", counted)
    gina = client_for(cast.gina)
    url = reverse("grid:cards", args=[place.g1.pk])
    first = gina.post(url)
    assert len(drawn) == 2 and any(place.home.public_ref in u for u in drawn)
    services.grid_person_add(
        actor=SYSTEM, grid=place.g1, duty="worker", name="王网格员", phone="13900000003"
    )
    again = gina.post(url)
    assert len(drawn) == 2  # nothing drawn the second time
    assert again.text.count('class="segno"') == first.text.count('class="segno"') == 2
    assert "王网格员" in again.text
    assert again.text.count(draw(drawn[0])) == first.text.count(draw(drawn[0])) == 1
