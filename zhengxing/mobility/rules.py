"""Mobile members' vocabulary and the rules that need no database (Chifeng's "12345", article
002): why a member went away, how long a one-time registration code lives, what a report's
fields may hold."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengxing.core.errors import ServiceError


class Reason(models.TextChoices):
    """Why a member is away from their outflow branch (the roster's 流出原因)."""

    WORK = "work", _("Migrant work")
    BUSINESS = "business", _("Business")
    STUDY = "study", _("Study")
    FAMILY = "family", _("Moving with family")
    OTHER = "other", _("Other")


# How the roster's reason column (流出原因) writes each reason, whatever the page's language.
ROSTER_REASON = {
    Reason.WORK: "务工",
    Reason.BUSINESS: "经商",
    Reason.STUDY: "上学",
    Reason.FAMILY: "随迁",
    Reason.OTHER: "其他",
}

# A code is read out on the phone or copied from a slip: no 0/O, 1/I/L to mistake.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
CITY_MAX, ADDRESS_MAX, EMPLOYER_MAX, PHONE_MAX = 50, 200, 100, 20
MAX_EXPECTED_MONTHS = 120


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code: str) -> str:
    """What a member typed, as it was issued: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


def code_hash(code: str) -> str:
    """The kept form of a registration code: an HMAC under the server's secret key, so a copied
    database does not hand out codes that still work."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"mobile-code:{normal_code(code)}".encode(), hashlib.sha256).hexdigest()


def code_expires(issued_at: dt.datetime) -> dt.datetime:
    """A code lives settings.ZHENGXING_MOBILE_CODE_DAYS days (14 unless configured)."""
    return issued_at + dt.timedelta(days=int(settings.ZHENGXING_MOBILE_CODE_DAYS))


def check_phone(value: str) -> str:
    """A phone a member can be reached on: digits, perhaps with a leading + and dashes."""
    value = (value or "").strip()
    digits = value.removeprefix("+").replace("-", "").replace(" ", "")
    if not value:
        raise ServiceError("请填写联系电话")
    if not digits.isdigit() or not 7 <= len(digits) <= PHONE_MAX:
        raise ServiceError("联系电话应为7至20位数字")
    return digits


def check_stay(*, since: dt.date, expected_months: int, today: dt.date) -> None:
    """Since when the member has been there (not in the future) and how long they expect to
    stay (1 to 120 months)."""
    if since > today:
        raise ServiceError("外出时间不能晚于今天")
    if not 1 <= expected_months <= MAX_EXPECTED_MONTHS:
        raise ServiceError(f"预计外出时长应为1至{MAX_EXPECTED_MONTHS}个月")
