"""The grid's figure for a contest's daily assessment (`orgs.yearly`, registered in
`GridConfig.ready()`): the share of residents' needs received within the span of each year that
were answered by their due time, per grid's organisation, in one grouped query.

接到村民反映需求，网格员第一时间帮助解决，确保群众满意 (article 001)"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear

from zhengxing.orgs.yearly import Row, Span

from .models import Need


def needs_in_time_rows(span: Span) -> Iterable[Row]:
    """(the grid's organisation's path, year, needs answered in time, needs received)."""
    return (
        Need.objects.filter(
            Q(received_at__date__range=span.this) | Q(received_at__date__range=span.last),
            county_id=span.county_id,
        )
        .annotate(y=ExtractYear("received_at"))
        .values_list("grid__org__path", "y")
        .annotate(
            in_time=Count("pk", filter=Q(done_at__isnull=False, done_at__lte=F("due_at"))),
            received=Count("pk"),
        )
        .order_by()
    )
