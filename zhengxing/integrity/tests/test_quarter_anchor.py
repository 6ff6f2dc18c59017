"""Each quarter a branch secretary signs joins its county's tree, in the sign-off's own
transaction, and the tree's new head is signed by the key outside the database (003:
"弄虚作假、评选过程不公正和结果不及时公开" — a signed quarter rewritten afterwards no longer proves
against a head someone kept)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from zhengxing.audit.models import AuditEvent
from zhengxing.core.errors import ServiceError
from zhengxing.integrity import keys, merkle
from zhengxing.integrity.leaves import head_message
from zhengxing.integrity.models import Leaf, Log, TreeHead
from zhengxing.integrity.selectors import heads_consistency, latest_head, quarter_proof
from zhengxing.integrity.services import quarter_anchor, quarter_leaf
from zhengxing.ledger.models import Posting, QuarterClose, QuarterPoints
from zhengxing.ledger.services import quarter_sign_off
from zhengxing.ledger.tests.conftest import Q1, Q2, after, as_
from zhengxing.testing import Cast


def head_holds(head: TreeHead) -> bool:
    message = head_message(
        county="T1", size=head.size, root=head.root_hash, timestamp=head.timestamp
    )
    return keys.signature_holds(head.public_key, message, head.signature)


def test_every_signed_quarter_is_a_leaf_in_signing_order(ledger: Cast) -> None:
    """A1B's Q1 (carol), then B1B's Q1 and Q2 (the county): places 0, 1, 2, a head per append."""
    a1_q1, b1_q1, b1_q2 = QuarterClose.objects.order_by("pk")
    leaves = list(Leaf.objects.order_by("index"))
    assert [(x.index, x.close_id) for x in leaves] == [(0, a1_q1.pk), (1, b1_q1.pk), (2, b1_q2.pk)]
    first = json.loads(leaves[0].content)
    assert first == {
        "county": "T1",
        "branch": ledger.branch_a1.public_ref,
        "quarter": "2026Q1",
        "head_seq": a1_q1.head_seq,
        "head_hash": a1_q1.head_hash,
        "entries": 4,
        "base_total": "0.0",
        "bonus_total": "7.0",
        "deduction_total": "-5.0",
        "v": 1,
    }
    assert leaves[0].leaf_hash == merkle.leaf_hash(leaves[0].content.encode()).hex()
    heads = list(TreeHead.objects.order_by("size"))
    assert [h.size for h in heads] == [1, 2, 3]
    hashes = [bytes.fromhex(x.leaf_hash) for x in leaves]
    for head in heads:
        assert head.root_hash == merkle.tree_root(hashes[: head.size]).hex()
        assert head.public_key == keys.public_key()
        assert head_holds(head)
    log = Log.objects.get(county=ledger.county)
    assert log.size == 3 and merkle.frontier_root([bytes.fromhex(h) for h in log.frontier]) == (
        bytes.fromhex(heads[-1].root_hash)
    )
    events = AuditEvent.objects.filter(action="integrity.quarter.anchor").order_by("pk")
    assert [e.after["size"] for e in events] == [1, 2, 3]
    assert events[0].summary == "中共甲一村支部委员会 2026年第一季度记入核验树（共1项）"


def test_each_quarter_proves_in_the_latest_head_and_each_head_extends_the_last(
    signed_q2: Cast,
) -> None:
    head = latest_head(county_id=signed_q2.county.pk)
    assert head is not None and head.size == 4
    root = bytes.fromhex(head.root_hash)
    for close in QuarterClose.objects.all():
        proof = quarter_proof(close_id=close.pk)
        assert proof is not None and proof.head == head
        leaf = bytes.fromhex(proof.leaf.leaf_hash)
        path = [bytes.fromhex(p) for p in proof.path]
        assert merkle.inclusion_holds(proof.leaf.index, head.size, leaf, path, root)
    roots = {h.size: bytes.fromhex(h.root_hash) for h in TreeHead.objects.all()}
    for first in (1, 2, 3):
        proof_hex = heads_consistency(county_id=signed_q2.county.pk, first=first, second=4)
        assert proof_hex is not None
        steps = [bytes.fromhex(p) for p in proof_hex]
        assert merkle.consistency_holds(first, 4, roots[first], roots[4], steps)
    assert heads_consistency(county_id=signed_q2.county.pk, first=2, second=9) is None


def test_a_quarter_rewritten_after_signing_no_longer_proves(signed_q2: Cast) -> None:
    """50 points added to A1B's Q1 by SQL, its totals recomputed the same way: the leaf rebuilt
    from the row is not the one the signed head holds."""
    close = QuarterClose.objects.get(branch=signed_q2.branch_a1, year=2026, quarter=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_quarterclose SET bonus_total = bonus_total + 50 WHERE id = %s",
            [close.pk],
        )
    close.refresh_from_db()
    proof = quarter_proof(close_id=close.pk)
    assert proof is not None
    rebuilt = quarter_leaf(close, county_code="T1", branch_ref=signed_q2.branch_a1.public_ref)
    path = [bytes.fromhex(p) for p in proof.path]
    root = bytes.fromhex(proof.head.root_hash)
    assert not merkle.inclusion_holds(
        proof.leaf.index, proof.head.size, merkle.leaf_hash(rebuilt.content()), path, root
    )
    assert merkle.inclusion_holds(
        proof.leaf.index, proof.head.size, bytes.fromhex(proof.leaf.leaf_hash), path, root
    )


def test_a_head_signed_by_another_key_or_over_another_root_does_not_hold(
    ledger: Cast, settings: Any
) -> None:
    head = TreeHead.objects.get(size=3)
    assert head_holds(head)
    head.root_hash = "0" * 64
    assert not head_holds(head)
    head.refresh_from_db()
    settings.ANCHOR_KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU="  # another 32 bytes
    quarter_sign_off(actor=as_(ledger.carol, after(Q2)), branch=ledger.branch_a1, quarter=Q2)
    newest = TreeHead.objects.get(size=4)
    assert newest.public_key == keys.public_key() != head.public_key
    assert head_holds(newest) and head_holds(head)  # each under its own key
    head.public_key = newest.public_key
    assert not head_holds(head)


def test_a_failed_append_undoes_the_sign_off(ledger: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(message: bytes) -> str:
        raise RuntimeError("the key is unreadable")

    monkeypatch.setattr(keys, "sign", broken)
    before = (QuarterClose.objects.count(), Posting.objects.count(), QuarterPoints.objects.count())
    with pytest.raises(RuntimeError):
        quarter_sign_off(actor=as_(ledger.carol, after(Q2)), branch=ledger.branch_a1, quarter=Q2)
    after_ = (QuarterClose.objects.count(), Posting.objects.count(), QuarterPoints.objects.count())
    assert after_ == before
    assert Leaf.objects.count() == 3 and Log.objects.get().size == 3


def test_a_quarter_is_appended_once_and_only_by_who_may_sign_it(ledger: Cast) -> None:
    close = QuarterClose.objects.get(branch=ledger.branch_a1, year=2026, quarter=1)
    for not_secretary in (ledger.cathy, ledger.erin, ledger.dave):
        with pytest.raises(PermissionDenied):
            quarter_anchor(actor=as_(not_secretary, after(Q1)), close=close)
    with pytest.raises(ServiceError) as refused:
        quarter_anchor(actor=as_(ledger.carol, after(Q1)), close=close)
    assert str(refused.value) == "中共甲一村支部委员会 2026年第一季度已记入核验树"
    assert refused.value.code == "duplicate"
    assert Leaf.objects.count() == 3 and TreeHead.objects.count() == 3
