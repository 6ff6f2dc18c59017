"""The points ledger's figure for a contest's daily assessment (`orgs.yearly`): the counted
points per member of each branch, from the signed quarters (`QuarterPoints`) that ended within
the span, in one grouped query for the county's two years.

将线上学习、线下参加组织生活、先锋模范作用发挥等项目进行积分量化，年底集中评比晾晒 (article 002);
不比基础比干劲、不比总量比增量 (article 001)"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, Sum

from zhengxing.orgs.yearly import Row, Span

from .models import QuarterPoints

QUARTER_ENDS = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}  # (month, day)


def points_rows(span: Span) -> Iterable[Row]:
    """(branch path, year, points, members) of the quarters ended by the cut-off day, the same
    quarters in both years."""
    cut = (span.until.month, span.until.day)
    quarters = [q for q, end in QUARTER_ENDS.items() if end <= cut]
    return (
        QuarterPoints.objects.filter(
            Q(year=span.year) | Q(year=span.year - 1),
            county_id=span.county_id,
            quarter__in=quarters,
        )
        .values_list("branch__path", "year")
        .annotate(total=Sum("total"), members=Count("member_id", distinct=True))
        .order_by()
    )
