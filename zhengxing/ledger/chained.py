"""Appending to a hash chain behind its locked head, for every chained table: the points
ledger's branches (`services.guard`), the points supermarket's (`orglife`), the units' target
ledgers (`targets`). A head row per chain (its last seq and hash) is locked first, so appends
to one chain run one after another; each entry is hashed with `chain.entry_hash` over the
columns its table names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models

from .chain import CONTENT_FIELDS, entry_hash

H = TypeVar("H", bound=models.Model)
E = TypeVar("E", bound=models.Model)


def chain_lock(head_model: type[H], *, county_id: int, **key: int) -> H:
    """Lock the chain's head row (creating it on first use) until the transaction commits:
    `key` names the chain, e.g. `branch_id=7`."""
    head_model._default_manager.bulk_create(
        [head_model(county_id=county_id, **key)], ignore_conflicts=True
    )
    return head_model._default_manager.select_for_update().get(**key)


def chain_append(
    head: Any, entries: Sequence[E], *, fields: Sequence[str] = CONTENT_FIELDS
) -> Sequence[E]:
    """Chain the entries after the (locked) head, in order, and insert them: one INSERT per
    1,000 entries; the head moves to the last one."""
    if not entries:
        return entries
    seq, digest = head.seq, head.hash
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, digest  # type: ignore[attr-defined]
        content = {f: getattr(entry, f) for f in fields}
        entry.hash = digest = entry_hash(digest, content, fields)  # type: ignore[attr-defined]
    type(entries[0])._default_manager.bulk_create(entries, batch_size=1000)
    type(head)._default_manager.filter(pk=head.pk).update(seq=seq, hash=digest)
    head.seq, head.hash = seq, digest
    return entries
