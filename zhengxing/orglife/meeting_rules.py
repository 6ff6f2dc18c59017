"""The rules of meetings, without the database: how many of each kind a branch holds a year,
how many are due by a day, which catalogue items attendance earns by default, and the sign-in
codes (the one on the secretary's phone that changes every minute, the printed sheet's).

"持续规范“三会一课”制度,坚持每月党员活动一次" (000: Bayannur). The counts of 三会一课 are the
Party's branch rules as branches keep them: the members' meeting once a quarter, the committee
and the Party group once a month, a Party lecture once a quarter; the theme day (每月党员活动)
once a month; the organisation-life meeting once a year ("年度组织生活会", 000). A county may
set other counts (`LifeRule.per_year`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from collections.abc import Sequence

from .models.meetings import MeetingKind

PER_YEAR: dict[str, int] = {
    MeetingKind.MEMBERS: 4,
    MeetingKind.COMMITTEE: 12,
    MeetingKind.GROUP: 12,
    MeetingKind.LECTURE: 4,
    MeetingKind.THEME_DAY: 12,
    MeetingKind.LIFE: 1,
}

# Items of the presets whose names fit, first found in the branch's applying catalogue wins.
# Attending: "参加“三会一课”（每次）", "参加主题党日（每次）" (the 100-point year), "参加流入地或
# 流出地组织生活（每次）" (Chifeng). Absence without leave: "无故不参加组织生活（每次）" (Sanmenxia,
# Chifeng), "无故缺席组织生活（每次）" (Gaotai, the 100-point year).
SANHUI_ITEMS = ("BF-Z01", "CF-Z01")
ATTEND_ITEMS: dict[str, tuple[str, ...]] = {
    MeetingKind.MEMBERS: SANHUI_ITEMS,
    MeetingKind.COMMITTEE: SANHUI_ITEMS,
    MeetingKind.GROUP: SANHUI_ITEMS,
    MeetingKind.LECTURE: SANHUI_ITEMS,
    MeetingKind.THEME_DAY: ("BF-Z02", "CF-Z01"),
    MeetingKind.LIFE: SANHUI_ITEMS,
}
ABSENCE_ITEMS = ("SMX-K01", "GT-F03", "CF-K02", "BF-K01")

# The secretary's code changes every WINDOW seconds; the current and the previous one are taken,
# so a member who scanned at the turn of the minute is not refused, and a code passed to a group
# chat is dead within two minutes.
WINDOW = 60


def due_by(per_year: int, *, year: int, today: dt.date) -> int:
    """How many of a kind held `per_year` times a branch should have held by `today`: all of
    them for a year past, none for a year to come, else those whose period has ended (a
    monthly meeting is due once each month has ended, a quarterly one each quarter)."""
    if year < today.year:
        return per_year
    if year > today.year:
        return 0
    months_ended = today.month - 1
    return math.floor(per_year * months_ended / 12)


# The theme day's fixed day of the month a county may set: 1-28, a day every month has.
THEME_DAYS = range(1, 29)


def theme_day_next(theme_day: int, *, today: dt.date) -> dt.date:
    """The fixed theme day to propose from `today`: this month's if it is not past, else next
    month's ("坚持每月党员活动一次", 000; "“固定日”集中学", 003)."""
    this_month = today.replace(day=theme_day)
    if this_month >= today:
        return this_month
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return dt.date(year, month, theme_day)


def months_ended(year: int, *, today: dt.date) -> range:
    """The months of `year` that have ended by `today` (1-12): those a monthly duty was due in."""
    if year < today.year:
        return range(1, 13)
    if year > today.year:
        return range(1, 1)
    return range(1, today.month)


def first_code(codes: Sequence[str], available: set[str]) -> str | None:
    return next((c for c in codes if c in available), None)


def _digest(secret: str, meeting_id: int, window: int) -> str:
    message = f"meeting:{meeting_id}:{window}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:20]


def window_of(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // WINDOW


def live_code(secret: str, meeting_id: int, moment: dt.datetime) -> str:
    """The code the secretary's phone shows at `moment`: the meeting and the minute, signed."""
    window = window_of(moment)
    return f"{meeting_id}.{window}.{_digest(secret, meeting_id, window)}"


def live_code_meeting(code: str) -> int | None:
    """The meeting a live code names, before it is checked (None: not a live code)."""
    parts = code.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 12:
        return None
    return int(parts[0])


def live_code_valid(secret: str, code: str, meeting_id: int, moment: dt.datetime) -> bool:
    """A live code of this meeting, of the current minute or the one before."""
    parts = code.split(".")
    if len(parts) != 3 or parts[0] != str(meeting_id) or not parts[1].isdigit():
        return False
    window = int(parts[1])
    now = window_of(moment)
    if window not in (now, now - 1):
        return False
    return hmac.compare_digest(parts[2], _digest(secret, meeting_id, window))


# Learning: "参加集中学习（每次）" (the 100-point year), "线上学习（每次）" (Chifeng, the 100-point
# year).
LESSON_ITEMS = ("BF-X01", "CF-X01", "BF-X02")
