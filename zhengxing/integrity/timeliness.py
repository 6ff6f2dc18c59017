"""Facts the system already knows, offered to the township as evidence for a supervision finding:
a branch's quarter signed late, or not at all (评定不及时), and a signed quarter whose public
notice was late or missing (结果未及时公开).

003: "上級黨委要組織專人定期開展督導檢查,對工作落實不力、弄虛作假、評選過程不公正和結果不及時
公開的情況給予通報". The timing is 004's: "支委會每季度對積分情況進行一次審核……村黨支部書記簽字
確認。村黨支部每季度將黨員加分、扣分事項和分值在村務公開欄張榜公布" — every quarter, without a
number of days, so the days are settings: a quarter is late once `ZHENGXING_SIGN_OFF_DAYS`
(30) have passed since it ended unsigned, its notice late once `ZHENGXING_NOTICE_DAYS` (3) have
passed since the sign-off without it. Like every detector they only flag; a deduction comes
from the township's finding.

Each reads a bounded number of queries per window (the rules catalogues, the branches with
members, the county's sign-offs, their notices), nothing per branch or quarter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxing.ledger.models import Posting, QuarterClose, RuleCatalogue
from zhengxing.ledger.rules import Quarter
from zhengxing.orgs.models import Member
from zhengxing.orgs.rules import MEMBER_HOLDING_KINDS, MemberStatus

from .findings import Finding, Window

LATE = "quarter_late"
UNPUBLISHED = "notice_late"
COUNTED = (MemberStatus.ACTIVE, MemberStatus.MOBILE)


def sign_off_deadline(quarter: Quarter) -> dt.date:
    """The last day a quarter may be signed on time."""
    return quarter.last_day + dt.timedelta(days=settings.ZHENGXING_SIGN_OFF_DAYS)


def _quarters_due(window: Window) -> list[Quarter]:
    """The quarters whose deadline falls in the window, before its last day (so that a quarter
    still unsigned on that day is known to be late)."""
    found: list[Quarter] = []
    quarter = Quarter.of(window.since - dt.timedelta(days=settings.ZHENGXING_SIGN_OFF_DAYS + 92))
    while (deadline := sign_off_deadline(quarter)) < window.until:
        if deadline >= window.since:
            found.append(quarter)
        quarter = quarter.next()
    return found


def find_late(window: Window) -> Iterator[Finding]:
    """Each branch keeping points under the year's rules (a current rules catalogue of the year
    applies to it) with members by a quarter's end, whose quarter was signed after the
    deadline, or not by the window's last day."""
    quarters = _quarters_due(window)
    if not quarters:
        return
    years = {q.year for q in quarters}
    ruled = [
        (year, path)
        for year, path in RuleCatalogue.objects.filter(
            county_id=window.county_id, is_current=True, year__in=years
        ).values_list("year", "owner__path")
    ]
    branches = {
        branch_id: (path, first)
        for branch_id, path, first in Member.objects.filter(
            county_id=window.county_id,
            status__in=COUNTED,
            branch__kind__in=MEMBER_HOLDING_KINDS,
            branch__is_active=True,
        )
        .values("branch_id", "branch__path")
        .annotate(first=Min("joined_on"))
        .values_list("branch_id", "branch__path", "first")
        .order_by()
    }
    signed = {
        (branch_id, year, number): timezone.localdate(at)
        for branch_id, year, number, at in QuarterClose.objects.filter(
            county_id=window.county_id, year__in={q.year for q in quarters}
        ).values_list("branch_id", "year", "quarter", "signed_at")
    }
    for quarter in quarters:
        deadline = sign_off_deadline(quarter)
        for branch_id, (path, first) in sorted(branches.items()):
            if first > quarter.last_day or not any(
                year == quarter.year and path.startswith(owner) for year, owner in ruled
            ):
                continue
            on = signed.get((branch_id, quarter.year, quarter.number))
            if on is not None and on <= deadline:
                continue
            late = ((on or window.until) - deadline).days
            yield Finding(
                kind=LATE,
                org_id=branch_id,
                subject=f"{LATE}:org:{branch_id}:{quarter}",
                summary=(
                    quarter.label
                    + (f"积分于{on.isoformat()}签字确认" if on else "积分未签字确认")
                    + f"，超过期限（{deadline.isoformat()}）{late}天"
                ),
                evidence={
                    "quarter": str(quarter),
                    "deadline": deadline.isoformat(),
                    "signed_on": on.isoformat() if on else None,
                    "days_late": late,
                },
            )


def find_unpublished(window: Window) -> Iterator[Finding]:
    """Each quarter signed in the window whose notice was posted more than
    `ZHENGXING_NOTICE_DAYS` after the sign-off, or not by the window's last day."""
    days = dt.timedelta(days=settings.ZHENGXING_NOTICE_DAYS)
    closes = QuarterClose.objects.filter(
        county_id=window.county_id,
        signed_at__date__gte=window.since - dt.timedelta(days=1),
        signed_at__date__lte=window.until + dt.timedelta(days=1),
    ).values_list("pk", "branch_id", "year", "quarter", "signed_at")
    posted = {
        close_id: timezone.localdate(at)
        for close_id, at in Posting.objects.filter(
            county_id=window.county_id, close_id__in=[c[0] for c in closes]
        ).values_list("close_id", "published_at")
    }
    for close_id, branch_id, year, number, signed_at in closes:
        signed_on = timezone.localdate(signed_at)
        if not window.since <= signed_on <= window.until:
            continue
        deadline = signed_on + days
        on = posted.get(close_id)
        if (on is not None and on <= deadline) or (on is None and deadline >= window.until):
            continue
        quarter = Quarter(year, number)
        yield Finding(
            kind=UNPUBLISHED,
            org_id=branch_id,
            subject=f"{UNPUBLISHED}:org:{branch_id}:{quarter}",
            summary=(
                f"{quarter.label}积分于{signed_on.isoformat()}签字确认，"
                + (f"{on.isoformat()}才张榜公布" if on else "未张榜公布")
                + f"（期限{deadline.isoformat()}）"
            ),
            evidence={
                "quarter": str(quarter),
                "signed_on": signed_on.isoformat(),
                "deadline": deadline.isoformat(),
                "posted_on": on.isoformat() if on else None,
            },
        )


DETECTORS = [
    (LATE, _("Quarters signed late"), find_late),
    (UNPUBLISHED, _("Notices posted late"), find_unpublished),
]
