"""`zhengxing verify-ledger --against FILE`: the database checked against a county's signed tree
heads kept outside it (issue 24). The attacker here holds the database AND the signing key: 50
points added by SQL to one signed entry, then every hash, head, total, notice and quarterly
points recomputed, the tree's leaves rebuilt and its heads re-signed. `verify-ledger` alone
passes; the file the township downloaded before the rewrite names the branch and the quarter.

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报"."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from zhengxing.integrity import keys, merkle
from zhengxing.integrity.kept import heads_document
from zhengxing.integrity.leaves import head_message
from zhengxing.integrity.models import Leaf, TreeHead
from zhengxing.integrity.services import quarter_leaf
from zhengxing.ledger.chain import CONTENT_FIELDS, entry_hash
from zhengxing.ledger.models import LedgerEntry, Posting, QuarterClose
from zhengxing.testing import Cast
from zhengxing.testing import run_sql as sql
from zhengxing.testing import verify_ledger as verify


def kept_file(cast: Cast, tmp_path: Path) -> Path:
    """What the township downloads from the county's heads page (all its heads)."""
    heads = list(TreeHead.objects.filter(county=cast.county))
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(heads_document(county=cast.county, heads=heads)))
    return path


def rewrite_with_the_key(cast: Cast) -> QuarterClose:
    """The issue's rewrite, by someone holding the database and the key: A1B's last entry (its
    signed second quarter's) gains 50 points, and everything computed from it is recomputed."""
    entry = LedgerEntry.objects.filter(branch=cast.branch_a1).order_by("-seq").first()
    assert entry is not None
    sql("UPDATE ledger_ledgerentry SET points = points + 50 WHERE id = %s", [entry.pk])
    row = LedgerEntry.objects.filter(pk=entry.pk).values("id", *CONTENT_FIELDS).get()
    digest = entry_hash(entry.prev_hash, row)
    sql("UPDATE ledger_ledgerentry SET hash = %s WHERE id = %s", [digest, entry.pk])
    sql(
        "UPDATE ledger_branchchainhead SET hash = %s WHERE branch_id = %s",
        [digest, entry.branch_id],
    )
    close = QuarterClose.objects.get(branch=cast.branch_a1, year=entry.year, quarter=entry.quarter)
    part = f"{entry.part}_total"
    sql(
        f"UPDATE ledger_quarterclose SET head_hash = %s, {part} = {part} + 50 WHERE id = %s",
        [digest, close.pk],
    )
    sql("UPDATE ledger_posting SET head_hash = %s WHERE close_id = %s", [digest, close.pk])
    sql(
        f"UPDATE ledger_quarterpoints SET {entry.part} = {entry.part} + 50, total = total + 50 "
        "WHERE member_id = %s AND year = %s AND quarter = %s",
        [entry.member_id, entry.year, entry.quarter],
    )
    posting = Posting.objects.get(close=close)
    for line in posting.lines:  # the notice's figures, as the notice shows them
        if line.get("member_id") == entry.member_id:
            for field in ("additions", "total", "year_total"):
                line[field] = str(Decimal(str(line[field])) + 50)
    sql(
        "UPDATE ledger_posting SET lines = %s WHERE id = %s",
        [json.dumps(posting.lines), posting.pk],
    )
    # the tree: every leaf rebuilt from the quarters as they now stand, every head re-signed
    for leaf in Leaf.objects.filter(county=cast.county).select_related("close__branch"):
        c = QuarterClose.objects.get(pk=leaf.close_id)
        content = quarter_leaf(c, county_code="T1", branch_ref=leaf.close.branch.public_ref)
        sql(
            "UPDATE integrity_leaf SET content = %s, leaf_hash = %s WHERE id = %s",
            [content.content().decode(), merkle.leaf_hash(content.content()).hex(), leaf.pk],
        )
    hashes = [
        bytes.fromhex(h)
        for h in Leaf.objects.filter(county=cast.county)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
    ]
    for head in TreeHead.objects.filter(county=cast.county):
        root = merkle.tree_root(hashes[: head.size]).hex()
        signed = head_message(county="T1", size=head.size, root=root, timestamp=head.timestamp)
        sql(
            "UPDATE integrity_treehead SET root_hash = %s, signature = %s WHERE id = %s",
            [root, keys.sign(signed), head.pk],
        )
    return close


def test_an_untouched_database_matches_its_kept_heads(signed_q2: Cast, tmp_path: Path) -> None:
    code, out, err = verify("--against", str(kept_file(signed_q2, tmp_path)))
    assert code == 0, err
    assert "积分台账校验通过" in out and "留存树头（T1）台账校验通过：8条链完整" in out


def test_a_rewrite_with_the_key_passes_alone_but_not_against_the_kept_file(
    signed_q2: Cast, tmp_path: Path
) -> None:
    kept = kept_file(signed_q2, tmp_path)  # downloaded before the rewrite
    close = rewrite_with_the_key(signed_q2)
    code, out, err = verify()
    assert code == 0, err
    assert "积分台账校验通过" in out and "核验树台账校验通过" in out
    code, _, err = verify("--against", str(kept))
    assert code == 1
    assert close.quarter == 2
    assert (
        "留存树头（T1）：中共甲一村支部委员会"
        f"（id {signed_q2.branch_a1.pk}）[anchor] 2026年第二季度的签字记录与留存树头文件第"
    ) in err
    assert "签字后被改写" in err
    # the heads kept before the rewritten leaf (it was the fourth) still hold; the fourth not
    assert (
        "留存树头（T1）：[anchor] 留存的共4项的签名树头：数据库中的树在此规模下的根与之不符" in err
    )
    assert "留存的共4项的签名树头：数据库的最新树头并不延续它（一致性证明不成立）" in err
    assert "共3项的签名树头" not in err
    assert "留存树头（T1）8条链中有3条被改动" in err
    assert err.count("2026年第一季度") == 0  # only the quarter rewritten is named


def test_a_file_whose_signature_does_not_verify_is_refused(signed_q2: Cast, tmp_path: Path) -> None:
    path = kept_file(signed_q2, tmp_path)
    doc = json.loads(path.read_text())
    doc["heads"][-1]["root"] = "0" * 64  # a head the key never signed
    path.write_text(json.dumps(doc))
    code, _, err = verify("--against", str(path))
    assert code == 2
    assert "树头签名无法用文件所附公钥验证，不予采信" in err
