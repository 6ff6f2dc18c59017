"""Personal information at rest: encryption, a blind index for exact look-ups, and masking.

ID numbers and phones are stored encrypted (Fernet, keys from ZHENGXING_DATA_KEY, newest first so
keys can be rotated) beside a keyed hash (HMAC-SHA256) that lets the database enforce uniqueness
and find a member by ID number without ever holding it in the clear.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in settings.DATA_KEYS])


@functools.cache
def _index_key() -> bytes:
    # Derived from the oldest data key, so rotating in a new key keeps every blind index valid.
    return hashlib.sha256(b"zhengxing blind index\0" + settings.DATA_KEYS[-1].encode()).digest()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _fernet().decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    return hmac.new(_index_key(), value.upper().encode(), hashlib.sha256).hexdigest()


def mask_id_card(value: str) -> str:
    """110105********123X: region kept, birth date and sequence hidden."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
