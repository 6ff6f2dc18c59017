"""Claims planted straight into the ledger's table for the claim detectors' tests: the
detectors only read claims, and a history of quarters is quicker written than reviewed. The
services write the few claims whose path through review matters (a reversal)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User

from zhengxing.integrity.findings import Window
from zhengxing.ledger.models import Claim, RuleCatalogue
from zhengxing.ledger.rules import ClaimSource, ClaimStatus, Quarter
from zhengxing.orgs.models import Member
from zhengxing.testing import Cast, add_member

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
_keys = itertools.count(1)


def plant(
    cast: Cast,
    rules: RuleCatalogue,
    code: str,
    members: Sequence[Member],
    day: dt.date,
    *,
    place: str = "村委会",
    description: str = "",
    source: str = ClaimSource.COMMITTEE,
    by: User | None = None,
    status: str = ClaimStatus.APPROVED,
    points: Decimal | None = None,
    evidence: str = "",
    origin: tuple[str, int] | None = None,
) -> list[Claim]:
    """One form: `code` for each member on `day` (by cathy unless `by`: a self-report is by
    the member's own user, None here)."""
    item = rules.items.get(code=code)
    quarter = Quarter.of(day)
    key = f"plant-{next(_keys)}"
    points = item.default_points if points is None else points
    claims = [
        Claim(
            county=cast.county,
            branch_id=m.branch_id,
            member=m,
            item=item,
            year=quarter.year,
            quarter=quarter.number,
            occurred_on=day,
            place=place,
            description=description or f"{item.name} {day}",
            points_requested=points,
            points_awarded=points if status != ClaimStatus.PENDING else None,
            evidence=evidence,
            source=source,
            status=status,
            idempotency_key=key,
            submitted_at=dt.datetime.combine(day, dt.time(18), tzinfo=SHANGHAI),
            submitted_by=(by or cast.cathy) if source != ClaimSource.SELF else by,
            origin_kind=origin[0] if origin else "",
            origin_id=origin[1] if origin else None,
        )
        for m in members
    ]
    return Claim.objects.bulk_create(claims)


def more_members(cast: Cast, n: int) -> list[Member]:
    """Branch A1B's members: 王甲, 李二妮 and n - 2 more."""
    return [cast.member_a1, cast.erin_member] + [
        add_member(cast.county, "A1B", name=f"甲一村党员{i}") for i in range(n - 2)
    ]


def window(cast: Cast, since: dt.date, until: dt.date) -> Window:
    return Window(county_id=cast.county.pk, since=since, until=until)


def subjects(findings: Sequence[object]) -> list[str]:
    return sorted(f.subject for f in findings)  # type: ignore[attr-defined]
