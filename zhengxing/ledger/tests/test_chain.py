"""The chain's canonical form is a published format: anyone holding the rows can recompute it,
so it must never drift. These pin it, and check the walk on rows built in memory."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhengxing.ledger.chain import GENESIS_HASH, canonical_content, entry_hash, verify_chain

pytestmark = pytest.mark.engine_neutral  # the chain's hashing and verifying, no database

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def row(seq: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": seq * 10, "county_id": 1, "branch_id": 4, "member_id": 7, "item_id": 12,
        "year": 2026, "quarter": 2, "part": "deduction", "points": Decimal("-5"),
        "claim_id": 30 + seq, "reverses_id": None, "note": "无故缺席",
        "recorded_at": dt.datetime(2026, 6, 30, 10, 0, tzinfo=SHANGHAI), "recorded_by_id": 5,
        "seq": seq,
    }  # fmt: skip
    values.update(changes)
    return values


def chained(n: int) -> list[dict[str, Any]]:
    rows, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        r = row(seq)
        r["prev_hash"], r["hash"] = prev, entry_hash(prev, r)
        prev = r["hash"]
        rows.append(r)
    return rows


def test_the_canonical_form_is_sorted_compact_utf8_with_points_as_text_and_utc_times() -> None:
    assert canonical_content(row(1)).decode() == (
        '{"branch_id":4,"claim_id":31,"county_id":1,"item_id":12,"member_id":7,'
        '"note":"无故缺席","part":"deduction","points":"-5.0","quarter":2,'
        '"recorded_at":"2026-06-30T02:00:00.000000Z","recorded_by_id":5,"reverses_id":null,'
        '"seq":1,"v":1,"year":2026}'
    )


def test_the_hash_is_pinned() -> None:
    assert entry_hash(GENESIS_HASH, row(1, claim_id=30)) == (
        "5c71e63c830a27de2167fedbf6729b8ded5ffbd54cced712a5bee02bbc18aef1"
    )


def test_equal_values_hash_equally_however_the_database_returns_them() -> None:
    utc = dt.datetime(2026, 6, 30, 2, 0, tzinfo=dt.UTC)
    assert entry_hash("a", row(1, points=Decimal("-5.0"), recorded_at=utc)) == entry_hash(
        "a", row(1)
    )
    assert entry_hash("a", row(1, points=Decimal("-0.0"))) == entry_hash(
        "a", row(1, points=Decimal(0))
    )


def test_an_intact_chain_verifies_against_its_head() -> None:
    rows = chained(3)
    assert verify_chain(4, rows, head=(3, rows[-1]["hash"])) is None
    assert verify_chain(4, [], head=None) is None


def test_the_first_bad_entry_is_named() -> None:
    rows = chained(4)
    rows[1]["note"] = "改过"
    rows[2]["note"] = "也改过"
    problem = verify_chain(4, rows, head=(4, rows[-1]["hash"]))
    assert problem is not None and (problem.seq, problem.kind) == (2, "edited")
