"""The on-site visit on the assessors' phones (现场考评, 004: "采取日常考评和现场考评相结合的方式"):
the leader opens it from the unit's on-site page with the panel ticked; each assessor scores
the checklist on the visit's page (the others' scores hidden); a second score is refused
inline in Chinese; the leader closes it behind a confirmation and its mean enters the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhengxing.targets.models import OnsiteVisit, TargetCatalogue, TargetEntry
from zhengxing.testing import Cast, client_for

from .conftest import D, vera


@pytest.fixture(autouse=True)
def on_30_june(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    moment = dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_visit_opened_scored_by_two_assessors_and_closed_on_the_pages(
    targets: TargetCatalogue, people: Cast
) -> None:
    bob, alice = client_for(people.bob), client_for(people.alice)
    unit = people.village_a1
    opening = bob.get(reverse("targets:onsite", args=[unit.pk])).content.decode()
    assert f'name="assessor" value="{people.alice.pk}"' in opening  # the county may sit on it
    assert f'value="{vera().pk}"' not in opening  # the village's own secretary may not
    opened = bob.post(
        reverse("targets:onsite", args=[unit.pk]),
        {"visited_on": "2026-06-29", "assessor": [people.alice.pk], "idempotency_key": "k1"},
    )
    visit = OnsiteVisit.objects.get()
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "targets:visit", args=[visit.pk]
    )
    page = reverse("targets:visit", args=[visit.pk])
    assert 'name="t-K2.1"' in bob.get(page).content.decode()
    bob.post(page, {"t-K2.1": "16", "t-K1.1": "8"})
    # alice finds the visit on her targets page, sees her checklist but not bob's scores
    assert page in alice.get(reverse("targets:index") + "?year=2026").content.decode()
    hers = alice.get(page).content.decode()
    assert 'name="t-K2.1"' in hers and ">16.0<" not in hers
    assert alice.post(page, {"t-K2.1": "19"}).status_code == 302
    again = alice.post(page, {"t-K1.1": "7", "t-K2.1": "18"}).content.decode()
    assert "你已提交过“班子建设”的评分，不能重复提交" in again and 'value="7"' in again
    assert "confirm-close" not in alice.get(page).content.decode()  # only the leader closes
    unconfirmed = bob.post(page, {"action": "close"}).content.decode()
    assert "请先确认" in unconfirmed and not TargetEntry.objects.exists()
    assert bob.post(page, {"action": "close", "confirm": "yes"}).status_code == 302
    assert dict(TargetEntry.objects.values_list("code", "points")) == {
        "K2.1": D("17.5"),  # (16 + 19) / 2
        "K1.1": D(8),
    }
    closed = alice.get(page).content.decode()
    assert ">16.0<" in closed and ">17.5<" in closed and 'name="t-' not in closed
    assert client_for(people.dave).get(page).status_code == 404
    assert client_for(vera()).get(page).status_code == 404  # the unit does not see the sheets


def test_the_onsite_page_refuses_a_panel_member_who_belongs_to_the_unit(
    targets: TargetCatalogue, people: Cast
) -> None:
    alice = client_for(people.alice)
    refused = alice.post(
        reverse("targets:onsite", args=[people.village_a1.pk]),
        {"visited_on": "2026-06-29", "assessor": [vera().pk], "idempotency_key": "k2"},
    )
    assert "vera：考评人不能给自己所在的单位评分" in refused.content.decode()
    assert not OnsiteVisit.objects.exists()
