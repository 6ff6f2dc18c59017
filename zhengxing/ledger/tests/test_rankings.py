"""Rankings within a branch, a township and the county: members ranked by the year's counted
total, ties sharing a rank (RANK: 1, 1, 3), members without points last; for a finished year
the page is the year-end ranking (年终排名). The ledger is test_reports' (see there)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from zhengxing.ledger import selectors
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.testing import Cast, add_member, client_for

from .conftest import Q2, approved, sign

pytestmark = pytest.mark.usefixtures("on_30_june")


def ranked(cast: Cast, org, year: int = 2026) -> list[tuple[str, int, float]]:
    rows = selectors.member_ranking(user=cast.alice, org=org, year=year)
    return [(r["name"], r["rank"], float(r["total"])) for r in rows]


def test_the_county_ranking(signed_q2: Cast) -> None:
    assert ranked(signed_q2, signed_q2.root) == [("李二妮", 1, 16), ("王甲", 2, 7), ("赵乙", 3, 0)]


def test_a_township_ranking_holds_only_its_members(signed_q2: Cast) -> None:
    assert ranked(signed_q2, signed_q2.town_a) == [("李二妮", 1, 16), ("王甲", 2, 7)]
    assert ranked(signed_q2, signed_q2.town_b) == [("赵乙", 1, 0)]


def test_only_signed_quarters_rank(ledger: Cast) -> None:
    assert ranked(ledger, ledger.branch_a1) == [("王甲", 1, 6), ("李二妮", 2, -4)]


def test_ties_share_a_rank_and_the_next_rank_skips(ledger: Cast, rules: RuleCatalogue) -> None:
    """Two new members get 5 each in Q2; 王甲 reaches 7, 李二妮 16: ranks 1, 2, 3, 3; with a
    third new member on 5 too, the one after the tie would be 6th."""
    a, b = add_member(ledger.county, "A1B", name="甲"), add_member(ledger.county, "A1B", name="乙")
    c = add_member(ledger.county, "A1B", name="丙")
    approved(ledger, rules, "SMX-G04", [a, b, c], dt.date(2026, 6, 1))
    sign(ledger, Q2)
    assert ranked(ledger, ledger.branch_a1) == [
        ("李二妮", 1, 16), ("王甲", 2, 7), ("丙", 3, 5), ("乙", 3, 5), ("甲", 3, 5)
    ]  # fmt: skip
    table = selectors.branch_year_table(user=ledger.carol, branch=ledger.branch_a1, year=2026)
    assert [r.rank for r in table.rows] == [1, 2, 3, 3, 3]


def test_members_who_left_are_not_ranked(signed_q2: Cast) -> None:
    from zhengxing.orgs.services import member_set_status
    from zhengxing.testing import SYSTEM

    member_set_status(
        actor=SYSTEM, member=signed_q2.member_a1, status="deceased", on=dt.date(2026, 6, 25)
    )
    assert ranked(signed_q2, signed_q2.town_a) == [("李二妮", 1, 16)]
    # the branch table keeps them, for the entries they have
    table = selectors.branch_year_table(user=signed_q2.carol, branch=signed_q2.branch_a1, year=2026)
    assert [(r.name, r.on_roll) for r in table.rows] == [("李二妮", True), ("王甲", False)]


def test_the_scope_parameter_climbs_from_a_branch(signed_q2: Cast) -> None:
    bob = client_for(signed_q2.bob)
    url = reverse("ledger:rankings")
    a1 = signed_q2.branch_a1.pk
    page = bob.get(url, {"scope": "township", "org": str(a1), "year": "2026"})
    assert (page.context["org"], page.context["scope"]) == (signed_q2.town_a, "township")
    assert (
        bob.get(url, {"scope": "county", "org": str(a1)}).status_code == 404
    )  # bob: not the county
    page = client_for(signed_q2.alice).get(url, {"scope": "county", "org": str(a1), "year": "2026"})
    assert page.context["org"] == signed_q2.root
    assert [r["name"] for r in page.context["page"].object_list] == ["李二妮", "王甲", "赵乙"]
    assert bob.get(url, {"scope": "branch", "org": str(signed_q2.town_a.pk)}).status_code == 404


def test_without_an_org_the_users_own_organisation(signed_q2: Cast) -> None:
    page = client_for(signed_q2.carol).get(reverse("ledger:rankings"), {"year": 2026})
    assert (page.context["org"], page.context["scope"]) == (signed_q2.branch_a1, "branch")
    assert client_for(signed_q2.erin).get(reverse("ledger:rankings")).status_code == 404


def test_a_finished_year_shows_the_year_end_ranking(signed_q2: Cast) -> None:
    alice = client_for(signed_q2.alice)
    now = alice.get(reverse("ledger:rankings"), {"year": 2026})
    assert not now.context["year_end"]
    last = alice.get(reverse("ledger:rankings"), {"year": 2025})
    assert last.context["year_end"] and "年终积分排名" in last.context["title"]


def test_the_ranking_pages(signed_q2: Cast, rules: RuleCatalogue, monkeypatch) -> None:
    monkeypatch.setattr("zhengxing.ledger.views.reports.PER_PAGE", 2)
    alice = client_for(signed_q2.alice)
    url = reverse("ledger:rankings")
    second = alice.get(url, {"scope": "county", "year": "2026", "page": "2"})
    assert [(r["name"], r["rank"]) for r in second.context["page"].object_list] == [("赵乙", 3)]
    partial = alice.get(
        url,
        {"scope": "county", "year": "2026", "page": "2"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ranking-table",
    )
    assert partial.templates[0].name == "ledger/reports/_ranking_table.html"
