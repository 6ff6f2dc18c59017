"""The period of lost contact (失联) without the database: PRACTICES §0 — "no organisation
life and no dues for six months or more" — counted in calendar months back from a day."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings


def lost_months() -> int:
    """settings.ZHENGXING_LOST_CONTACT_MONTHS (6 unless the environment says otherwise)."""
    return int(settings.ZHENGXING_LOST_CONTACT_MONTHS)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (31 August less six months is 28 or 29
    February: the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def lost_cutoff(today: dt.date, months: int | None = None) -> dt.date:
    """Heard from before this day (and not since), a member is lost contact on `today`."""
    return months_before(today, lost_months() if months is None else months)
