"""The stars' figure for a contest's daily assessment (`orgs.yearly`): the members' average
stars, from the ratings of the latest period ended by the cut-off day that this year has (and
the same period last year), in one grouped query.

嘎查村党组织每季度对党员星级争创情况进行动态考评 (article 000)"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum

from zhengxing.orgs.yearly import Row, Span

from .models import Rating, Subject

# the day each period ends (month, day), the latest first when two end on the same day
PERIOD_ENDS = {"Y": (12, 31), "H2": (12, 31), "Q4": (12, 31), "Q3": (9, 30), "H1": (6, 30),
               "Q2": (6, 30), "Q1": (3, 31)}  # fmt: skip


def stars_rows(span: Span) -> Iterable[Row]:
    """(branch path, year, stars, members rated) of the one period both years are read at."""
    cut = (span.until.month, span.until.day)
    ended = [p for p, end in PERIOD_ENDS.items() if end <= cut]
    rows = list(
        Rating.objects.filter(
            county_id=span.county_id,
            subject=Subject.MEMBER,
            year__in=(span.year, span.year - 1),
            period__in=ended,
        )
        .values_list("branch__path", "year", "period")
        .annotate(stars=Sum("stars"), members=Count("pk"))
        .order_by()
    )
    this_year = {period for _path, year, period, _s, _n in rows if year == span.year}
    period = next((p for p in ended if p in this_year), None)
    return [(path, year, s, n) for path, year, p, s, n in rows if p == period]
