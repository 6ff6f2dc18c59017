"""Members whose points stay low (长期积分偏低) and the reminder talks the secretary holds
with them (约谈提醒). The rule is rules.is_low; the list is its database form; the talk is
recorded by the branch's secretary or committee, with the points at the time, and audited.

The ledger is test_reports' (see there). With a threshold of 20 a year the bars are 5 by Q1
and 10 by Q2: 王甲 (6, then 7) is low only now; 李二妮 (-4, then 16) was low only in Q1;
赵乙 (0 and 0) has been low in both signed quarters: long-running.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.ledger import selectors
from zhengxing.ledger.models import ReminderTalk
from zhengxing.ledger.rules import is_low, last_signed, low_patterns, low_points_bar
from zhengxing.ledger.services import reminder_talk_record
from zhengxing.testing import Cast, client_for

from .conftest import D, as_

pytestmark = pytest.mark.usefixtures("on_30_june")


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "quarter", "bar"),
    [(60, 1, 15), (60, 2, 30), (60, 4, 60), (50, 1, "12.5"), (0, 3, 0)],
)
def test_the_bar_is_the_years_threshold_pro_rata(threshold: int, quarter: int, bar: Any) -> None:
    assert low_points_bar(D(threshold), quarter) == D(bar)


@pytest.mark.parametrize(
    ("signed", "n", "latest"),
    [({1, 2}, 2, (2, 1)), ({1, 2, 4}, 2, (4, 2)), ({3}, 2, ()), ({3}, 1, (3,)), (set(), 1, ())],
)
def test_the_latest_signed_quarters(signed: set[int], n: int, latest: tuple) -> None:
    assert last_signed(signed, n) == latest


# threshold 20 a year: bars 5, 10, 15, 20
@pytest.mark.parametrize(
    ("cumulative", "signed", "quarters", "low"),
    [
        ({1: 0, 2: 0}, {1, 2}, 2, True),  # nothing all half-year
        ({1: 6, 2: 7}, {1, 2}, 2, False),  # on course in Q1
        ({1: 6, 2: 7}, {1, 2}, 1, True),  # but low now
        ({1: -4, 2: 16}, {1, 2}, 1, False),  # caught up
        ({1: 0}, {1}, 2, False),  # one signed quarter is not yet long-running
        ({1: 0, 2: 0, 3: 50}, {1, 2}, 2, True),  # Q3 unsigned: not looked at
        ({2: 0, 4: 10}, {2, 4}, 2, True),  # a gap: the latest two signed are Q4 and Q2
        ({1: 5, 2: 10}, {1, 2}, 1, False),  # exactly on the bar is not below it
    ],
)
def test_is_low(cumulative: dict, signed: set[int], quarters: int, low: bool) -> None:
    values = {q: D(v) for q, v in cumulative.items()}
    assert is_low(values, signed, threshold=D(20), quarters=quarters) is low


@pytest.mark.parametrize("quarters", [1, 2, 3, 4])
def test_the_patterns_say_what_is_low_says(quarters: int) -> None:
    """Every signed set and every below/above combination: the database's patterns agree."""
    threshold = D(60)
    for size in range(5):
        for signed in itertools.combinations(range(1, 5), size):
            for below in itertools.product((True, False), repeat=4):
                cumulative = {
                    q: low_points_bar(threshold, q) - (1 if below[q - 1] else 0)
                    for q in range(1, 5)
                }
                by_patterns = any(
                    p.signed <= set(signed)
                    and not (p.unsigned & set(signed))
                    and all(below[q - 1] for q in p.signed)
                    for p in low_patterns(quarters)
                )
                expected = is_low(cumulative, signed, threshold=threshold, quarters=quarters)
                assert by_patterns is expected, (signed, below)


# --- the list -----------------------------------------------------------------------------


@pytest.fixture
def threshold_20(settings: Any) -> None:
    settings.ZHENGXING_LOW_POINTS_THRESHOLD = 20
    settings.ZHENGXING_LOW_POINTS_QUARTERS = 2


def low(cast: Cast, org, quarters: int) -> list[str]:
    rows = selectors.low_points(
        user=cast.alice, org=org, year=2026, threshold=D(20), quarters=quarters
    )
    return [r["name"] for r in rows]


def test_long_running_low_points(signed_q2: Cast) -> None:
    assert low(signed_q2, signed_q2.root, 2) == ["赵乙"]
    assert low(signed_q2, signed_q2.root, 1) == ["赵乙", "王甲"]
    assert low(signed_q2, signed_q2.town_a, 2) == []


def test_before_the_second_signature(ledger: Cast) -> None:
    """A1B signed only Q1: nobody there has two signed quarters behind them yet."""
    assert low(ledger, ledger.town_a, 2) == []
    assert low(ledger, ledger.town_a, 1) == ["李二妮"]


def test_the_low_points_page(signed_q2: Cast, threshold_20: None) -> None:
    alice = client_for(signed_q2.alice)
    page = alice.get(reverse("ledger:low_points"), {"year": 2026})
    assert [r["name"] for r in page.context["page"].object_list] == ["赵乙"]
    assert page.context["threshold"] == 20 and page.context["quarters"] == 2
    everyone = alice.get(reverse("ledger:low_points"), {"year": "2026", "all": "1"})
    assert [r["name"] for r in everyone.context["page"].object_list] == ["赵乙", "王甲"]
    bob = client_for(signed_q2.bob).get(reverse("ledger:low_points"), {"year": "2026", "all": "1"})
    assert [r["name"] for r in bob.context["page"].object_list] == ["王甲"]
    dave = client_for(signed_q2.dave)
    assert dave.get(reverse("ledger:low_points"), {"org": signed_q2.town_a.pk}).status_code == 404


