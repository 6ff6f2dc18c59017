"""The reports through the API: the same numbers as the pages (see conftest's `ledger`: with Q2
signed, 李二妮 16 and 王甲 7 in A1B, 赵乙 0 in B1B), the same scoping (outside it: 404), and
reminder talks recorded by the branch's committee only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhengxing.audit.models import AuditEvent
from zhengxing.ledger import selectors
from zhengxing.ledger.models import ReminderTalk
from zhengxing.testing import Cast, client_for

pytestmark = pytest.mark.usefixtures("on_30_june")
API = "/api/v1/points"
JSON = "application/json"


def get(client: Client, path: str, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return response.json()


def test_the_branch_year_table(signed_q2: Cast) -> None:
    table = get(client_for(signed_q2.carol), f"/branches/{signed_q2.branch_a1.pk}/year-table")
    assert table["year"] == 2026 and table["signed"] == [1, 2]
    rows = {r["name"]: r for r in table["rows"]}
    assert (rows["李二妮"]["rank"], rows["李二妮"]["total"]) == (1, "16.0")
    assert rows["李二妮"]["quarters"][0] == {"additions": "1.0", "deductions": "-5.0"}
    assert rows["王甲"]["quarters"][1] == {"additions": "1.0", "deductions": "0.0"}
    assert table["total"] == "23.0"


def test_a_member_sees_her_own_year(ledger: Cast) -> None:
    mine = get(client_for(ledger.erin), "/me/points", year=2026)
    assert (mine["member"]["name"], mine["total"], mine["deduction"]) == ("李二妮", "-4.0", "-5.0")
    assert mine["quarters"][:2] == [
        {"quarter": 1, "counted": "-4.0"},
        {"quarter": 2, "counted": None},  # Q2 not signed yet
    ]
    gina = client_for(ledger.gina).get(f"{API}/me/points")
    assert gina.status_code == 404  # a grid worker is no member


def test_the_township_book_and_the_county_view(signed_q2: Cast) -> None:
    book = get(client_for(signed_q2.bob), f"/townships/{signed_q2.town_a.pk}/book", year=2026)
    assert book["tally"]["total"] == "23.0" and book["tally"]["members"] == 2
    assert [r["signed"] for r in book["rows"]] == [[1, 2]]
    county = get(client_for(signed_q2.alice), "/county", year=2026)
    assert county["tally"]["total"] == "23.0" and county["branches"] == 2
    assert county["signed_by_quarter"] == [2, 2, 0, 0]


def test_rankings_in_the_county_and_their_pages(signed_q2: Cast) -> None:
    alice = client_for(signed_q2.alice)
    ranked = get(alice, "/rankings", scope="county", year=2026)
    assert ranked["count"] == 3 and not ranked["year_end"]
    assert [(r["name"], r["rank"], r["total"]) for r in ranked["items"]] == [
        ("李二妮", 1, "16.0"),
        ("王甲", 2, "7.0"),
        ("赵乙", 3, "0.0"),
    ]
    # all three branches signed Q1 and Q2: the rank compares 16 / 2 and 7 / 2
    assert [(r["signed_quarters"], r["per_quarter"]) for r in ranked["items"]] == [
        (2, "8.0"),
        (2, "3.5"),
        (2, "0.0"),
    ]
    assert ranked["basis"] == selectors.RANKING_BASIS
    second = get(alice, "/rankings", scope="county", year=2026, limit=2, offset=2)
    assert [r["name"] for r in second["items"]] == ["赵乙"]
    assert get(alice, "/rankings", scope="county", year=2025)["year_end"]


def test_low_points_with_the_threshold(signed_q2: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ZHENGXING_LOW_POINTS_THRESHOLD = 20
    low = get(client_for(signed_q2.alice), "/low", year=2026)
    assert (low["threshold"], low["quarters"], low["count"]) == ("20.0", 2, 1)
    assert low["items"][0]["name"] == "赵乙" and low["items"][0]["by_quarter"][:2] == [
        "0.0",
        "0.0",
    ]
    everyone = get(client_for(signed_q2.alice), "/low", year=2026, all="true")
    assert [r["name"] for r in everyone["items"]] == ["赵乙", "王甲"]


def test_outside_the_scope_is_404(signed_q2: Cast) -> None:
    dave = client_for(signed_q2.dave)  # township B
    for path in (
        f"/branches/{signed_q2.branch_a1.pk}/year-table",
        f"/townships/{signed_q2.town_a.pk}/book",
        f"/members/{signed_q2.member_a1.pk}/points",
        f"/members/{signed_q2.member_a1.pk}/talks",
        "/county",
    ):
        assert dave.get(f"{API}{path}").status_code == 404, path
    assert dave.get(f"{API}/rankings", {"org": signed_q2.branch_a1.pk}).status_code == 404
    assert dave.get(f"{API}/low", {"org": signed_q2.town_a.pk}).status_code == 404


def test_a_reminder_talk_through_the_api(signed_q2: Cast) -> None:
    url = f"{API}/members/{signed_q2.member_a1.pk}/talks"
    body = {"held_on": "2026-06-29", "notes": "指出积分偏低"}
    made = client_for(signed_q2.carol).post(url, body, content_type=JSON)
    assert made.status_code == 201, made.content
    assert (made.json()["points_at_talk"], made.json()["held_by"]) == ("7.0", "carol")
    assert AuditEvent.objects.filter(action="ledger.reminder_talk.record").count() == 1
    listed = get(client_for(signed_q2.bob), f"/members/{signed_q2.member_a1.pk}/talks")
    assert [t["notes"] for t in listed] == ["指出积分偏低"]
    future = client_for(signed_q2.carol).post(
        url, {"held_on": "2026-07-01", "notes": ""}, content_type=JSON
    )
    assert (future.status_code, future.json()["detail"]) == (400, "约谈日期不能晚于今天")
    erin = client_for(signed_q2.erin).post(url, body, content_type=JSON)
    assert erin.status_code == 404  # a member does not see another's record
    gina = client_for(signed_q2.gina).post(url, body, content_type=JSON)
    assert gina.status_code == 403  # sees the member, holds no talks
    assert ReminderTalk.objects.count() == 1
