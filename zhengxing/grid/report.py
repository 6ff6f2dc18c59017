"""The monthly report of residents' needs (需求月报): per grid the needs received in the month,
those done in it, those done late or still open past their due time, and the residents'
ratings — with a subtotal per station or point and a total for the organisation; one query for
the grids, the sums made here; and its Excel (every text through `core.sheets.text_cell`).

兴安盟: "接到村民反映需求，网格员第一时间帮助解决，确保群众满意"。
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q
from django.utils import timezone
from openpyxl import Workbook

from zhengxing.core.sheets import text_cell
from zhengxing.ledger.excel import workbook_bytes
from zhengxing.orgs.models import Org, subtree_q

from .rules import OPEN_STATES
from .selectors import grids_visible_to

if TYPE_CHECKING:
    from zhengxing.orgs.selectors import AnyUser

FIGURES = ("received", "done", "late", "satisfied", "unsatisfied")
HEADERS = ("服务站（点）", "网格", "当月受理", "当月办结", "超时办结或超时未办", "满意", "不满意")


@dataclass
class Line:
    name: str
    post: str
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    def add(self, other: Line) -> None:
        for k in FIGURES:
            self.figures[k] += other.figures[k]


@dataclass(frozen=True)
class MonthReport:
    org: Org
    year: int
    month: int
    grids: list[Line]
    posts: list[Line]
    total: Line


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    first = dt.date(year, month, 1)
    last = first + dt.timedelta(days=calendar.monthrange(year, month)[1])
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time(), tz),
        dt.datetime.combine(last, dt.time(), tz),
    )


def needs_month(*, user: AnyUser, org: Org, year: int, month: int) -> MonthReport:
    start, end = month_bounds(year, month)
    in_month = Q(needs__received_at__gte=start, needs__received_at__lt=end)
    done_in = Q(needs__done_at__gte=start, needs__done_at__lt=end)
    rated_in = Q(needs__rated_at__gte=start, needs__rated_at__lt=end)
    late = (done_in & Q(needs__done_at__gt=F("needs__due_at"))) | (
        in_month & Q(needs__state__in=OPEN_STATES, needs__due_at__lt=min(end, timezone.now()))
    )
    grids = (
        grids_visible_to(user)
        .filter(subtree_q(org.path, "org__"))
        .annotate(
            received=Count("needs", filter=in_month),
            done=Count("needs", filter=done_in),
            late=Count("needs", filter=late),
            satisfied=Count("needs", filter=rated_in & Q(needs__satisfied=True)),
            unsatisfied=Count("needs", filter=rated_in & Q(needs__satisfied=False)),
        )
        .values("name", "post__name", *FIGURES)
        .order_by("post__name", "code")
    )
    lines: list[Line] = []
    posts: dict[str, Line] = {}
    total = Line(name=org.name, post="")
    for row in grids:
        line = Line(row["name"], row["post__name"], {k: row[k] for k in FIGURES})
        lines.append(line)
        posts.setdefault(line.post, Line(name=line.post, post=line.post)).add(line)
        total.add(line)
    return MonthReport(org, year, month, lines, list(posts.values()), total)


def needs_month_xlsx(report: MonthReport) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("需求月报")
    ws.append([text_cell(f"{report.org.name} {report.year}年{report.month}月群众需求办理情况")])
    ws.append(list(HEADERS))
    for line in report.grids:
        ws.append([text_cell(line.post), text_cell(line.name), *line.figures.values()])
    for post in report.posts:
        ws.append([text_cell(post.name), "小计", *post.figures.values()])
    ws.append([text_cell(report.org.name), "合计", *report.total.figures.values()])
    return workbook_bytes(wb)
