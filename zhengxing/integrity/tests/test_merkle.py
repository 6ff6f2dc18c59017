"""The county's tree hashes as Certificate Transparency's do (RFC 9162 §2.1): the published
reference vectors of RFC 6962's test suite, then, for random sizes, each result against the
RFC's definitions written out naively below (MTH, PATH, PROOF)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengxing.integrity.merkle import (
    EMPTY_ROOT,
    consistency_holds,
    consistency_proof,
    frontier_append,
    frontier_root,
    inclusion_holds,
    inclusion_proof,
    leaf_hash,
    tree_root,
)

pytestmark = pytest.mark.engine_neutral

# The eight leaves of the Certificate Transparency project's reference tree (RFC 6962 tests) and
# the root of each of its first n leaves.
VECTOR_LEAVES = [
    bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                               "606162636465666768696a6b6c6d6e6f")
]  # fmt: skip
VECTOR_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, path)
VECTOR_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
# (first size, second size, proof)
VECTOR_CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip

HASHES = [leaf_hash(leaf) for leaf in VECTOR_LEAVES]


def test_the_roots_are_the_reference_trees() -> None:
    assert EMPTY_ROOT.hex() == VECTOR_ROOTS[0]
    for n in range(len(HASHES) + 1):
        assert tree_root(HASHES[:n]).hex() == VECTOR_ROOTS[n], n


@pytest.mark.parametrize(("index", "size", "path"), VECTOR_INCLUSION)
def test_inclusion_proofs_are_the_reference_ones(index: int, size: int, path: list[str]) -> None:
    proof = inclusion_proof(index, HASHES[:size])
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(VECTOR_ROOTS[size])
    assert inclusion_holds(index, size, HASHES[index], proof, root)
    assert not inclusion_holds(index, size, HASHES[index], proof, EMPTY_ROOT)


@pytest.mark.parametrize(("first", "second", "proof"), VECTOR_CONSISTENCY)
def test_consistency_proofs_are_the_reference_ones(first: int, second: int, proof: list) -> None:
    made = consistency_proof(first, HASHES[:second])
    assert [p.hex() for p in made] == proof
    old, new = bytes.fromhex(VECTOR_ROOTS[first]), bytes.fromhex(VECTOR_ROOTS[second])
    assert consistency_holds(first, second, old, new, made)


# --- RFC 9162's definitions, word for word: the reference the fast code is held to ----------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]  # d holds leaf hashes already
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


# unique leaves: a tree of repeated leaves may prove a leaf at the place of its twin
leaves_st = st.lists(st.binary(max_size=12), min_size=1, max_size=70, unique=True)


@settings(max_examples=60, deadline=None)
@given(leaves_st)
def test_every_leaf_proves_and_a_tampered_one_does_not(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    n, root = len(hashes), tree_root(hashes)
    assert root == mth(hashes)
    for i in range(n):
        proof = inclusion_proof(i, hashes)
        assert proof == path(i, hashes)
        assert inclusion_holds(i, n, hashes[i], proof, root)
        assert not inclusion_holds(i, n, leaf_hash(leaves[i] + b"+50"), proof, root)
        if n > 1:  # nor does it prove the leaf at another place
            assert not inclusion_holds((i + 1) % n, n, hashes[i], proof, root)
    assert not inclusion_holds(n, n, hashes[0], inclusion_proof(0, hashes), root)


@settings(max_examples=40, deadline=None)
@given(leaves_st)
def test_every_earlier_tree_is_proved_consistent_with_the_later(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    n, root = len(hashes), tree_root(hashes)
    for m in range(n + 1):
        proof = consistency_proof(m, hashes)
        assert proof == ([] if m in (0, n) else subproof(m, hashes, True))
        assert consistency_holds(m, n, tree_root(hashes[:m]), root, proof)
        if 0 < m < n:  # an earlier tree rewritten is not extended by this one
            rewritten = tree_root([leaf_hash(b"rewritten"), *hashes[1:m]])
            assert not consistency_holds(m, n, rewritten, root, proof)
            assert not consistency_holds(m, n, tree_root(hashes[:m]), EMPTY_ROOT, proof)


@given(leaves_st)
def test_appending_on_the_right_edge_gives_every_size_its_root(leaves: list[bytes]) -> None:
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        frontier = frontier_append(frontier, size, leaf_hash(leaf))
        assert len(frontier) == (size + 1).bit_count()
        assert frontier_root(frontier) == mth([leaf_hash(x) for x in leaves[: size + 1]])
