"""The report pages count what the hand-kept ledger would: a member's page, the branch table
(一张表), the township book (一册) and the county view, each scoped (404 outside) and each
costing the same number of queries for a small ledger and a larger one.

The ledger every test here starts from (`ledger`), under the county's Sanmenxia rules, all
recorded by cathy (committee) and signed by carol (secretary) of branch A1B:

    Q1 (10 March)   王甲   snow +1, mediation +5          李二妮  snow +1, absence -5
    Q2 (20 June)    王甲   snow +1                         李二妮  haircuts +20

Q1 is signed. Q2 is signed only where a test says so (`signed_q2`); until then it does not
count. Branch B1B (赵乙) has no entries; the county signs its Q1 and Q2.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengxing.ledger import selectors
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import (
    entry_reverse,
    quarter_sign_off,
)
from zhengxing.testing import Cast, add_member, client_for

from .conftest import (
    NOW,
    Q2,
    D,
    after,
    approved,
    as_,
    sign,
)

pytestmark = pytest.mark.usefixtures("on_30_june")


# --- the numbers --------------------------------------------------------------------------


def test_the_branch_table_counts_only_signed_quarters(ledger: Cast) -> None:
    table = selectors.branch_year_table(user=ledger.carol, branch=ledger.branch_a1, year=2026)
    assert table.signed == {1}
    rows = {r.name: r for r in table.rows}
    assert rows["王甲"].quarters == ((6, 0), (0, 0), (0, 0), (0, 0))
    assert rows["李二妮"].quarters == ((1, -5), (0, 0), (0, 0), (0, 0))
    assert [(r.name, r.total, r.rank) for r in table.rows] == [("王甲", 6, 1), ("李二妮", -4, 2)]
    assert table.totals[0] == (7, -5) and table.total == 2


def test_signing_the_second_quarter_brings_its_entries_in(signed_q2: Cast) -> None:
    table = selectors.branch_year_table(user=signed_q2.bob, branch=signed_q2.branch_a1, year=2026)
    assert table.signed == {1, 2}
    assert [(r.name, r.quarters[1], r.total, r.rank) for r in table.rows] == [
        ("李二妮", (20, 0), 16, 1),
        ("王甲", (1, 0), 7, 2),
    ]


def test_a_reversal_nets_out_in_the_quarter_it_is_recorded(signed_q2: Cast) -> None:
    """A correction of a signed Q1 entry goes into the open quarter (here Q3, on 2 July); it
    counts there once Q3 is signed (from 1 October), and the member's page marks both."""
    from zhengxing.ledger.models import LedgerEntry

    july = dt.datetime(2026, 7, 2, 10, 0, tzinfo=NOW.tzinfo)
    wrong = LedgerEntry.objects.get(member=signed_q2.member_a1, item__code="SMX-G04")
    entry_reverse(actor=as_(signed_q2.cathy, july), entry=wrong, reason="调解未成功")
    quarter_sign_off(
        actor=as_(signed_q2.carol, after(Quarter(2026, 3))),
        branch=signed_q2.branch_a1,
        quarter=Quarter(2026, 3),
    )
    table = selectors.branch_year_table(user=signed_q2.carol, branch=signed_q2.branch_a1, year=2026)
    wang = next(r for r in table.rows if r.name == "王甲")
    assert (wang.quarters[0], wang.quarters[2], wang.total) == ((6, 0), (-5, 0), 2)
    entries = selectors.member_entries(user=signed_q2.carol, member=signed_q2.member_a1, year=2026)
    marks = {(e.points, e.reverses_id is not None, e.reversed) for e in entries}  # type: ignore[attr-defined]
    assert (D(5), False, True) in marks and (D(-5), True, False) in marks


def test_a_members_totals_and_history(ledger: Cast) -> None:
    erin = ledger.erin_member
    totals = selectors.member_year_totals(user=ledger.erin, member=erin, year=2026)
    assert (totals.base, totals.bonus, totals.deduction, totals.total) == (0, 1, -5, -4)
    assert selectors.member_quarter_totals(user=ledger.erin, member=erin, year=2026) == {1: -4}
    entries = list(selectors.member_entries(user=ledger.erin, member=erin, year=2026))
    assert [(e.quarter, e.points, e.counted) for e in entries] == [  # type: ignore[attr-defined]
        (2, 20, False),
        (1, -5, True),
        (1, 1, True),
    ]


