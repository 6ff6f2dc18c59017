"""The ledger over the API: deductions, corrections, base points, and the reads that show what
counts — a branch's entries in chain order, its quarter table, a member's year.

Recall the cast (zhengxing/testing.py): bob runs township A, dave township B; carol is secretary
and cathy a committee member of branch A1B; erin is a member there (李二妮); 王甲 belongs to A1B.
The county runs the Sanmenxia rules for 2026 and the API's clock stands at 30 June 2026 (Q2).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhengxing.ledger.models import LedgerEntry, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import deduction_record, quarter_sign_off
from zhengxing.testing import Cast, client_for

from .conftest import NOW, after, as_, item, key, snapshot

pytestmark = pytest.mark.usefixtures("api_clock")

POINTS = "/api/v1/points"
JSON = "application/json"


def absence(cast: Cast, rules: RuleCatalogue, **overrides: Any) -> dict[str, Any]:
    """王甲 missed the branch meeting without reason (SMX-K01, 5 points)."""
    return {
        "member_id": cast.member_a1.pk,
        "item_id": item(rules, "SMX-K01").pk,
        "reason": "6月主题党日无故缺席",
        "occurred_on": "2026-06-05",
        "idempotency_key": "absence-1",
        **overrides,
    }


def deduct(cast: Cast, rules: RuleCatalogue) -> LedgerEntry:
    return deduction_record(
        actor=as_(cast.cathy),
        branch=cast.branch_a1,
        member=cast.member_a1,
        item=item(rules, "SMX-K01"),
        reason="无故缺席",
        occurred_on=NOW.date(),
        idempotency_key=key(),
    )


# --- deductions ---------------------------------------------------------------------------


def test_the_committee_records_a_deduction_with_its_reason(
    cast: Cast, rules: RuleCatalogue
) -> None:
    response = client_for(cast.cathy).post(
        f"{POINTS}/deductions", absence(cast, rules), content_type=JSON
    )

    assert response.status_code == 201, response.content
    entry = response.json()
    assert (entry["points"], entry["part"], entry["counted"]) == ("-5.0", "deduction", False)
    assert entry["member"] == {"id": cast.member_a1.pk, "name": "王甲"}
    assert entry["seq"] == 1


def test_the_same_deduction_sent_twice_is_one_entry(cast: Cast, rules: RuleCatalogue) -> None:
    cathy = client_for(cast.cathy)

    first = cathy.post(f"{POINTS}/deductions", absence(cast, rules), content_type=JSON)
    second = cathy.post(f"{POINTS}/deductions", absence(cast, rules), content_type=JSON)

    assert first.json()["id"] == second.json()["id"]
    assert LedgerEntry.objects.count() == 1


def test_a_deduction_without_a_reason_is_refused(cast: Cast, rules: RuleCatalogue) -> None:
    before = snapshot()

    response = client_for(cast.cathy).post(
        f"{POINTS}/deductions", absence(cast, rules, reason=" "), content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "请填写扣分理由"
    assert snapshot() == before


def test_a_member_may_not_deduct_from_her_branch(cast: Cast, rules: RuleCatalogue) -> None:
    response = client_for(cast.erin).post(
        f"{POINTS}/deductions", absence(cast, rules), content_type=JSON
    )

    # erin cannot see 王甲's record at all: as if he did not exist
    assert response.status_code == 404
    assert not LedgerEntry.objects.exists()


def test_township_b_may_not_deduct_from_a_township_a_member(
    cast: Cast, rules: RuleCatalogue
) -> None:
    response = client_for(cast.dave).post(
        f"{POINTS}/deductions", absence(cast, rules), content_type=JSON
    )

    assert response.status_code == 404
    assert not LedgerEntry.objects.exists()


# --- corrections --------------------------------------------------------------------------


def test_a_wrong_entry_is_corrected_by_an_opposite_entry(cast: Cast, rules: RuleCatalogue) -> None:
    wrong = deduct(cast, rules)

    response = client_for(cast.carol).post(
        f"{POINTS}/entries/{wrong.pk}/reverse", {"reason": "当天请过假"}, content_type=JSON
    )

    assert response.status_code == 201, response.content
    reversal = response.json()
    assert (reversal["points"], reversal["reverses_id"], reversal["seq"]) == ("5.0", wrong.pk, 2)
    assert reversal["prev_hash"] == wrong.hash
    assert LedgerEntry.objects.get(pk=wrong.pk).points == -5  # the wrong one stays


def test_an_entry_is_corrected_only_once(cast: Cast, rules: RuleCatalogue) -> None:
    wrong = deduct(cast, rules)
    carol = client_for(cast.carol)
    carol.post(f"{POINTS}/entries/{wrong.pk}/reverse", {"reason": "请过假"}, content_type=JSON)

    again = carol.post(
        f"{POINTS}/entries/{wrong.pk}/reverse", {"reason": "请过假"}, content_type=JSON
    )

    assert again.status_code == 400
    assert again.json()["detail"] == "该记录已冲正"
    assert LedgerEntry.objects.count() == 2


def test_township_b_cannot_correct_a_township_a_entry(cast: Cast, rules: RuleCatalogue) -> None:
    wrong = deduct(cast, rules)

    response = client_for(cast.dave).post(
        f"{POINTS}/entries/{wrong.pk}/reverse", {"reason": "x"}, content_type=JSON
    )

    assert response.status_code == 404
    assert LedgerEntry.objects.count() == 1


# --- base points --------------------------------------------------------------------------


def test_the_years_base_points_are_credited_once_per_member(
    cast: Cast, rules: RuleCatalogue
) -> None:
    carol = client_for(cast.carol)
    url = f"{POINTS}/branches/{cast.branch_a1.pk}/base-points"

    first = carol.post(url, {"year": 2026}, content_type=JSON)
    second = carol.post(url, {"year": 2026}, content_type=JSON)

    assert first.status_code == 201, first.content
    assert sorted((e["member"]["name"], e["points"]) for e in first.json()) == [
        ("李二妮", "60.0"),
        ("王甲", "60.0"),
    ]
    assert second.json() == []


# --- reads --------------------------------------------------------------------------------


def test_the_branch_ledger_lists_entries_in_chain_order_marking_what_counts(
    cast: Cast, rules: RuleCatalogue
) -> None:
    first = deduct(cast, rules)
    quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )

    response = client_for(cast.bob).get(
        f"{POINTS}/branches/{cast.branch_a1.pk}/entries?year=2026&quarter=2"
    )

    assert response.status_code == 200, response.content
    assert [(e["id"], e["counted"]) for e in response.json()["items"]] == [(first.pk, True)]


def test_the_branch_ledger_costs_the_same_queries_for_5_rows_and_for_200(
    cast: Cast, rules: RuleCatalogue
) -> None:
    client_for(cast.carol).post(
        f"{POINTS}/branches/{cast.branch_a1.pk}/base-points", {"year": 2026}, content_type=JSON
    )
    for _ in range(6):
        deduct(cast, rules)
    bob = client_for(cast.bob)

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = bob.get(f"{POINTS}/branches/{cast.branch_a1.pk}/entries?limit={limit}")
        assert len(response.json()["items"]) == min(limit, 8)
        return len(ctx.captured_queries)

    # session, user, role assignments, member record, the branch, the count, the page
    assert queries(5) == queries(200) == 7


def test_township_b_cannot_read_a_township_a_ledger(cast: Cast, rules: RuleCatalogue) -> None:
    dave = client_for(cast.dave)
    branch = cast.branch_a1.pk

    assert dave.get(f"{POINTS}/branches/{branch}/entries").status_code == 404
    assert dave.get(f"{POINTS}/branches/{branch}/quarters/2026/2/table").status_code == 404
    assert dave.get(f"{POINTS}/members/{cast.member_a1.pk}/totals?year=2026").status_code == 404


def test_the_quarter_table_shows_only_signed_points(cast: Cast, rules: RuleCatalogue) -> None:
    deduct(cast, rules)
    carol = client_for(cast.carol)
    url = f"{POINTS}/branches/{cast.branch_a1.pk}/quarters/2026/2/table"

    before = carol.get(url).json()
    quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )
    signed = carol.get(url).json()

    assert before["rows"] == []
    assert signed["rows"] == [
        {
            "member_id": cast.member_a1.pk,
            "member_name": "王甲",
            "base": "0.0",
            "bonus": "0.0",
            "deduction": "-5.0",
            "total": "-5.0",
        }
    ]


def test_a_members_year_counts_only_signed_quarters(cast: Cast, rules: RuleCatalogue) -> None:
    deduct(cast, rules)
    url = f"{POINTS}/members/{cast.member_a1.pk}/totals?year=2026"

    unsigned = client_for(cast.cathy).get(url).json()
    quarter_sign_off(
        actor=as_(cast.carol, after(Quarter(2026, 2))),
        branch=cast.branch_a1,
        quarter=Quarter(2026, 2),
    )
    signed = client_for(cast.cathy).get(url).json()

    assert unsigned["total"] == "0.0"
    assert (signed["deduction"], signed["total"]) == ("-5.0", "-5.0")


def test_a_member_reads_her_own_year_but_not_anothers(cast: Cast, rules: RuleCatalogue) -> None:
    erin = client_for(cast.erin)

    own = erin.get(f"{POINTS}/members/{cast.erin_member.pk}/totals?year=2026")
    other = erin.get(f"{POINTS}/members/{cast.member_a1.pk}/totals?year=2026")

    assert own.status_code == 200
    assert other.status_code == 404


def test_a_member_reads_her_own_history_but_not_anothers(cast: Cast, rules: RuleCatalogue) -> None:
    client_for(cast.carol).post(
        f"{POINTS}/branches/{cast.branch_a1.pk}/base-points", {"year": 2026}, content_type=JSON
    )
    deduct(cast, rules)
    erin = client_for(cast.erin)

    own = erin.get(f"{POINTS}/members/{cast.erin_member.pk}/entries?year=2026")
    other = erin.get(f"{POINTS}/members/{cast.member_a1.pk}/entries")
    branch = erin.get(f"{POINTS}/branches/{cast.branch_a1.pk}/entries")

    assert own.status_code == 200, own.content
    assert [(e["item"]["code"], e["points"]) for e in own.json()["items"]] == [("SMX-J01", "60.0")]
    assert other.status_code == 404
    assert branch.status_code == 404
