"""Rankings compare like with like: a branch that has signed two quarters and one that has
signed one are compared by points per signed quarter (year-end ranking, 晾晒, 002), and the page
says so. The township book (一册) says how it is sorted and may be sorted by the average per
member and signed quarter; its chart gives each branch's points quarter by quarter, the same
figures printed as a table beside it.

    A1B (Q1 signed)        王甲 snow +1, mediation +5 = 6 in 1 quarter  → 6 a quarter
    B1B (Q1, Q2 signed)    赵乙 mediation +5, +5      = 10 in 2 quarters → 5 a quarter
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhengxing.ledger import selectors
from zhengxing.ledger.models import RuleCatalogue
from zhengxing.ledger.services import claim_record_many, claim_review_many
from zhengxing.testing import Cast, client_for

from .conftest import COUNTY, JUNE, MARCH, Q1, Q2, approved, item, key, sign


def zhao_mediates(cast: Cast, rules: RuleCatalogue, day) -> None:  # type: ignore[no-untyped-def]
    claims = claim_record_many(
        actor=COUNTY,
        branch=cast.branch_b1,
        item=item(rules, "SMX-G04"),
        members=[cast.member_b1],
        occurred_on=day,
        place="乙一村",
        description="调解邻里纠纷",
        idempotency_key=key(),
    )
    claim_review_many(actor=COUNTY, branch=cast.branch_b1, claims=claims, decision="approve")


@pytest.fixture
def uneven(cast: Cast, rules: RuleCatalogue) -> Cast:
    approved(cast, rules, "SMX-G02", [cast.member_a1], MARCH)
    approved(cast, rules, "SMX-G04", [cast.member_a1], MARCH)
    sign(cast, Q1)
    zhao_mediates(cast, rules, MARCH)
    zhao_mediates(cast, rules, JUNE)
    sign(cast, Q1, cast.branch_b1)
    sign(cast, Q2, cast.branch_b1)
    return cast


def test_the_ranking_compares_points_per_signed_quarter(uneven: Cast) -> None:
    rows = list(selectors.member_ranking(user=uneven.alice, org=uneven.root, year=2026))
    by_name = {r["name"]: r for r in rows}
    assert (by_name["王甲"]["total"], by_name["王甲"]["signed"]) == (6, 1)
    assert (by_name["赵乙"]["total"], by_name["赵乙"]["signed"]) == (10, 2)
    assert by_name["王甲"]["per_quarter"] == 6 and by_name["赵乙"]["per_quarter"] == 5
    # by the year's total 赵乙 would lead; by points per signed quarter 王甲 does
    assert [r["name"] for r in rows][:2] == ["王甲", "赵乙"]
    assert by_name["王甲"]["rank"] == 1 and by_name["赵乙"]["rank"] == 2


def test_the_ranking_page_says_what_it_compares_and_charts_the_first(uneven: Cast) -> None:
    page = client_for(uneven.alice).get(reverse("ledger:rankings"), {"year": "2026"})
    html = page.content.decode()
    assert selectors.RANKING_BASIS in html
    chart = page.context["chart"].data
    assert chart["categories"][:2] == ["1. 王甲", "2. 赵乙"]
    assert chart["series"][0]["data"][:2] == [6.0, 5.0]
    assert "echarts.custom.min.js" in html and 'class="chart-table"' in html


def test_the_book_says_how_it_is_sorted_and_charts_each_quarter(uneven: Cast) -> None:
    bob = client_for(uneven.alice)
    url = reverse("ledger:township_book", args=[uneven.root.pk])
    page = bob.get(url, {"year": "2026"})
    assert "按组织机构顺序" in page.content.decode()
    book = page.context["book"]
    assert [r.name for r in book.rows] == [uneven.branch_a1.name, uneven.branch_b1.name]
    chart = page.context["chart"].data
    assert [s["data"] for s in chart["series"]][:2] == [[6.0, 5.0], [0.0, 5.0]]  # Q1, Q2

    by_average = bob.get(url, {"year": "2026", "sort": "average"})
    assert "按每名党员每个已签字季度的平均积分从高到低" in by_average.content.decode()
    rows = by_average.context["book"].rows
    # per member and signed quarter: A1B 6 / 2 members / 1 quarter = 3 (李二妮 has none);
    # B1B 10 / 1 member / 2 quarters = 5
    assert [(r.name, r.average_per_quarter) for r in rows] == [
        (uneven.branch_b1.name, 5),
        (uneven.branch_a1.name, 3),
    ]


def test_the_charts_library_loads_only_where_a_chart_is_drawn(uneven: Cast) -> None:
    erin = client_for(uneven.erin)
    for name in ("home", "ledger:my_points"):
        assert "echarts" not in erin.get(reverse(name)).content.decode(), name
