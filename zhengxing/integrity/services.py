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
from zhengxing.orgs.models import County
from zhengxing.orgs.selectors import scope_for_actor

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


def _append(*, actor: Actor, log: Log, closes: list[QuarterClose]) -> TreeHead:
    """The signed quarters appended to the locked county tree in this order, and the tree's
    new head signed (one head for the batch)."""
    county = log.county
    frontier, size = [bytes.fromhex(h) for h in log.frontier], log.size
    leaves = []
    for close in closes:
        leaf = quarter_leaf(close, county_code=county.code, branch_ref=close.branch.public_ref)
        content = leaf.content()
        leaf_hash = merkle.leaf_hash(content)
        frontier = merkle.frontier_append(frontier, size, leaf_hash)
        leaves.append(
            Leaf(
                county=county,
                index=size,
                close=close,
                content=content.decode(),
                leaf_hash=leaf_hash.hex(),
                appended_at=actor.now,
            )
        )
        size += 1
    Leaf.objects.bulk_create(leaves)
    root, moment = merkle.frontier_root(frontier).hex(), timestamp_ms(actor.now)
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
    return head


@transaction.atomic
def quarter_anchor(*, actor: Actor, close: QuarterClose) -> TreeHead:
    """Append the branch's signed quarter to its county's tree and sign the tree's new head
    (the county's sign-offs join one after another: each locks the county's `Log`). Called by
    `quarter_sign_off` inside its transaction, by whoever may sign the branch's quarters: a
    failure here undoes the sign-off whole. The quarter's one leaf is settled by the unique
    `close` under the county's lock."""
    branch = close.branch
    require(may_sign_off(actor=actor, branch=branch))
    quarter = Quarter(close.year, close.quarter)
    log = _locked_log(close.county_id)
    if Leaf.objects.filter(close=close).exists():
        raise ServiceError(f"{branch.name} {quarter.label}已记入核验树", code="duplicate")
    head = _append(actor=actor, log=log, closes=[close])
    audit_record(
        actor=actor,
        action="integrity.quarter.anchor",
        object_type="tree_head",
        object_id=head.pk,
        county_id=close.county_id,
        summary=f"{branch.name} {quarter.label}记入核验树（共{head.size}项）",
        after={
            "close_id": close.pk,
            "index": head.size - 1,
            "size": head.size,
            "root": head.root_hash,
        },
    )
    return head


@transaction.atomic
def county_anchor_backlog(*, actor: Actor, county: County) -> TreeHead | None:
    """Append every signed quarter of the county that is not in its tree yet — signed before
    the tree existed, or written in bulk by `zhengxing synth` — in the order they were signed,
    under one new signed head; None when there were none. A server command's (or the whole
    installation's administrator's) work: `zhengxing anchor-backlog`."""
    require(scope_for_actor(actor).everything)
    log = _locked_log(county.pk)
    closes = list(
        QuarterClose.objects.filter(county=county)
        .exclude(pk__in=Leaf.objects.filter(county=county).values("close_id"))
        .select_related("branch")
        .order_by("signed_at", "pk")
    )
    if not closes:
        return None
    head = _append(actor=actor, log=log, closes=closes)
    audit_record(
        actor=actor,
        action="integrity.backlog.anchor",
        object_type="tree_head",
        object_id=head.pk,
        county_id=county.pk,
        summary=f"{len(closes)}个已签字季度补记入核验树（共{head.size}项）",
        after={"appended": len(closes), "size": head.size, "root": head.root_hash},
    )
    return head
