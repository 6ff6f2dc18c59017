"""System reads for `zhengxing verify-ledger`, not scoped to a user: every branch's chain
checked, and every signed quarter's kept points checked against its entries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from ..chain import CONTENT_FIELDS, ChainProblem, verify_chain
from ..models import BranchChainHead, LedgerEntry, QuarterClose, QuarterPoints
from ._common import _normal, _part_sums
from .entries import counted_entries


def _rows_by_branch(
    rows: Iterable[dict[str, Any]], chain: str = "branch_id"
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Rows ordered by chain (the branch) and seq, a chain's at a time."""
    current: int | None = None
    batch: list[dict[str, Any]] = []
    for row in rows:
        if row[chain] != current:
            if current is not None:
                yield current, batch
            current, batch = row[chain], []
        batch.append(row)
    if current is not None:
        yield current, batch


def chains_problems(
    entries: QuerySet[Any],
    heads: dict[int, tuple[int, str]],
    *,
    fields: Sequence[str] = CONTENT_FIELDS,
    anchors: dict[int, dict[int, str]] | None = None,
    chain: str = "branch_id",
) -> tuple[int, list[ChainProblem]]:
    """Every branch's chain of a hash-chained table walked (`chain.verify_chain`): `entries`
    the table's rows to check, `heads` each branch's (seq, hash) head, `anchors` the hashes
    signed off at some seqs. The number of chains and the first problem of each broken one;
    a branch whose every entry was deleted still has its head (and perhaps its anchors).
    `chain`: the column that names a row's chain, among `fields` (a unit's, for the targets)."""
    anchors = anchors or {}
    rows = entries.order_by(chain, "seq").values("id", "prev_hash", "hash", *fields)
    problems: list[ChainProblem] = []
    seen: set[int] = set()
    for branch_id, batch in _rows_by_branch(rows.iterator(chunk_size=5000), chain):
        seen.add(branch_id)
        problem = verify_chain(
            branch_id,
            batch,
            head=heads.get(branch_id),
            anchors=anchors.get(branch_id),
            fields=fields,
        )
        if problem is not None:
            problems.append(problem)
    for branch_id in sorted((set(heads) | set(anchors)) - seen):
        problem = verify_chain(
            branch_id, [], head=heads.get(branch_id), anchors=anchors.get(branch_id), fields=fields
        )
        if problem is not None:
            problems.append(problem)
    return len(seen | set(heads)), problems


def ledger_chain_problems(*, county_id: int | None = None) -> tuple[int, list[ChainProblem]]:
    """Every branch chain checked (a system read for `zhengxing verify-ledger`, not scoped to a
    user): the number of chains and the first problem of each broken one."""
    entries = LedgerEntry.objects.all()
    heads_qs = BranchChainHead.objects.all()
    closes_qs = QuarterClose.objects.filter(head_seq__gt=0)
    if county_id is not None:
        entries = entries.filter(county_id=county_id)
        heads_qs = heads_qs.filter(county_id=county_id)
        closes_qs = closes_qs.filter(county_id=county_id)
    heads = {b: (s, h) for b, s, h in heads_qs.values_list("branch_id", "seq", "hash")}
    anchors: dict[int, dict[int, str]] = {}
    for branch_id, seq, digest in closes_qs.values_list("branch_id", "head_seq", "head_hash"):
        anchors.setdefault(branch_id, {})[seq] = digest
    return chains_problems(entries, heads, anchors=anchors)


@dataclass(frozen=True)
class PointsProblem:
    """A member's counted points of a signed quarter (`QuarterPoints`) that do not match the
    quarter's entries: edited, missing or extra rows."""

    branch_id: int
    member_id: int
    year: int
    quarter: int
    kept: Decimal | None  # what QuarterPoints says (None: no row)
    entries: Decimal | None  # what the entries add up to (None: no entries)


def quarter_points_problems(*, county_id: int | None = None) -> list[PointsProblem]:
    """Every signed quarter's `QuarterPoints` checked against its entries (a system read for
    `zhengxing verify-ledger`): both sides grouped in the database, walked in the same order."""
    key = ("branch_id", "year", "quarter", "member_id")
    entries = counted_entries()
    kept = QuarterPoints.objects.all()
    if county_id is not None:
        entries, kept = entries.filter(county_id=county_id), kept.filter(county_id=county_id)
    summed = entries.values(*key).annotate(n=Count("pk"), **_part_sums()).order_by(*key)
    stored = kept.values(*key, "entries", "base", "bonus", "deduction", "total").order_by(*key)

    def rows(qs: QuerySet[Any], count: str) -> Iterator[tuple[tuple[int, ...], tuple[Any, ...]]]:
        for row in qs.iterator(chunk_size=5000):
            figures = (row[count], *(_normal(row[p]) for p in ("base", "bonus", "deduction")))
            yield tuple(row[k] for k in key), (*figures, _normal(row["total"]))

    problems: list[PointsProblem] = []
    left, right = rows(summed, "n"), rows(stored, "entries")
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            here, found, want = a[0], None, a[1]  # type: ignore[index]
            a = next(left, None)
        elif a is None or b[0] < a[0]:
            here, found, want = b[0], b[1], None
            b = next(right, None)
        else:
            here, found, want = a[0], b[1], a[1]
            a, b = next(left, None), next(right, None)
            if found == want:
                continue
        problems.append(
            PointsProblem(
                branch_id=here[0],
                year=here[1],
                quarter=here[2],
                member_id=here[3],
                kept=found[4] if found else None,
                entries=want[4] if want else None,
            )
        )
    return problems
