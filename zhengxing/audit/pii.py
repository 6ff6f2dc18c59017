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


def mask_id_card(value: str) -> str:
    """110105********123X: region kept, birth date and sequence hidden."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
