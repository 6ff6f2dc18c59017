"""Quarters signed before the tree existed (or written in bulk by `zhengxing synth`) join it by
`zhengxing anchor-backlog --county CODE`: in the order they were signed, under one signed head;
a second run finds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from zhengxing.audit.models import AuditEvent
from zhengxing.integrity.checks import tree_problems
from zhengxing.integrity.models import Leaf, TreeHead
from zhengxing.integrity.services import county_anchor_backlog
from zhengxing.ledger import sign_off_hooks
from zhengxing.ledger.models import QuarterClose
from zhengxing.ledger.tests.conftest import Q2, as_, sign
from zhengxing.testing import Cast


@pytest.fixture
def before_the_tree(monkeypatch: pytest.MonkeyPatch, ledger: Cast) -> Cast:
    """The ledger's three signed quarters in the tree, then A1B's Q2 signed without it."""
    monkeypatch.setattr(sign_off_hooks, "_hooks", {})
    sign(ledger, Q2)
    return ledger


def backlog() -> str:
    out = io.StringIO()
    call_command("anchor-backlog", county="T1", stdout=out)
    return out.getvalue()


def test_the_quarters_missing_join_in_signing_order_under_one_head(before_the_tree: Cast) -> None:
    missing = QuarterClose.objects.get(branch=before_the_tree.branch_a1, quarter=2)
    assert not Leaf.objects.filter(close=missing).exists()
    out = backlog()
    head = TreeHead.objects.order_by("-size").first()
    assert head is not None and head.size == 4
    assert out == f"示范旗：已补记入核验树，共4项，树根 {head.root_hash}\n"
    assert Leaf.objects.get(close=missing).index == 3
    assert list(TreeHead.objects.order_by("size").values_list("size", flat=True)) == [1, 2, 3, 4]
    assert tree_problems(None) == (1, [])
    event = AuditEvent.objects.get(action="integrity.backlog.anchor")
    assert event.summary == "1个已签字季度补记入核验树（共4项）"
    assert backlog() == "示范旗的已签字季度都已记入核验树\n"
    assert TreeHead.objects.count() == 4


def test_only_a_server_command_or_the_administrator_runs_it(before_the_tree: Cast) -> None:
    for user in (before_the_tree.alice, before_the_tree.carol):
        with pytest.raises(PermissionDenied):
            county_anchor_backlog(actor=as_(user), county=before_the_tree.county)
    assert Leaf.objects.count() == 3