def test_the_township_book_adds_up_its_branches(signed_q2: Cast) -> None:
    book = selectors.township_book(user=signed_q2.bob, org=signed_q2.town_a, year=2026)
    (row,) = book.rows
    t = row.tally
    assert (row.name, t.members, t.entries, t.base, t.bonus, t.deduction, t.total) == (
        signed_q2.branch_a1.name, 2, 6, 0, 28, -5, 23
    )  # fmt: skip
    assert (t.average, row.signed) == (D("11.5"), {1, 2})
    table = selectors.branch_year_table(user=signed_q2.bob, branch=signed_q2.branch_a1, year=2026)
    assert t.total == table.total


def test_the_book_before_the_second_signature(ledger: Cast) -> None:
    (row,) = selectors.township_book(user=ledger.bob, org=ledger.town_a, year=2026).rows
    assert (row.tally.entries, row.tally.bonus, row.tally.total, row.tally.average) == (
        4, 7, 2, 1
    )  # fmt: skip
    assert row.signed == {1}


def test_the_county_view_groups_by_township(signed_q2: Cast) -> None:
    root = selectors.county_root_for(user=signed_q2.alice)
    view = selectors.county_view(user=signed_q2.alice, root=root, year=2026)
    rows = {r.name: r for r in view.rows}
    a, b = rows[signed_q2.town_a.name], rows[signed_q2.town_b.name]
    assert (a.branches, a.tally.members, a.tally.entries, a.tally.total) == (1, 2, 6, 23)
    assert (b.branches, b.tally.members, b.tally.entries, b.tally.total) == (1, 1, 0, 0)
    assert (a.signed_by_quarter, b.signed_by_quarter) == ((1, 1, 0, 0), (1, 1, 0, 0))
    assert (view.branches, view.tally.members, view.tally.total) == (2, 3, 23)
    assert view.tally.average == D("7.7")
    assert view.signed_by_quarter == (2, 2, 0, 0)


def test_another_year_is_empty(signed_q2: Cast) -> None:
    table = selectors.branch_year_table(user=signed_q2.carol, branch=signed_q2.branch_a1, year=2025)
    assert table.signed == set() and {r.total for r in table.rows} == {0}


# --- scope --------------------------------------------------------------------------------


def test_township_b_sees_none_of_township_as_reports(ledger: Cast) -> None:
    dave = client_for(ledger.dave)
    a1, town_a = ledger.branch_a1.pk, ledger.town_a.pk
    for name, args in (
        ("branch_table", [a1]),
        ("branch_table_xlsx", [a1]),
        ("township_book", [town_a]),
        ("township_book_xlsx", [town_a]),
        ("member_points", [ledger.member_a1.pk]),
    ):
        assert dave.get(reverse(f"ledger:{name}", args=args)).status_code == 404, name
    everywhere: list[dict[str, Any]] = [
        {"org": a1},
        {"org": town_a},
        {"scope": "county", "org": ledger.town_b.pk},
    ]
    for params in everywhere:
        assert dave.get(reverse("ledger:rankings"), params).status_code == 404, params
        assert dave.get(reverse("ledger:rankings_xlsx"), params).status_code == 404, params
    assert dave.get(reverse("ledger:low_points"), {"org": a1}).status_code == 404
    assert dave.get(reverse("ledger:county")).status_code == 404
    assert dave.get(reverse("ledger:county_xlsx")).status_code == 404
    # his own township he sees
    assert dave.get(reverse("ledger:township_book", args=[ledger.town_b.pk])).status_code == 200


def test_a_member_sees_their_own_points_and_nobody_elses(ledger: Cast) -> None:
    erin = client_for(ledger.erin)
    page = erin.get(reverse("ledger:my_points"), {"year": 2026})
    assert page.status_code == 200 and page.context["own"]
    assert page.context["totals"].total == -4
    assert page.context["talks"] is None  # the talks are the committee's record
    mine = erin.get(reverse("ledger:member_points", args=[ledger.erin_member.pk]))
    assert mine.status_code == 200
    assert erin.get(reverse("ledger:member_points", args=[ledger.member_a1.pk])).status_code == 404
    assert erin.get(reverse("ledger:branch_table", args=[ledger.branch_a1.pk])).status_code == 404
    assert client_for(ledger.alice).get(reverse("ledger:my_points")).status_code == 404


