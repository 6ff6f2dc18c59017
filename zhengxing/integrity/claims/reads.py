"""The claims the detectors read: one county's claims that put points on a member, set-based.

"Crediting" claims are those that add points (the catalogue's contribution items, 贡献加分)
and still stand: waiting for review, approved or approved with adjusted points, and not
corrected since by a reversal (冲正). Base points (one batch of the whole branch a year, by
category) and deductions are no one's claim to have done something; rejected claims and
public reports set aside as spam were already caught by the committee."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import DecimalField, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from zhengxing.ledger.models import Claim, LedgerEntry
from zhengxing.ledger.rules import ClaimSource, ClaimStatus, Part, Quarter

from ..findings import Window

# one claim as a detector reads it: the fields of its query's values()
Row = Mapping[str, Any]

LIVE = (ClaimStatus.PENDING, ClaimStatus.APPROVED, ClaimStatus.ADJUSTED)
# how far back a branch's history reaches: two years of quarters
HISTORY_QUARTERS = 8
# a claim's points: awarded once reviewed, requested until then
POINTS = Coalesce(
    F("points_awarded"),
    F("points_requested"),
    output_field=DecimalField(max_digits=7, decimal_places=1),
)


def history_start(window: Window) -> dt.date:
    """The first day of the quarter HISTORY_QUARTERS before the window's first."""
    quarter = Quarter.of(window.since)
    for _ in range(HISTORY_QUARTERS):
        quarter = quarter.previous()
    return quarter.first_day


def crediting(window: Window, *, since: dt.date | None = None) -> QuerySet[Claim]:
    """The county's crediting claims of activities dated in the window (from `since` instead,
    for a history reaching further back)."""
    reversed_entry = LedgerEntry.objects.filter(claim=OuterRef("pk"), reverses__isnull=False)
    return (
        Claim.objects.filter(
            county_id=window.county_id,
            occurred_on__gte=since or window.since,
            occurred_on__lte=window.until,
            status__in=LIVE,
            item__part=Part.BONUS,
        )
        .exclude(source=ClaimSource.PUBLIC)
        .exclude(Exists(reversed_entry))
        .order_by()
    )


def person_name(first: str | None, last: str | None, username: str | None) -> str:
    """A recorder as the findings name them: their name as `User.get_full_name` gives it,
    else their login."""
    name = f"{first or ''} {last or ''}".strip()
    return name or username or ""
