"""The key that signs each county's tree heads: Ed25519, from ZHENGXING_ANCHOR_KEY (32 raw
bytes, urlsafe base64), kept outside the database like the data key. Whoever rewrites the
database without it cannot sign a head over the rewritten tree; the public key is published with
every head so that anyone can check a signature."""

from __future__ import annotations

import base64
import binascii
import functools
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@functools.cache
def _private() -> Ed25519PrivateKey:
    try:
        seed = base64.urlsafe_b64decode(settings.ANCHOR_KEY.encode())
    except (ValueError, binascii.Error):
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(
            "ZHENGXING_ANCHOR_KEY must be an Ed25519 private key's 32 bytes in urlsafe base64 "
            "(`python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)))'`)"
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


@receiver(setting_changed)
def _key_changed(setting: str, **kwargs: Any) -> None:
    """Tests (and only tests) change the key while running."""
    if setting == "ANCHOR_KEY":
        _private.cache_clear()


def public_key() -> str:
    """The signing key's public half, 32 raw bytes in urlsafe base64 (as heads carry it)."""
    return _b64(_private().public_key().public_bytes_raw())


def sign(message: bytes) -> str:
    """The message's Ed25519 signature, 64 raw bytes in urlsafe base64."""
    return _b64(_private().sign(message))


def signature_holds(public: str, message: bytes, signature: str) -> bool:
    """Whether `signature` is `public`'s over `message` (both urlsafe base64); False for a
    malformed key or signature rather than an error: it is what a kept file or a visitor gives."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(public.encode()))
        key.verify(base64.urlsafe_b64decode(signature.encode()), message)
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return True
