"""The hash chain: canonical content of an entry, its hash, and the walk that checks a chain.

    hash = sha256(prev_hash + canonical JSON of the entry's content)

The content holds everything an entry says, including its branch and its position (`seq`), so
an entry edited, moved to another position or another branch no longer matches its hash. The
hash is unkeyed on purpose: anyone holding a copy of the rows (or a posted notice's head hash)
can check it. Nothing here touches the database; selectors.ledger_chain_problems() feeds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .rules import points_text

GENESIS_HASH = "0" * 64
FORMAT_VERSION = 1

# The entry's columns that its hash covers (as `.values()` names them).
CONTENT_FIELDS = (
    "county_id",
    "branch_id",
    "member_id",
    "item_id",
    "year",
    "quarter",
    "part",
    "points",
    "claim_id",
    "reverses_id",
    "note",
    "recorded_at",
    "recorded_by_id",
    "seq",
)


def _canonical_value(key: str, value: Any) -> Any:
    """Points (and any decimal column another chain hashes) as text with one decimal place,
    so 5 and 5.0 hash alike; a column left empty (a target's progress has no points) as null."""
    if value is None:
        return None
    if key == "points" or isinstance(value, Decimal):
        return points_text(Decimal(value))
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical_content(row: Mapping[str, Any], fields: Sequence[str] = CONTENT_FIELDS) -> bytes:
    """The entry's content as canonical JSON: sorted keys, no spaces, UTF-8, points as text.
    `fields`: the columns the hash covers; the points ledger's unless another chain (the points
    supermarket's, `orglife`) names its own."""
    content = {key: _canonical_value(key, row[key]) for key in fields}
    content["v"] = FORMAT_VERSION
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(
    prev_hash: str, row: Mapping[str, Any], fields: Sequence[str] = CONTENT_FIELDS
) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_content(row, fields)).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    """The first place a branch's chain stops being what the application wrote."""

    branch_id: int
    seq: int
    entry_id: int | None
    kind: str  # edited | deleted | inserted | reordered | truncated | anchor
    message: str


def verify_chain(
    branch_id: int,
    rows: Iterable[Mapping[str, Any]],
    *,
    head: tuple[int, str] | None,
    anchors: Mapping[int, str] | None = None,
    fields: Sequence[str] = CONTENT_FIELDS,
) -> ChainProblem | None:
    """Walk one branch's entries in seq order and name the first one that was changed behind
    the application's back; None when the chain is intact.

    rows: dicts with CONTENT_FIELDS plus id, prev_hash and hash, in ascending seq.
    head: the branch's chain head (seq, hash), or None when the branch has none.
    anchors: seq -> hash recorded at each quarter sign-off.
    fields: the columns the hash covers (another chain's, as in `canonical_content`).
    """
    anchors = anchors or {}
    expected_seq, prev_hash, prev_id = 1, GENESIS_HASH, 0
    for row in rows:
        seq, entry_id = row["seq"], row["id"]
        if seq != expected_seq:
            return ChainProblem(
                branch_id, expected_seq, None, "deleted",
                f"缺少第{expected_seq}号记录（被删除）；下一条是第{seq}号（id {entry_id}）",
            )  # fmt: skip
        if entry_id <= prev_id:
            return ChainProblem(
                branch_id, seq, entry_id, "inserted",
                f"第{seq}号记录（id {entry_id}）的写入顺序早于第{seq - 1}号（被插入或调换）",
            )  # fmt: skip
        if entry_hash(row["prev_hash"], row, fields) != row["hash"]:
            return ChainProblem(
                branch_id, seq, entry_id, "edited",
                f"第{seq}号记录（id {entry_id}）的内容与其哈希不符（被修改或调换顺序）",
            )  # fmt: skip
        if row["prev_hash"] != prev_hash:
            return ChainProblem(
                branch_id, seq, entry_id, "reordered",
                f"第{seq}号记录（id {entry_id}）没有接在第{seq - 1}号之后"
                f"（第{seq - 1}号被改写，或其间被插入记录）",
            )  # fmt: skip
        if seq in anchors and anchors[seq] != row["hash"]:
            return ChainProblem(
                branch_id, seq, entry_id, "anchor",
                f"第{seq}号记录与季度签字确认时记下的链头哈希不符（签字后被改写）",
            )  # fmt: skip
        expected_seq, prev_hash, prev_id = seq + 1, row["hash"], entry_id
    last_seq = expected_seq - 1
    head_seq, head_hash = head if head is not None else (0, GENESIS_HASH)
    if last_seq < head_seq:
        return ChainProblem(
            branch_id, last_seq + 1, None, "truncated",
            f"链头记到第{head_seq}号，表中只到第{last_seq}号（末尾记录被删除）",
        )  # fmt: skip
    if last_seq > head_seq:
        return ChainProblem(
            branch_id, head_seq + 1, None, "inserted",
            f"链头记到第{head_seq}号，表中却有第{head_seq + 1}号及以后的记录（被插入）",
        )  # fmt: skip
    if prev_hash != head_hash:
        return ChainProblem(
            branch_id, last_seq, prev_id or None, "edited",
            f"第{last_seq}号记录的哈希与链头不符（被改写）",
        )  # fmt: skip
    for seq in sorted(anchors):
        if seq > last_seq:
            return ChainProblem(
                branch_id, seq, None, "truncated",
                f"季度签字确认时链已到第{seq}号，表中只到第{last_seq}号（被删除）",
            )  # fmt: skip
    return None