def test_a_book_is_only_for_organisations_above_branches(ledger: Cast) -> None:
    bob = client_for(ledger.bob)
    assert bob.get(reverse("ledger:township_book", args=[ledger.branch_a1.pk])).status_code == 404
    assert bob.get(reverse("ledger:branch_table", args=[ledger.town_a.pk])).status_code == 404
    assert bob.get(reverse("ledger:township_book", args=[ledger.village_a1.pk])).status_code == 200


# --- the pages ----------------------------------------------------------------------------


def test_the_branch_table_page(signed_q2: Cast) -> None:
    page = client_for(signed_q2.carol).get(
        reverse("ledger:branch_table", args=[signed_q2.branch_a1.pk]), {"year": 2026}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "李二妮" in html and "16.0" in html and "23.0" in html
    assert reverse("ledger:member_points", args=[signed_q2.erin_member.pk]) in html


def test_the_book_links_to_its_branch_tables(signed_q2: Cast) -> None:
    page = client_for(signed_q2.bob).get(
        reverse("ledger:township_book", args=[signed_q2.town_a.pk]), {"year": 2026}
    )
    html = page.content.decode()
    assert reverse("ledger:branch_table", args=[signed_q2.branch_a1.pk]) in html
    assert "11.5" in html


def test_the_county_page(signed_q2: Cast) -> None:
    page = client_for(signed_q2.alice).get(reverse("ledger:county"), {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("ledger:township_book", args=[signed_q2.town_a.pk]) in html
    assert reverse("ledger:township_book_xlsx", args=[signed_q2.town_b.pk]) in html


def test_an_out_of_range_year_falls_back_to_this_year(ledger: Cast) -> None:
    page = client_for(ledger.carol).get(
        reverse("ledger:branch_table", args=[ledger.branch_a1.pk]), {"year": "99999"}
    )
    assert page.context["year"] == 2026


def test_names_are_escaped(cast: Cast, rules: RuleCatalogue) -> None:
    add_member(cast.county, "A1B", name="<b>x</b>")
    html = client_for(cast.carol).get(reverse("ledger:branch_table", args=[cast.branch_a1.pk]))
    assert "&lt;b&gt;x&lt;/b&gt;" in html.content.decode()


# --- query budgets ------------------------------------------------------------------------


def grow(cast: Cast, rules: RuleCatalogue, n: int = 6) -> None:
    """More members in both townships; those of A1B with two entries each in Q2."""
    members = [add_member(cast.county, "A1B") for _ in range(n)]
    for _ in range(n):
        add_member(cast.county, "B1B")
    approved(cast, rules, "SMX-G04", members, dt.date(2026, 6, 1))
    approved(cast, rules, "SMX-G06", members, dt.date(2026, 6, 2))


def queries(client: Client, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


PAGES = [
    ("carol", "ledger:branch_table", "branch_a1", {}),
    ("carol", "ledger:branch_table_xlsx", "branch_a1", {}),
    ("bob", "ledger:township_book", "town_a", {}),
    ("bob", "ledger:township_book_xlsx", "town_a", {}),
    ("carol", "ledger:member_points", "member_a1", {}),
    ("erin", "ledger:my_points", None, {}),
    ("alice", "ledger:county", None, {}),
    ("alice", "ledger:county_xlsx", None, {}),
    ("alice", "ledger:rankings", None, {"scope": "county"}),
    ("alice", "ledger:rankings_xlsx", None, {"scope": "county"}),
    ("alice", "ledger:low_points", None, {"all": "1"}),
]


@pytest.mark.parametrize(("who", "name", "arg", "params"), PAGES)
def test_a_page_costs_the_same_for_a_larger_ledger(
    ledger: Cast, rules: RuleCatalogue, who: str, name: str, arg: str | None, params: dict
) -> None:
    args = [getattr(ledger, arg).pk] if arg else []
    url = reverse(name, args=args)
    client = client_for(getattr(ledger, who))
    params = {"year": 2026, **params}
    small = queries(client, url, params)
    grow(ledger, rules)
    sign(ledger, Q2)
    assert queries(client, url, params) == small
    assert small <= 14, small
