"""REST endpoint of the county's signed tree, under /api/v1/integrity/public (no login): the
kept heads file (`kept.py`), the same the county's public page hands out, for a township's
script to fetch and keep after every quarter. The county is named by its code."""

from typing import Any

from django.http import HttpRequest
from ninja import P, PathEx, Router, Schema

from zhengxing.ledger.schemas import public_responses

from . import selectors
from .api_flags import router as flags_router
from .kept import heads_document

router = Router(tags=["integrity"])
# the township's and the county's flags (signed in): /api/v1/integrity/flags
router.add_router("/flags", flags_router)


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


@router.get("/public/{county}/heads", auth=None, response=public_responses(HeadsFileOut, 404))
def county_heads(
    request: HttpRequest,
    county: PathEx[str, P(max_length=32, pattern=r"^[^/\x00]+$")],
    latest: bool = False,
) -> dict[str, Any]:
    """The county's signed tree heads (every one, or the latest with `latest=true`), its public
    key and its leaf hashes: what `zhengxing verify-ledger --against FILE` reads."""
    found = selectors.county_public(code=county)
    return heads_document(
        county=found, heads=selectors.county_heads(county_id=found.pk, latest=latest)
    )
