"""Reads of the county's signed tree: its latest head, a signed quarter's inclusion proof and a
consistency proof between two heads. What they return is public by design (a head is published
for anyone to keep; a proof is the posted notice's, which anyone may read): no user's scope
narrows them, and they carry no id of a person, only the branch's public reference inside the
leaf. The proofs cost one query for the county's leaf hashes and O(n) hashing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import Http404

from zhengxing.ledger.models import Posting
from zhengxing.ledger.selectors import (
    PostingCheck,
    PostingTotals,
    posting_check,
    posting_public,
    posting_totals,
)
from zhengxing.orgs.models import County

from . import merkle
from .models import Leaf, TreeHead
from .services import quarter_leaf

NOTICE_SLUG = re.compile(r"[A-Za-z0-9_-]{1,32}")  # secrets.token_urlsafe's alphabet


def county_public(*, code: str) -> County:
    """A county by its code (public: it is in every leaf and head), for anyone; 404 if none."""
    county = County.objects.filter(code=code).first()
    if county is None:
        raise Http404
    return county


def county_heads(*, county_id: int, latest: bool = False) -> list[TreeHead]:
    """The county's signed heads, smallest first (only the latest when `latest`)."""
    heads = TreeHead.objects.filter(county_id=county_id).order_by("-size")
    return list(heads[:1]) if latest else list(reversed(heads))


def latest_head(*, county_id: int) -> TreeHead | None:
    return TreeHead.objects.filter(county_id=county_id).order_by("-size").first()


def county_head(*, county_id: int, size: int) -> TreeHead | None:
    return TreeHead.objects.filter(county_id=county_id, size=size).first()


def county_notice(*, county: County, slug: str) -> Posting | None:
    """The county's posted notice by its slug (as its QR code carries it), or None."""
    if not NOTICE_SLUG.fullmatch(slug):
        return None
    return Posting.objects.select_related("branch").filter(county=county, slug=slug).first()


def notice_anchored(*, posting: Posting) -> bool:
    """Whether the notice's signed quarter is in its county's tree (so it can be verified)."""
    return Leaf.objects.filter(close_id=posting.close_id).exists()


def _leaf_hashes(county_id: int, size: int) -> list[bytes]:
    hashes = Leaf.objects.filter(county_id=county_id, index__lt=size).order_by("index")
    return [bytes.fromhex(h) for h in hashes.values_list("leaf_hash", flat=True)]


@dataclass(frozen=True)
class QuarterProof:
    """A signed quarter's leaf, its place, and the path from it to the root of `head`."""

    leaf: Leaf
    path: list[str]  # hex, nearest the leaf first (RFC 9162 §2.1.3.1)
    head: TreeHead


def quarter_proof(*, close_id: int, size: int | None = None) -> QuarterProof | None:
    """The proof that a signed quarter is in its county's tree of `size` leaves (the latest
    head when None); None when the quarter was never appended or the tree is not that large."""
    leaf = Leaf.objects.filter(close_id=close_id).first()
    if leaf is None:
        return None
    heads = TreeHead.objects.filter(county_id=leaf.county_id, size__gt=leaf.index)
    head = (heads.filter(size=size) if size is not None else heads.order_by("-size")).first()
    if head is None:
        return None
    path = merkle.inclusion_proof(leaf.index, _leaf_hashes(leaf.county_id, head.size))
    return QuarterProof(leaf=leaf, path=[p.hex() for p in path], head=head)


def heads_consistency(*, county_id: int, first: int, second: int) -> list[str] | None:
    """The proof (hex) that the county's tree of `second` leaves extends, unchanged, its tree of
    `first`; None when the county has no head of either size."""
    sizes = set(
        TreeHead.objects.filter(county_id=county_id, size__in=[first, second]).values_list(
            "size", flat=True
        )
    )
    if not 0 < first <= second or sizes != {first, second}:
        return None
    return [p.hex() for p in merkle.consistency_proof(first, _leaf_hashes(county_id, second))]


@dataclass(frozen=True)
class NoticeProof:
    """What anyone needs to check a posted notice in the browser (the verify page, issue 24):
    the notice's own figures, its signed quarter's leaf rebuilt from the ledger as it stands now
    (`leaf`) beside the one appended at sign-off (`proof.leaf.content`), the path from that
    place to the county's latest signed head, and the branch's chain walked here up to the
    notice's head (`check`). Only what the notice already shows, and hashes."""

    posting: Posting
    totals: PostingTotals
    leaf: str
    proof: QuarterProof
    check: PostingCheck


def notice_proof(*, county: County, slug: str) -> NoticeProof | None:
    """The proof of the county's notice `slug` (404 for no such notice in this county); None
    when its quarter is not in the county's signed tree (signed before the tree existed and the
    backlog not yet appended)."""
    posting = posting_public(slug=slug)
    if posting.county_id != county.pk:
        raise Http404
    proof = quarter_proof(close_id=posting.close_id)
    if proof is None:
        return None
    leaf = quarter_leaf(
        posting.close, county_code=county.code, branch_ref=posting.branch.public_ref
    )
    return NoticeProof(
        posting=posting,
        totals=posting_totals(posting=posting),
        leaf=leaf.content().decode(),
        proof=proof,
        check=posting_check(posting=posting),
    )
