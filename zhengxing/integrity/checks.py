"""The county trees checked against the database they were built from, for `zhengxing
verify-ledger` (registered in `ledger.chain_checks` at start-up): each leaf against the signed
quarter it was made from, as that row stands now, and each head against the leaves and its
signature. A signed quarter rewritten by SQL, its totals and chain head recomputed, no longer
makes its leaf; a tree rebuilt over the rewrite needs the key to sign its heads. (Whoever holds
the key as well can rebuild and re-sign everything: only a head kept outside the database
catches that.)"""

from __future__ import annotations

from zhengxing.ledger.chain import ChainProblem
from zhengxing.ledger.models import QuarterClose
from zhengxing.ledger.rules import Quarter

from . import keys, merkle
from .leaves import head_message
from .models import Leaf, TreeHead
from .services import quarter_leaf


def tree_problems(county_id: int | None) -> tuple[int, list[ChainProblem]]:
    """The number of county trees and every leaf or head that no longer holds (a system read,
    not scoped to a user: the command's)."""
    leaves = Leaf.objects.order_by("county_id", "index")
    heads = TreeHead.objects.order_by("county_id", "size")
    if county_id is not None:
        leaves, heads = leaves.filter(county_id=county_id), heads.filter(county_id=county_id)
    rows = list(
        leaves.values_list("county_id", "index", "close_id", "content", "leaf_hash", "county__code")
    )
    closes = QuarterClose.objects.in_bulk([row[2] for row in rows])
    branch_refs = dict(
        QuarterClose.objects.filter(pk__in=closes).values_list("pk", "branch__public_ref")
    )
    problems: list[ChainProblem] = []
    roots: dict[int, list[bytes]] = {}  # county -> the root at each size, from the leaves
    frontiers: dict[int, list[bytes]] = {}
    codes: dict[int, str] = {}
    last_branch: dict[int, int] = {}
    for county, index, close_id, content, leaf_hash, code in rows:
        codes[county] = code
        county_roots = roots.setdefault(county, [merkle.EMPTY_ROOT])
        size = len(county_roots) - 1  # a leaf deleted leaves a gap: the heads after it fail
        frontier = merkle.frontier_append(frontiers.get(county, []), size, bytes.fromhex(leaf_hash))
        frontiers[county] = frontier
        county_roots.append(merkle.frontier_root(frontier))
        close = closes.get(close_id)
        if close is None:  # the signed quarter deleted behind the application's back
            problems.append(
                ChainProblem(
                    last_branch.get(county, 0),
                    index,
                    None,
                    "anchor",
                    f"核验树第{index}项所记的季度签字记录已不在数据库中（被删除）",
                )
            )
            continue
        last_branch[county] = close.branch_id
        rebuilt = quarter_leaf(close, county_code=code, branch_ref=branch_refs[close_id]).content()
        if rebuilt != content.encode() or merkle.leaf_hash(rebuilt).hex() != leaf_hash:
            label = Quarter(close.year, close.quarter).label
            message = f"{label}的签字记录（链头第{close.head_seq}号及合计）与核验树第{index}项不符"
            problems.append(
                ChainProblem(
                    close.branch_id, close.head_seq, None, "anchor", f"{message}（签字后被改写）"
                )
            )
    broken: set[int] = set()  # counties whose first bad head is named (the later ones follow)
    for head in heads:
        county_roots = roots.get(head.county_id, [])
        signed = head_message(
            county=codes.get(head.county_id, ""),
            size=head.size,
            root=head.root_hash,
            timestamp=head.timestamp,
        )
        if head.county_id not in broken and (
            head.size >= len(county_roots)
            or county_roots[head.size].hex() != head.root_hash
            or not keys.signature_holds(head.public_key, signed, head.signature)
        ):
            broken.add(head.county_id)
            problems.append(
                ChainProblem(
                    last_branch.get(head.county_id, 0),
                    head.size,
                    None,
                    "anchor",
                    f"核验树共{head.size}项时的签名树头与树中各项或其签名不符（被改写）",
                )
            )
    return len(roots), problems
