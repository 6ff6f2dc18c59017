"""`zhengxing verify-ledger` checks each county's tree beside the chains: a signed quarter
rewritten by SQL with every hash, head and total in the ledger recomputed the same way (the
rewrite of issue 24) no longer makes its leaf; a tree rebuilt over it cannot be signed without
the key."""

from __future__ import annotations

from zhengxing.integrity import merkle
from zhengxing.integrity.checks import tree_problems
from zhengxing.integrity.models import Leaf, TreeHead
from zhengxing.integrity.services import quarter_leaf
from zhengxing.ledger.models import QuarterClose
from zhengxing.testing import Cast
from zhengxing.testing import run_sql as sql
from zhengxing.testing import verify_ledger as verify


def test_an_untouched_tree_verifies(signed_q2: Cast) -> None:
    assert tree_problems(None) == (1, [])
    assert tree_problems(signed_q2.county.pk) == (1, [])
    code, out, _ = verify()
    assert code == 0 and "核验树台账校验通过：1条链完整" in out


def test_a_signed_quarter_rewritten_no_longer_makes_its_leaf(signed_q2: Cast) -> None:
    close = QuarterClose.objects.get(branch=signed_q2.branch_a1, year=2026, quarter=1)
    sql(
        "UPDATE ledger_quarterclose SET bonus_total = bonus_total + 50, head_hash = %s "
        "WHERE id = %s",
        ["f" * 64, close.pk],
    )
    chains, problems = tree_problems(signed_q2.county.pk)
    assert chains == 1 and len(problems) == 1
    assert (problems[0].branch_id, problems[0].kind) == (signed_q2.branch_a1.pk, "anchor")
    assert problems[0].message == (
        f"2026年第一季度的签字记录（链头第{close.head_seq}号及合计）与核验树第0项不符（签字后被改写）"
    )
    code, _, err = verify()
    assert code == 1 and "核验树：中共甲一村支部委员会" in err and "1条链中有1条被改动" in err


def test_a_tree_rebuilt_over_the_rewrite_is_not_signed(signed_q2: Cast) -> None:
    """The forger rewrites the quarter, then its leaf and every node above: the leaves hold,
    the heads' roots now match them, and no head's signature does."""
    close = QuarterClose.objects.get(branch=signed_q2.branch_a1, year=2026, quarter=1)
    sql("UPDATE ledger_quarterclose SET bonus_total = bonus_total + 50 WHERE id = %s", [close.pk])
    close.refresh_from_db()
    forged = quarter_leaf(close, county_code="T1", branch_ref=signed_q2.branch_a1.public_ref)
    content = forged.content()
    sql(
        "UPDATE integrity_leaf SET content = %s, leaf_hash = %s WHERE close_id = %s",
        [content.decode(), merkle.leaf_hash(content).hex(), close.pk],
    )
    hashes = [
        bytes.fromhex(h) for h in Leaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    ]
    for head in TreeHead.objects.all():
        root = merkle.tree_root(hashes[: head.size]).hex()
        sql("UPDATE integrity_treehead SET root_hash = %s WHERE id = %s", [root, head.pk])
    _, problems = tree_problems(None)
    assert [(p.seq, p.message) for p in problems] == [
        (1, "核验树共1项时的签名树头与树中各项或其签名不符（被改写）")
    ]  # the first bad head named; the later ones follow from it


def test_a_signed_quarter_deleted_is_named_not_a_traceback(signed_q2: Cast) -> None:
    """A forger who deletes a signed quarter's row (its leaf left pointing at nothing): named,
    and the command still ends with its verdict."""
    close = QuarterClose.objects.get(branch=signed_q2.branch_a1, year=2026, quarter=1)
    index = Leaf.objects.get(close=close).index
    sql("DELETE FROM ledger_posting WHERE close_id = %s", [close.pk])
    sql("DELETE FROM ledger_quarterclose WHERE id = %s", [close.pk])
    _, problems = tree_problems(signed_q2.county.pk)
    assert f"核验树第{index}项所记的季度签字记录已不在数据库中（被删除）" in [
        p.message for p in problems
    ]
    code, _, err = verify()
    assert code == 1 and "被删除" in err
    # the test database checks its foreign keys at the end: the dangling leaf goes too
    sql("DELETE FROM integrity_leaf WHERE close_id = %s", [close.pk])
