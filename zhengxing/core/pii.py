"""Personal information at rest: encryption, a blind index for exact look-ups, and masking.

ID numbers and phones are stored encrypted (Fernet, keys from ZHENGXING_DATA_KEY, newest first so
keys can be rotated) beside a keyed hash (HMAC-SHA256, its own key ZHENGXING_LOOKUP_KEY) that lets
the database enforce uniqueness and find a member by ID number without ever holding it in the
clear. `zhengxing rekey` re-encrypts every value under the newest data key (`is_current`,
`reencrypt`) and recomputes the hashes, after which the older data keys may be removed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.DATA_KEYS])


@functools.cache
def _newest() -> Fernet:
    return Fernet(settings.DATA_KEYS[0].encode())


def lookup_key_bytes(value: str) -> bytes:
    """ZHENGXING_LOOKUP_KEY's 32 bytes; a malformed key fails loudly (and `zhengxing check`)."""
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(
            "ZHENGXING_LOOKUP_KEY must be 32 bytes in urlsafe base64, like a Fernet key "
            "(`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'`)"
        )
    return key


@functools.cache
def _index_key() -> bytes:
    return lookup_key_bytes(settings.LOOKUP_KEY)


@receiver(setting_changed)
def _keys_changed(setting: str, **kwargs: Any) -> None:
    """Tests (and only tests) change the keys while running."""
    if setting in ("DATA_KEYS", "LOOKUP_KEY"):
        _fernet.cache_clear()
        _newest.cache_clear()
        _index_key.cache_clear()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _fernet().decrypt(token.encode()).decode()


def is_current(token: str) -> bool:
    """Whether this value is encrypted under the newest data key (or is empty)."""
    if not token:
        return True
    try:
        _newest().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same value encrypted under the newest data key (its timestamp kept)."""
    if not token:
        return ""
    return _fernet().rotate(token.encode()).decode()


def blind_index(value: str) -> str:
    return hmac.new(_index_key(), value.upper().encode(), hashlib.sha256).hexdigest()


# What a masked number may show. Those who see a masked number also see the birth date and the
# gender, so a mask must leave the rest of the number open, or the two together rebuild it:
# 150824********3177 beside 1993-05-26 *is* the number (the eight hidden digits are the birth
# date). An ID number is region (6) + birth date (8) + sequence (3, odd for men) + check (1):
# with the date and gender known, the sequence's 500 values and the region's last two digits are
# what stays unknown, so the mask shows the province and city (4 digits) and nothing after them,
# not even the check character (it would cut the candidates by 11). That leaves 50,000 numbers
# consistent with the mask, the date and the gender, and 500 even to someone who guesses the
# county's region code. A mobile number's digits 4 to 7 follow the region where it was issued,
# so a phone shows its first 3 and last 2 digits: 10^6 candidates, 100 to a region-guesser.
# zhengxing/orgs/tests/test_masking.py counts the candidates for every member a role may see.
ID_CARD_SHOWN = 4
PHONE_SHOWN_HEAD, PHONE_SHOWN_TAIL = 3, 2


def mask_id_card(value: str) -> str:
    """1508**************: province and city kept, everything after them hidden."""
    if len(value) < 15:
        return "*" * len(value)
    return value[:ID_CARD_SHOWN] + "*" * (len(value) - ID_CARD_SHOWN)


def mask_phone(value: str) -> str:
    """138******78: the network's prefix and the last two digits."""
    if len(value) < 7:
        return "*" * len(value)
    shown = PHONE_SHOWN_HEAD + PHONE_SHOWN_TAIL
    return value[:PHONE_SHOWN_HEAD] + "*" * (len(value) - shown) + value[-PHONE_SHOWN_TAIL:]
