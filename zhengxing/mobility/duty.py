"""The pairing's duty and the ledgers' marks, with no database (article 002): how a pairing
stands in a quarter, which half-year a report covers, and how a mobile member's quarter is
marked in the three ledgers (new, moved, returned, lost).

结对帮带、密切联络，流入地和流出地基层党组织班子成员采取“一对一”“一对多”的方式与流动党员结对，
每季度开展一次电话随访、视频约访、上门走访，流出地基层党委每半年专门听取一次联络情况汇报
(article 002)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.ledger.rules import Quarter

# Six months without a word (no report of where they are, no contact logged): the ledger marks
# the member lost (失联, PRACTICES §0: six months or more).
LOST_AFTER_DAYS = 183
SAID_MAX = 1000


class Way(models.TextChoices):
    """How a contact was made: the article's three (电话随访、视频约访、上门走访)."""

    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    VISIT = "visit", _("Home visit")


class Side(models.TextChoices):
    """Whose committee the pairer sits on: the outflow organisation's or the inflow's."""

    OUTFLOW = "outflow", _("Outflow side")
    INFLOW = "inflow", _("Inflow side")


class Standing(models.TextChoices):
    """A pairing in a quarter: contacted; not yet, the quarter still running; overdue."""

    DONE = "done", _("Contacted")
    DUE = "due", _("Not yet contacted")
    OVERDUE = "overdue", _("Overdue")


def standing(*, contacts_in_quarter: int, quarter: Quarter, today: dt.date) -> Standing:
    """At least one contact a quarter (每季度开展一次): a pairing without one is overdue once
    the quarter has ended, and due while it runs."""
    if contacts_in_quarter > 0:
        return Standing.DONE
    return Standing.OVERDUE if today > quarter.last_day else Standing.DUE


@dataclass(frozen=True, order=True)
class Half:
    """A half-year (上半年 H1, 下半年 H2): the period of one report on contacts."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2):
            raise ValueError(f"half must be 1 or 2, not {self.number}")

    @classmethod
    def of(cls, day: dt.date) -> Half:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1 if self.number == 1 else 7, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.number == 1 else dt.date(self.year, 12, 31)

    @property
    def quarters(self) -> tuple[Quarter, Quarter]:
        first = 1 if self.number == 1 else 3
        return Quarter(self.year, first), Quarter(self.year, first + 1)

    @property
    def label(self) -> str:
        """In Chinese whatever the page's language: it stands in refusals and on the form."""
        return f"{self.year}年{'上' if self.number == 1 else '下'}半年"

    def previous(self) -> Half:
        return Half(self.year, 2) if self.number == 1 else Half(self.year - 1, 1)


def half_problem(half: Half, *, today: dt.date) -> str | None:
    """A report on a half-year's contacts is signed once the half-year has ended."""
    if today <= half.last_day:
        return f"{half.label}尚未结束，结束后才能签署联络情况汇报"
    return None


def contact_problem(*, on: dt.date, today: dt.date, paired_since: dt.date) -> str | None:
    """A contact is logged for a day that has come, and not before the pairing began."""
    if on > today:
        return "联络日期不能晚于今天"
    if on < paired_since:
        return f"联络日期早于结对日期（{paired_since:%Y-%m-%d}）"
    return None


class Mark(models.TextChoices):
    """A mobile member's change in the quarter, as the ledgers mark it."""

    NEW = "new", _("New this quarter")
    MOVED = "moved", _("Moved")
    RETURNED = "returned", _("Returned home")
    LOST = "lost", _("Lost contact")


# How the filed workbooks write each mark, whatever the page's language.
MARK_WORDS = {
    Mark.NEW: "本季度新增",
    Mark.MOVED: "流动地变更",
    Mark.RETURNED: "已返乡",
    Mark.LOST: "失联",
}


def quarter_marks(
    *,
    quarter: Quarter,
    today: dt.date,
    first_report: dt.date | None,
    mobile_since: dt.date | None,
    city: str,
    city_before: str | None,
    returned_on: dt.date | None,
    last_heard: dt.date | None,
) -> list[Mark]:
    """The quarter's changes of one member, for the three ledgers (定期维护完善，切实摸清底数):
    new (their first report, or their going away, falls in the quarter), moved (a report in the
    quarter puts them in another city than the last one before it), returned (gone home in the
    quarter), lost (nothing heard — no report, no contact — for six months to the quarter's end,
    or to today while it runs)."""
    start, end = quarter.first_day, quarter.last_day
    marks: list[Mark] = []
    known = [d for d in (first_report, mobile_since) if d is not None]
    began = min(known) if known else None
    if began is not None and start <= began <= end:
        marks.append(Mark.NEW)
    if city_before is not None and city and city_before != city:
        marks.append(Mark.MOVED)
    if returned_on is not None and start <= returned_on <= end:
        marks.append(Mark.RETURNED)
        return marks
    upto = min(end, today)
    if last_heard is None or (upto - last_heard).days >= LOST_AFTER_DAYS:
        marks.append(Mark.LOST)
    return marks
