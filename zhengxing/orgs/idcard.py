"""Resident ID numbers (公民身份号码), GB 11643-1999: 6-digit region, 8-digit birth date,
3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character."""

import datetime as dt
import re
import unicodedata
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)  # ASCII: "\d" would match any script's digits


class IdCardError(ValueError):
    pass


def check_char(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"17 characters expected, not {len(first17)}")
    return CHECK_CHARS[sum(map(mul, map(int, first17), WEIGHTS)) % 11]


def normalise(value: str) -> str:
    # NFKC turns full-width digits and Ｘ (typed with a Chinese input method) into ASCII; it
    # leaves ASCII as it is
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    return value.strip().replace(" ", "").upper()


def validate(value: str) -> str:
    """The normalised number, or IdCardError with a message in Chinese."""
    number = normalise(value)
    if not SHAPE.match(number):
        raise IdCardError("公民身份号码应为18位（前17位为数字，末位为数字或X）")
    try:
        birth_date(number)
    except ValueError:
        raise IdCardError("公民身份号码中的出生日期无效") from None
    if check_char(number[:17]) != number[17]:
        raise IdCardError("公民身份号码校验位错误")
    return number


def birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    """'M' or 'F', from the sequence code's parity."""
    return "M" if int(number[16]) % 2 else "F"


def make(region: str, born: dt.date, sequence: int) -> str:
    """A valid number, for demo and synthetic data."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
