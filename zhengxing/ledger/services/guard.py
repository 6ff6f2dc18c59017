"""The branch's chain: the lock every writer takes first (`QuarterGuard`), appending hashed
entries after the head, and turning approved claims into entries within the items' caps."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Abs

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import Org

from ..chained import chain_append, chain_lock
from ..models import BranchChainHead, Claim, LedgerEntry, RuleItem
from ..rules import (
    CapRequest,
    Quarter,
    allocate_within_caps,
    points_normal,
    points_text,
    quarter_closed,
    signed_points,
)
from ..selectors import closed_quarters
from ._common import refuse


def _lock_head(branch: Org) -> BranchChainHead:
    """Lock the branch's chain head (creating it on first use). Everything that appends to the
    branch, or reads counted points to cap a claim, holds this lock until commit."""
    return chain_lock(BranchChainHead, county_id=branch.county_id, branch_id=branch.pk)


class QuarterGuard:
    """The one door every ledger writer passes: lock the branch's chain, then ask which of its
    quarters are open. Claims (submitted by a member or recorded by the committee), reviews
    (one or many), deductions, base points, public reports and reversals are all refused here
    when the quarter they land in is signed; a reminder talk takes the lock too, so the counted
    points it keeps are those before or after a sign-off, never half of one.

    Why this is enough: `quarter_sign_off` takes the same lock first and only then counts the
    pending claims and sums the entries. So a writer either goes first (the sign-off then sees
    its pending claim and refuses, or counts its entry and anchors it), or waits and then reads
    the signature (PostgreSQL's next statement sees what committed while it waited; SQLite runs
    one writing transaction at a time). A check made before the lock, as base points and
    claims once did, can be overtaken by a sign-off; one made under it cannot.

    When a quarter may be signed: only once it has ended. The articles review after the
    quarter — "支委会每季度对积分情况进行一次审核，并根据群众对党员的反映，确定扣分事项和分值，
    村党支部书记签字确认" (004) — and some items are only known at its end ("每季度能够保持干净的，
    加10分", 004). `rules.sign_off_problem` refuses an earlier signature in Chinese. So work is
    never dated in a quarter after its signature; only a request that started just before
    midnight on the quarter's last day can still name it, and it is refused, except a public
    report, which goes to the next open quarter (`first_open`): what the public says is not
    lost, it waits for the next review."""

    def __init__(self, branch: Org) -> None:
        self.branch = branch
        self.head = _lock_head(branch)

    def closed(self, years: set[int]) -> set[Quarter]:
        """The branch's signed quarters in these years, read under the lock."""
        return closed_quarters(branch_id=self.branch.pk, years=years)

    def require_open(self, quarter: Quarter, *, refusal: str) -> None:
        """Refuse with "<quarter>已签字确认，<refusal>" when the quarter is signed."""
        if quarter in self.closed({quarter.year}):
            raise refuse(quarter_closed(quarter, f"，{refusal}"))

    def first_open(self, quarter: Quarter) -> Quarter:
        """This quarter, or the first one after it that is not signed."""
        closed = self.closed({quarter.year, quarter.year + 1})
        while quarter in closed:
            quarter = quarter.next()
        return quarter


def _append(head: BranchChainHead, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Chain the entries after the head and insert them: one INSERT per 1,000 entries."""
    for entry in entries:
        entry.points = points_normal(entry.points)
    chain_append(head, entries)
    return entries


def _counted(
    member_ids: set[int], codes: set[str], years: set[int]
) -> dict[tuple[int, str, Quarter], Decimal]:
    """Points already in the ledger per (member, item code, quarter), as magnitudes, in one
    query. Item codes carry across catalogue versions, so a revision does not reset a cap."""
    rows = (
        LedgerEntry.objects.filter(member_id__in=member_ids, item__code__in=codes, year__in=years)
        .values("member_id", "item__code", "year", "quarter")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {
        (r["member_id"], r["item__code"], Quarter(r["year"], r["quarter"])): abs(r["total"])
        for r in rows
    }


def _approve(
    *,
    actor: Actor,
    head: BranchChainHead,
    decided: Sequence[tuple[Claim, RuleItem, Decimal, str]],
    note: str = "",
) -> list[LedgerEntry]:
    """Write the entries of approved claims (claim, item, points, new status), capped in order,
    and mark the claims decided: set-based, whatever the number of claims."""
    if not decided:
        return []
    requests = [
        CapRequest(
            member_id=claim.member_id,
            code=item.code,
            quarter=Quarter(claim.year, claim.quarter),
            points=points,
            cap_quarter=item.cap_quarter,
            cap_year=item.cap_year,
        )
        for claim, item, points, _ in decided
    ]
    counted = _counted(
        {r.member_id for r in requests},
        {r.code for r in requests},
        {r.quarter.year for r in requests},
    )
    granted = allocate_within_caps(requests, counted=counted)
    entries = []
    for (claim, item, points, _), counts in zip(decided, granted, strict=True):
        capped = (
            f"超出上限，{points_text(points)}分计{points_text(counts)}分" if counts < points else ""
        )
        entries.append(
            LedgerEntry(
                county_id=claim.county_id,
                branch_id=claim.branch_id,
                member_id=claim.member_id,
                item_id=item.pk,
                year=claim.year,
                quarter=claim.quarter,
                part=item.part,
                points=signed_points(counts, item.part),
                claim_id=claim.pk,
                reverses_id=None,
                note="；".join(filter(None, [note, capped]))[:500],
                recorded_at=actor.now,
                recorded_by_id=actor.user.pk if actor.user else None,
            )
        )
    _append(head, entries)
    for status in {s for *_, s in decided}:
        ids = [claim.pk for claim, *_, s in decided if s == status]
        Claim.objects.filter(pk__in=ids).update(
            status=status,
            reviewed_at=actor.now,
            reviewed_by=actor.user,
            review_reason=note[:500],
            points_awarded=Abs(
                Subquery(
                    LedgerEntry.objects.filter(
                        claim_id=OuterRef("pk"), reverses__isnull=True
                    ).values("points")[:1]
                )
            ),
        )
    for (claim, _, _, status), entry in zip(decided, entries, strict=True):
        claim.status, claim.points_awarded = status, abs(entry.points)
        claim.reviewed_at, claim.reviewed_by, claim.review_reason = (
            actor.now,
            actor.user,
            note[:500],
        )
    return entries
