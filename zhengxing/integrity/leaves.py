"""What the county's tree holds and what its key signs, as canonical bytes: a leaf per branch's
signed quarter, and the tree head. Canonical JSON as the ledger's chain writes it (sorted keys,
no spaces, UTF-8, points as text), so that anyone holding a notice's figures can rebuild the leaf
and anyone holding a head can rebuild what was signed. Nothing here touches the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhengxing.ledger.rules import points_text

FORMAT_VERSION = 1


def _canonical(content: dict[str, Any]) -> bytes:
    content = {**content, "v": FORMAT_VERSION}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class QuarterLeaf:
    """A branch's signed quarter as the tree keeps it: whose, which, where its chain stood and
    what it counted (the figures the public notice shows)."""

    county: str  # the county's code
    branch: str  # the branch's public reference (never its id)
    quarter: str  # 2026Q1
    head_seq: int
    head_hash: str
    entries: int
    base_total: Decimal
    bonus_total: Decimal
    deduction_total: Decimal

    def content(self) -> bytes:
        return _canonical(
            {
                "county": self.county,
                "branch": self.branch,
                "quarter": self.quarter,
                "head_seq": self.head_seq,
                "head_hash": self.head_hash,
                "entries": self.entries,
                "base_total": points_text(self.base_total),
                "bonus_total": points_text(self.bonus_total),
                "deduction_total": points_text(self.deduction_total),
            }
        )


def head_message(*, county: str, size: int, root: str, timestamp: int) -> bytes:
    """What the key signs for a tree head: the county's code, the number of leaves, the root
    (hex) and the moment (milliseconds since 1970, UTC), as RFC 9162's tree head holds them."""
    return _canonical({"county": county, "size": size, "root": root, "timestamp": timestamp})
