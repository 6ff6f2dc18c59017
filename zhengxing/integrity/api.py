"""REST endpoints of the county's signed tree, under /api/v1/integrity/public (no login): the
kept heads file (`kept.py`), the same the county's public page hands out, for a township's
script to fetch and keep after every quarter; a posted notice's proof, which the verify page's
script checks in the browser; and the consistency proof between two of the county's heads. The
county is named by its code, a notice by its slug."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import P, PathEx, Query, Router, Schema

from zhengxing.ledger.rules import Quarter
from zhengxing.ledger.schemas import public_responses

from . import selectors
from .api_flags import router as flags_router
from .api_supervision import router as supervision_router
from .kept import heads_document
from .models import TreeHead

router = Router(tags=["integrity"])
# the township's and the county's flags (signed in): /api/v1/integrity/flags
router.add_router("/flags", flags_router)
# the higher committee's findings against branches and their deductions:
# /api/v1/integrity/supervision
router.add_router("/supervision", supervision_router)


class SignedHeadOut(Schema):
    size: int
    root: str  # hex
    timestamp: int  # milliseconds since 1970, UTC, as signed
    signature: str  # urlsafe base64


class HeadsFileOut(Schema):
    format: str
    county: str
    public_key: str  # urlsafe base64
    heads: list[SignedHeadOut]
    leaves: list[str]  # hex, the tree's leaf hashes up to its largest head


County = PathEx[str, P(max_length=32, pattern=r"^[^/\x00]+$")]


class NoticeOut(Schema):
    """The notice as it is posted online (what its page shows, from the database)."""

    slug: str
    branch: str  # its name
    branch_ref: str  # its public reference, as the leaf names it
    quarter: str  # 2026Q2, as the leaf names it
    quarter_label: str
    head_seq: int
    head_hash: str
    additions: str  # the sums of its lines (its 合计 row)
    deductions: str


class LeafOut(Schema):
    index: int
    content: str  # rebuilt now from the signed quarter as the ledger holds it (canonical JSON)
    anchored: str  # as appended to the tree at sign-off


class HeadOut(SignedHeadOut):
    public_key: str  # urlsafe base64


class ChainOut(Schema):
    matches: bool  # the branch's chain, walked here, still reaches the notice's head
    problem: str


class NoticeProofOut(Schema):
    county: str
    notice: NoticeOut
    leaf: LeafOut
    proof: list[str]  # hex, nearest the leaf first (RFC 9162 §2.1.3.1)
    head: HeadOut  # the county's latest signed tree head
    chain: ChainOut


class ConsistencyOut(Schema):
    first: int
    head: HeadOut  # the later head: of size `second`, or the county's latest
    proof: list[str]  # hex (RFC 9162 §2.1.4.1)


@router.get(
    "/public/{county}/notices/{slug}/proof",
    auth=None,
    response=public_responses(NoticeProofOut, 404),
)
def notice_proof(
    request: HttpRequest,
    county: County,
    slug: PathEx[str, P(max_length=32, pattern=r"^[A-Za-z0-9_-]+$")],
) -> dict[str, Any]:
    """A posted notice's proof (issue 24, the public verify page): its signed quarter's leaf,
    its place and path in the county's tree, the county's latest signed head and key, and the
    chain's walk to the notice's head. 404 when the quarter is not in the tree yet."""
    found = selectors.notice_proof(county=selectors.county_public(code=county), slug=slug)
    if found is None:
        raise Http404
    posting, head = found.posting, found.proof.head
    return {
        "county": county,
        "notice": {
            "slug": posting.slug,
            "branch": posting.branch.name,
            "branch_ref": posting.branch.public_ref,
            "quarter": f"{posting.year}Q{posting.quarter}",
            "quarter_label": Quarter(posting.year, posting.quarter).label,
            "head_seq": posting.head_seq,
            "head_hash": posting.head_hash,
            "additions": found.totals.additions,
            "deductions": found.totals.deductions,
        },
        "leaf": {
            "index": found.proof.leaf.index,
            "content": found.leaf,
            "anchored": found.proof.leaf.content,
        },
        "proof": found.proof.path,
        "head": _head(head),
        "chain": {"matches": found.check.matches, "problem": found.check.problem},
    }


def _head(head: TreeHead) -> dict[str, Any]:
    return {
        "size": head.size,
        "root": head.root_hash,
        "timestamp": head.timestamp,
        "signature": head.signature,
        "public_key": head.public_key,
    }


class Between(Schema):
    first: int
    second: int | None = None


@router.get(
    "/public/{county}/consistency", auth=None, response=public_responses(ConsistencyOut, 404)
)
def heads_consistency(
    request: HttpRequest, county: County, sizes: Query[Between]
) -> dict[str, Any]:
    """The proof that the county's signed head of `second` leaves (its latest when not given)
    extends, unchanged, its head of `first` (RFC 9162 §2.1.4), with that later head: what the
    verify page checks a kept heads file with. 404 unless the county has signed heads of both
    sizes, the first no larger: a kept head whose size the county no longer has is a tree cut
    back."""
    found = selectors.county_public(code=county)
    later = (
        selectors.latest_head(county_id=found.pk)
        if sizes.second is None
        else selectors.county_head(county_id=found.pk, size=sizes.second)
    )
    if later is None:
        raise Http404
    proof = selectors.heads_consistency(county_id=found.pk, first=sizes.first, second=later.size)
    if proof is None:
        raise Http404
    return {"first": sizes.first, "head": _head(later), "proof": proof}


@router.get("/public/{county}/heads", auth=None, response=public_responses(HeadsFileOut, 404))
def county_heads(
    request: HttpRequest,
    county: County,
    latest: bool = False,
) -> dict[str, Any]:
    """The county's signed tree heads (every one, or the latest with `latest=true`), its public
    key and its leaf hashes: what `zhengxing verify-ledger --against FILE` reads."""
    found = selectors.county_public(code=county)
    return heads_document(
        county=found, heads=selectors.county_heads(county_id=found.pk, latest=latest)
    )
