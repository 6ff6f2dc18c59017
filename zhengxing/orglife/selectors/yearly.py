"""Organisation life's figures for a contest's daily assessment (`orgs.yearly`, registered in
`OrglifeConfig.ready()`): the meetings each branch held, and the share of the members expected
at them who signed in, within the span of each year; one grouped query each.

持续规范“三会一课”制度，坚持每月党员活动一次 (article 000);
不比基础比干劲、不比总量比增量 (article 001)"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear

from zhengxing.orgs.yearly import Row, Span

from ..models import Attendee, Meeting, SignIn


def _in_span(span: Span, field: str) -> Q:
    return Q(**{f"{field}__range": span.this}) | Q(**{f"{field}__range": span.last})


def meetings_held_rows(span: Span) -> Iterable[Row]:
    """(branch path, year, meetings held and closed, None)."""
    rows = (
        Meeting.objects.filter(
            _in_span(span, "held_on"), county_id=span.county_id, closed_at__isnull=False
        )
        .annotate(y=ExtractYear("held_on"))
        .values_list("branch__path", "y")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return ((path, year, n, None) for path, year, n in rows)


def meetings_attended_rows(span: Span) -> Iterable[Row]:
    """(branch path, year, members expected who signed in, members expected): the roll without
    those on leave or at their inflow organisation's meeting."""
    signed = SignIn.objects.filter(
        meeting_id=OuterRef("meeting_id"), member_id=OuterRef("member_id")
    )
    return (
        Attendee.objects.filter(
            _in_span(span, "meeting__held_on"),
            meeting__county_id=span.county_id,
            meeting__closed_at__isnull=False,
            excuse="",
        )
        .annotate(y=ExtractYear("meeting__held_on"))
        .values_list("meeting__branch__path", "y")
        .annotate(present=Count("pk", filter=Q(Exists(signed))), expected=Count("pk"))
        .order_by()
    )
