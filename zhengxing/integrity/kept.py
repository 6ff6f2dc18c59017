"""The kept heads file: a county's signed tree heads, its public key and its leaf hashes, as
the public page and the API hand them out for the township and the county to keep outside the
database, and `zhengxing verify-ledger --against FILE` checks the database against one.

003: "上级党委要组织专人定期开展督导检查，对工作落实不力、弄虚作假、评选过程不公正和结果不及时公开的
情况给予通报" — whoever holds the database and the key can rebuild the tree and sign new heads; a
head kept elsewhere before the rewrite still names the quarter that changed.

The file is JSON: `{"format", "county", "public_key", "heads": [{size, root, timestamp,
signature}], "leaves": [hex, …]}`; the leaves are the tree's leaf hashes up to its largest head,
authenticated by that head's signed root, so that a mismatch names the very quarter."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from zhengxing.core.errors import ServiceError
from zhengxing.ledger.chain import ChainProblem
from zhengxing.ledger.models import QuarterClose
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import County

from . import keys, merkle
from .leaves import head_message
from .models import Leaf, TreeHead
from .services import quarter_leaf

FORMAT = "zhengxing-heads/1"


def heads_document(*, county: County, heads: list[TreeHead]) -> dict[str, Any]:
    """The kept heads file's content for these heads of the county (largest last)."""
    heads = sorted(heads, key=lambda h: h.size)
    size = heads[-1].size if heads else 0
    leaves = Leaf.objects.filter(county=county, index__lt=size).order_by("index")
    return {
        "format": FORMAT,
        "county": county.code,
        "public_key": heads[-1].public_key if heads else keys.public_key(),
        "heads": [
            {
                "size": h.size,
                "root": h.root_hash,
                "timestamp": h.timestamp,
                "signature": h.signature,
            }
            for h in heads
        ],
        "leaves": list(leaves.values_list("leaf_hash", flat=True)),
    }


@dataclass(frozen=True, order=True)
class KeptHead:
    size: int
    root: str
    timestamp: int


@dataclass(frozen=True)
class KeptFile:
    county: County
    heads: list[KeptHead]  # by size
    leaves: list[bytes]


def kept_file_read(raw: bytes) -> KeptFile:
    """The kept file, each head's signature checked under its public key and its leaves under
    the largest head's root; a ServiceError naming what is wrong otherwise."""
    try:
        doc = json.loads(raw)
        county_code, public = str(doc["county"]), str(doc["public_key"])
        heads = sorted(
            (
                KeptHead(int(h["size"]), str(h["root"]), int(h["timestamp"])),
                str(h["signature"]),
            )
            for h in doc["heads"]
        )
        leaves = [bytes.fromhex(h) for h in doc["leaves"]]
    except (ValueError, KeyError, TypeError) as bad:
        raise ServiceError(f"留存的树头文件无法读取：{bad}", code="invalid") from bad
    if doc.get("format") != FORMAT or not heads:
        raise ServiceError("留存的树头文件格式不对或不含树头", code="invalid")
    county = County.objects.filter(code=county_code).first()
    if county is None:
        raise ServiceError(f"没有代码为“{county_code}”的县", code="invalid")
    for head, signature in heads:
        signed = head_message(
            county=county_code, size=head.size, root=head.root, timestamp=head.timestamp
        )
        if not keys.signature_holds(public, signed, signature):
            raise ServiceError(
                f"留存的树头文件中共{head.size}项的树头签名无法用文件所附公钥验证，不予采信",
                code="invalid",
            )
    largest = heads[-1][0]
    if len(leaves) != largest.size or merkle.tree_root(leaves).hex() != largest.root:
        raise ServiceError("留存的树头文件中各项与其签名树头不符，不予采信", code="invalid")
    return KeptFile(county=county, heads=[h for h, _sig in heads], leaves=leaves)


def kept_problems(raw: bytes) -> tuple[str, int, list[ChainProblem]]:
    """The county's code, the number of leaves and kept heads checked, and every signed
    quarter whose leaf, rebuilt from the quarter as it stands now, is not the one the kept file
    holds; then each kept head whose root the rebuilt tree does not have at its size, or that
    the database's latest head does not extend."""
    kept = kept_file_read(raw)
    county = kept.county
    rows = list(Leaf.objects.filter(county=county).order_by("index").values_list("index", "close"))
    closes = QuarterClose.objects.select_related("branch").in_bulk([c for _i, c in rows])
    rebuilt: list[bytes] = []
    problems: list[ChainProblem] = []
    for place, (index, close_id) in enumerate(rows):
        close = closes[close_id]
        leaf = quarter_leaf(close, county_code=county.code, branch_ref=close.branch.public_ref)
        rebuilt.append(merkle.leaf_hash(leaf.content()))
        if index != place or (place < len(kept.leaves) and rebuilt[-1] != kept.leaves[place]):
            label = Quarter(close.year, close.quarter).label
            problems.append(
                ChainProblem(
                    close.branch_id,
                    close.head_seq,
                    None,
                    "anchor",
                    f"{label}的签字记录与留存树头文件第{place}项不符（签字后被改写）",
                )
            )
    for head in kept.heads:
        if head.size > len(rebuilt) or merkle.tree_root(rebuilt[: head.size]).hex() != head.root:
            problems.append(_head_problem(head, "数据库中的树在此规模下的根与之不符"))
    latest = TreeHead.objects.filter(county=county).order_by("-size").first()
    stored = [
        bytes.fromhex(h)
        for h in Leaf.objects.filter(county=county)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
    ]
    for head in kept.heads:
        if (
            latest is None
            or latest.size > len(stored)
            or not merkle.consistency_holds(
                head.size,
                latest.size,
                bytes.fromhex(head.root),
                bytes.fromhex(latest.root_hash),
                merkle.consistency_proof(head.size, stored[: latest.size])
                if head.size <= latest.size
                else [],
            )
        ):
            problems.append(_head_problem(head, "数据库的最新树头并不延续它（一致性证明不成立）"))
    return county.code, len(rebuilt) + len(kept.heads), problems


def _head_problem(head: KeptHead, why: str) -> ChainProblem:
    return ChainProblem(0, head.size, None, "anchor", f"留存的共{head.size}项的签名树头：{why}")
