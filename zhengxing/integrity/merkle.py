"""A Merkle tree the way Certificate Transparency logs keep theirs (RFC 9162 §2.1), over the
leaves of one county: its branches' signed quarters, in the order they were signed.

    leaf hash  = SHA-256(0x00 || leaf)
    node hash  = SHA-256(0x01 || left || right)
    MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two smaller than n

An inclusion proof shows that a leaf is in the tree a root names (§2.1.3); a consistency proof
that a later tree holds an earlier one unchanged, only extended (§2.1.4). Verifying either needs
nothing but hashes: the browser, a township's script or `verify-ledger` can check them without
trusting the server. Hashes are 32 raw bytes here; the database and the API carry them as hex.
Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}), the root of a county with no leaf yet


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 9162 splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


# --- the right edge: appending in O(log n) ------------------------------------------------
# A tree of n leaves is, by the split rule, its perfect subtrees left to right, one per bit of
# n (largest first). Their roots (the frontier) are all an append needs: the new leaf joins the
# last subtree of its size, and the root is the frontier folded from the right.


def frontier_append(frontier: Sequence[bytes], size: int, leaf: bytes) -> list[bytes]:
    """The frontier of the tree of `size` leaves with one leaf hash more."""
    out = [*frontier, leaf]
    n = size
    while n & 1:
        right, left = out.pop(), out.pop()
        out.append(node_hash(left, right))
        n >>= 1
    return out


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH of the leaf hashes, in one pass (O(n) hashes, O(log n) memory)."""
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        frontier = frontier_append(frontier, size, leaf)
    return frontier_root(frontier)


# --- proofs (RFC 9162 §2.1.3.1, §2.1.4.1) ----------------------------------------------------


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]): the siblings from the leaf up to the root, nearest first."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    path: list[bytes] = []
    lo, hi = 0, len(leaves)
    while hi - lo > 1:  # down from the root; the siblings collected are reversed at the end
        k = lo + _split(hi - lo)
        if index < k:
            path.append(tree_root(leaves[k:hi]))
            hi = k
        else:
            path.append(tree_root(leaves[lo:k]))
            lo = k
    return path[::-1]


def consistency_proof(first: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(first, D[n]): what shows the tree of `first` leaves is the start of this one
    (empty when first is 0 or n: nothing to show)."""
    n = len(leaves)
    if not 0 <= first <= n:
        raise ValueError(f"a tree of {first} cannot precede one of {n}")
    if first in (0, n):
        return []
    return _subproof(first, leaves, whole=True)


def _subproof(m: int, leaves: Sequence[bytes], *, whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [tree_root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole=whole), tree_root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], whole=False), tree_root(leaves[:k])]


# --- verification (RFC 9162 §2.1.3.2, §2.1.4.2) ----------------------------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root that the leaf hash and its path lead to, or None when the path cannot be one
    for that index and size. A proof holds when this equals the signed head's root."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def inclusion_holds(index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes) -> bool:
    return root_from_inclusion(index, size, leaf, path) == root


def consistency_holds(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether the tree of `second` leaves and root `second_root` extends, unchanged, the tree of
    `first` leaves and root `first_root`."""
    if not 0 <= first <= second:
        return False
    if first == 0:  # every tree extends the empty one
        return not proof
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is a node the proof omits
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root