def test_the_list_counts_the_years_talks(signed_q2: Cast, threshold_20: None) -> None:
    for day in (dt.date(2026, 5, 1), dt.date(2026, 6, 28)):
        reminder_talk_record(
            actor=as_(signed_q2.carol), member=signed_q2.member_a1, held_on=day, notes="谈话"
        )
    rows = selectors.low_points(
        user=signed_q2.alice, org=signed_q2.root, year=2026, threshold=D(20), quarters=1
    )
    wang = next(r for r in rows if r["name"] == "王甲")
    assert (wang["talks"], wang["last_talk"]) == (2, dt.date(2026, 6, 28))


# --- recording a talk ---------------------------------------------------------------------


def test_the_secretary_records_a_talk_with_the_points_at_the_time(signed_q2: Cast) -> None:
    talk = reminder_talk_record(
        actor=as_(signed_q2.carol),
        member=signed_q2.member_a1,
        held_on=dt.date(2026, 6, 29),
        notes="  指出积分偏低，要求下季度积极参加志愿服务  ",
    )
    assert (talk.points_at_talk, talk.year, talk.branch_id) == (7, 2026, signed_q2.branch_a1.pk)
    assert (talk.held_by, talk.held_by_label) == (signed_q2.carol, "carol")
    assert talk.notes == "指出积分偏低，要求下季度积极参加志愿服务"
    event = AuditEvent.objects.get(action="ledger.reminder_talk.record")
    assert (event.object_id, event.actor) == (str(talk.pk), signed_q2.carol)
    assert event.after is not None and event.after["points_at_talk"] == "7.0"


def test_the_committee_may_record_a_talk(signed_q2: Cast) -> None:
    reminder_talk_record(
        actor=as_(signed_q2.cathy),
        member=signed_q2.erin_member,
        held_on=dt.date(2026, 6, 1),
        notes="",
    )
    assert ReminderTalk.objects.get().points_at_talk == 16


@pytest.mark.parametrize("who", ["bob", "dave", "erin", "alice", "gina"])
def test_only_the_branch_holds_the_talk(signed_q2: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied):
        reminder_talk_record(
            actor=as_(getattr(signed_q2, who)),
            member=signed_q2.member_a1,
            held_on=dt.date(2026, 6, 29),
            notes="",
        )
    assert not ReminderTalk.objects.exists()
    assert not AuditEvent.objects.filter(action="ledger.reminder_talk.record").exists()


def test_a_talk_cannot_be_dated_in_the_future(signed_q2: Cast) -> None:
    with pytest.raises(ServiceError) as refused:
        reminder_talk_record(
            actor=as_(signed_q2.carol),
            member=signed_q2.member_a1,
            held_on=dt.date(2026, 7, 1),
            notes="",
        )
    assert str(refused.value) == "约谈日期不能晚于今天"
    assert not ReminderTalk.objects.exists()


def test_the_same_talk_submitted_twice_is_recorded_once(signed_q2: Cast) -> None:
    kwargs: dict[str, Any] = dict(
        member=signed_q2.member_a1, held_on=dt.date(2026, 6, 29), notes="谈话"
    )
    first = reminder_talk_record(actor=as_(signed_q2.carol), **kwargs)
    again = reminder_talk_record(actor=as_(signed_q2.carol), **kwargs)
    assert first.pk == again.pk and ReminderTalk.objects.count() == 1


def test_recording_a_talk_on_the_members_page(signed_q2: Cast) -> None:
    carol = client_for(signed_q2.carol)
    url = reverse("ledger:talk_record", args=[signed_q2.member_a1.pk])
    page = carol.get(reverse("ledger:member_points", args=[signed_q2.member_a1.pk]))
    assert page.context["may_record"] and page.context["talk_form"] is not None
    response = carol.post(
        url, {"held_on": "2026-06-29", "notes": "<b>谈话</b>"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "ledger/reports/_talks.html"
    html = response.content.decode()
    assert "&lt;b&gt;谈话&lt;/b&gt;" in html and "7.0" in html
    refused = carol.post(url, {"held_on": "2026-12-01", "notes": ""}, HTTP_HX_REQUEST="true")
    assert "约谈日期不能晚于今天" in refused.content.decode()
    assert ReminderTalk.objects.count() == 1
    # without HTMX: back to the page
    plain = carol.post(url, {"held_on": "2026-06-28", "notes": "再谈"})
    assert plain.status_code == 302 and plain["Location"].endswith("#talks")


def test_the_township_sees_the_talks_but_gets_no_form(signed_q2: Cast) -> None:
    reminder_talk_record(
        actor=as_(signed_q2.carol),
        member=signed_q2.member_a1,
        held_on=dt.date(2026, 6, 29),
        notes="谈话",
    )
    bob = client_for(signed_q2.bob)
    page = bob.get(reverse("ledger:member_points", args=[signed_q2.member_a1.pk]))
    assert len(page.context["talks"]) == 1 and page.context["talk_form"] is None
    url = reverse("ledger:talk_record", args=[signed_q2.member_a1.pk])
    assert bob.post(url, {"held_on": "2026-06-29", "notes": ""}).status_code == 403
    dave = client_for(signed_q2.dave)
    assert dave.post(url, {"held_on": "2026-06-29", "notes": ""}).status_code == 404
    assert ReminderTalk.objects.count() == 1
