"""Writes of the county's signed tree: a signed quarter appended as a leaf, with the new head
signed, in the sign-off's own transaction (the ledger calls it through `sign_off_hooks`).

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报" — a signed quarter rewritten later, even with every hash in the database recomputed,
no longer matches a head the township or the county kept, signed by a key the database does not
hold."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhengxing.audit.services import audit_record
from zhengxing.core.actor import Actor
from zhengxing.core.errors import ServiceError, require
from zhengxing.ledger.models import QuarterClose
from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.services import may_sign_off

from . import keys, merkle
from .leaves import QuarterLeaf, head_message
from .models import Leaf, Log, TreeHead

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def quarter_leaf(close: QuarterClose, *, county_code: str, branch_ref: str) -> QuarterLeaf:
    """The leaf a signed quarter makes, from its row as it stands."""
    return QuarterLeaf(
        county=county_code,
        branch=branch_ref,
        quarter=str(Quarter(close.year, close.quarter)),
        head_seq=close.head_seq,
        head_hash=close.head_hash,
        entries=close.entries,
        base_total=close.base_total,
        bonus_total=close.bonus_total,
        deduction_total=close.deduction_total,
    )


def timestamp_ms(moment: dt.datetime) -> int:
    """Milliseconds since 1970 (UTC), exactly: what a tree head carries and the key signs."""
    return (moment - EPOCH) // dt.timedelta(milliseconds=1)


def _locked_log(county_id: int) -> Log:
    """The county's tree row, locked (created at the county's first append; two first appends
    racing, one inserts and both then wait for the lock)."""
    locked = Log.objects.select_for_update(of=("self",)).select_related("county")
    log = locked.filter(county_id=county_id).first()
    if log is None:
        Log.objects.bulk_create([Log(county_id=county_id)], ignore_conflicts=True)
        log = locked.get(county_id=county_id)
    return log


@transaction.atomic
def quarter_anchor(*, actor: Actor, close: QuarterClose) -> TreeHead:
    """Append the branch's signed quarter to its county's tree and sign the tree's new head
    (the county's sign-offs join one after another: each locks the county's `Log`). Called by
    `quarter_sign_off` inside its transaction, by whoever may sign the branch's quarters: a
    failure here undoes the sign-off whole. The quarter's one leaf is settled by the unique
    `close` under the county's lock."""
    branch = close.branch
    require(may_sign_off(actor=actor, branch=branch))
    log = _locked_log(close.county_id)
    county = log.county
    if Leaf.objects.filter(close=close).exists():
        raise ServiceError(f"{branch.name} {Quarter(close.year, close.quarter).label}已记入核验树",
                           code="duplicate")  # fmt: skip
    content = quarter_leaf(close, county_code=county.code, branch_ref=branch.public_ref).content()
    leaf_hash = merkle.leaf_hash(content)
    frontier = merkle.frontier_append([bytes.fromhex(h) for h in log.frontier], log.size, leaf_hash)
    size, root = log.size + 1, merkle.frontier_root(frontier).hex()
    moment = timestamp_ms(actor.now)
    Leaf.objects.create(
        county=county,
        index=log.size,
        close=close,
        content=content.decode(),
        leaf_hash=leaf_hash.hex(),
        appended_at=actor.now,
    )
    head = TreeHead.objects.create(
        county=county,
        size=size,
        root_hash=root,
        timestamp=moment,
        public_key=keys.public_key(),
        signature=keys.sign(
            head_message(county=county.code, size=size, root=root, timestamp=moment)
        ),
    )
    log.size, log.frontier = size, [h.hex() for h in frontier]
    log.save(update_fields=["size", "frontier"])
    audit_record(
        actor=actor,
        action="integrity.quarter.anchor",
        object_type="tree_head",
        object_id=head.pk,
        county_id=county.pk,
        summary=f"{branch.name} {Quarter(close.year, close.quarter).label}记入核验树（共{size}项）",
        after={"close_id": close.pk, "index": size - 1, "size": size, "root": root},
    )
    return head
