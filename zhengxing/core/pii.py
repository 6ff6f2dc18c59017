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
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
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


# --- many values at once -------------------------------------------------------------------


_PADDING = [bytes((n,)) * n for n in range(17)]  # PKCS7's padding of n bytes
_URLSAFE = bytes.maketrans(b"+/", b"-_")  # base64's alphabet to the URL-safe one Fernet uses


def _hmac_halves(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """HMAC-SHA256 under `key` as RFC 2104 defines it, its two hashes keyed once: the inner
    and the outer SHA-256, each to be copied for a message (the inner one's digest is the outer
    one's message). A copy of each and four calls a value, not `hmac`'s layers over them."""
    if len(key) > 64:  # a key longer than SHA-256's block is hashed first
        key = hashlib.sha256(key).digest()
    block = key.ljust(64, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in block)), hashlib.sha256(
        bytes(b ^ 0x5C for b in block)
    )


class Sealer:
    """Encryption, decryption and the blind index for many values in a row (a roster import:
    two numbers and a hash a member, 100,000 members), at about a third of Fernet's cost.

    What it makes is Fernet's token, byte for byte (version, timestamp, IV, AES-128-CBC of the
    PKCS7-padded value, HMAC-SHA256 over them, urlsafe base64) under the newest data key, and
    `Fernet.decrypt` reads it; tests compare the two given the same IV and time. The saving is
    Python's work around the primitives, not the cryptography: Fernet builds a padder, a
    `Cipher`, a CBC context and an HMAC object for every value, where this keeps one AES block
    encryptor and chains CBC itself (each block is AES of the plaintext block XOR the previous
    ciphertext block, the first XOR a fresh random IV from `os.urandom`, as CBC defines it), and
    copies one keyed HMAC prototype. A token it decrypts is checked as Fernet checks it (the
    HMAC compared in constant time first); one under an older key goes to `MultiFernet`.
    The timestamp is the sealer's creation time (Fernet takes the clock per value).

    Not thread-safe (the AES context is shared): one sealer per import, made by the thread
    that uses it."""

    def __init__(self) -> None:
        raw = base64.urlsafe_b64decode(settings.DATA_KEYS[0].encode())
        signing, encryption = raw[:16], raw[16:]
        aes = algorithms.AES(encryption)
        self._encrypt_block = Cipher(aes, modes.ECB()).encryptor().update
        self._decrypt_block = Cipher(aes, modes.ECB()).decryptor().update
        self._mac = hmac.new(signing, digestmod=hashlib.sha256)
        self._inner, self._outer = _hmac_halves(signing)
        self._index_inner, self._index_outer = _hmac_halves(_index_key())
        self._head = b"\x80" + int(time.time()).to_bytes(8, "big")

    def encrypt(self, value: str) -> str:
        if not value:
            return ""
        return self._seal(value.encode(), os.urandom(16)).decode()

    def _seal(self, data: bytes, iv: bytes) -> bytes:
        pad = 16 - len(data) % 16
        data += bytes((pad,)) * pad
        previous = int.from_bytes(iv, "big")
        blocks = []
        for i in range(0, len(data), 16):
            block = (int.from_bytes(data[i : i + 16], "big") ^ previous).to_bytes(16, "big")
            cipher = self._encrypt_block(block)
            previous = int.from_bytes(cipher, "big")
            blocks.append(cipher)
        parts = self._head + iv + b"".join(blocks)
        mac = self._mac.copy()
        mac.update(parts)
        return base64.urlsafe_b64encode(parts + mac.digest())

    def encrypt_many(self, values: Sequence[str]) -> list[str]:
        """`encrypt` for many values: the same tokens (each value its own random IV), made with
        CBC's rounds run for all values of one length together (the k-th blocks of every value,
        XORed with the blocks before them as one large integer, encrypted in one call), each
        token's HMAC from copies of SHA-256 keyed once (HMAC's inner and outer hashes, as RFC
        2104 defines them) and its base64 by `binascii`. What a roster import pays per value
        drops to the slicing, the two hashes and the base64 of its token."""
        return self._seal_many(values, os.urandom)

    def _seal_many(self, values: Sequence[str], random: Callable[[int], bytes]) -> list[str]:
        tokens = [""] * len(values)
        by_blocks: dict[int, list[tuple[int, bytes]]] = {}
        for i, value in enumerate(values):
            if value:
                data = value.encode()
                data += _PADDING[16 - len(data) % 16]
                by_blocks.setdefault(len(data) // 16, []).append((i, data))
        head, inner, outer = self._head, self._inner, self._outer
        for blocks, group in by_blocks.items():
            size = 16 * len(group)
            ivs = random(size)
            rounds, previous = [], ivs
            for k in range(0, 16 * blocks, 16):
                plain = b"".join([data[k : k + 16] for _, data in group])
                mixed = int.from_bytes(plain, "big") ^ int.from_bytes(previous, "big")
                previous = self._encrypt_block(mixed.to_bytes(size, "big"))
                rounds.append(previous)
            for j, (i, _) in enumerate(group):
                at = 16 * j
                parts = head + ivs[at : at + 16] + b"".join([r[at : at + 16] for r in rounds])
                mac = inner.copy()
                mac.update(parts)
                signed = outer.copy()
                signed.update(mac.digest())
                token = binascii.b2a_base64(parts + signed.digest(), newline=False)
                tokens[i] = token.translate(_URLSAFE).decode()
        return tokens

    def decrypt_many(self, tokens: Sequence[str]) -> list[str]:
        """`decrypt` for many tokens, the same values: each token's HMAC checked first (in
        constant time, from the keyed SHA-256 copies), then CBC undone for all tokens of one
        length together (their k-th blocks decrypted in one call, XORed with the blocks before
        them as one large integer). A token not of the newest key's making, or one whose HMAC
        does not match, goes to `decrypt`, which reads it or refuses it as Fernet does."""
        values = [""] * len(tokens)
        by_blocks: dict[int, list[tuple[int, bytes]]] = {}
        inner, outer = self._inner, self._outer
        for i, token in enumerate(tokens):
            if not token:
                continue
            try:
                data = base64.urlsafe_b64decode(token)
            except (TypeError, ValueError):
                data = b""
            body = data[:-32]
            if len(data) >= 73 and data[0] == 0x80 and not (len(body) - 25) % 16:
                mac = inner.copy()
                mac.update(body)
                signed = outer.copy()
                signed.update(mac.digest())
                if hmac.compare_digest(signed.digest(), data[-32:]):
                    by_blocks.setdefault((len(body) - 25) // 16, []).append((i, body))
                    continue
            values[i] = self.decrypt(token)
        for blocks, group in by_blocks.items():
            size = 16 * len(group)
            previous = b"".join([body[9:25] for _, body in group])  # the IVs
            rounds = []
            for k in range(25, 25 + 16 * blocks, 16):
                cipher = b"".join([body[k : k + 16] for _, body in group])
                mixed = int.from_bytes(self._decrypt_block(cipher), "big")
                rounds.append((mixed ^ int.from_bytes(previous, "big")).to_bytes(size, "big"))
                previous = cipher
            for j, (i, _) in enumerate(group):
                at = 16 * j
                padded = b"".join([r[at : at + 16] for r in rounds])
                pad = padded[-1]
                if not 1 <= pad <= 16 or padded[-pad:] != _PADDING[pad]:
                    raise InvalidToken
                values[i] = padded[:-pad].decode()
        return values

    def decrypt(self, token: str) -> str:
        if not token:
            return ""
        try:
            data = base64.urlsafe_b64decode(token.encode())
        except (TypeError, binascii.Error):
            data = b""
        body, signature = data[:-32], data[-32:]
        mac = self._mac.copy()
        mac.update(body)
        if len(data) < 73 or data[0] != 0x80 or (len(body) - 25) % 16:
            return decrypt(token)  # not a token of this key's making: Fernet says why
        if not hmac.compare_digest(mac.digest(), signature):
            return decrypt(token)  # an older key's, or forged: MultiFernet decides
        previous = int.from_bytes(body[9:25], "big")
        plain = []
        for i in range(25, len(body), 16):
            cipher = body[i : i + 16]
            clear = int.from_bytes(self._decrypt_block(cipher), "big") ^ previous
            plain.append(clear.to_bytes(16, "big"))
            previous = int.from_bytes(cipher, "big")
        padded = b"".join(plain)
        pad = padded[-1]
        if not 1 <= pad <= 16 or padded[-pad:] != bytes((pad,)) * pad:
            raise InvalidToken
        return padded[:-pad].decode()

    def blind_index(self, value: str) -> str:
        """`blind_index`, from copies of SHA-256 keyed once (HMAC's inner and outer hashes)."""
        mac = self._index_inner.copy()
        mac.update(value.upper().encode())
        signed = self._index_outer.copy()
        signed.update(mac.digest())
        return signed.hexdigest()


class EncryptedPhone:
    """For a model keeping a phone number encrypted in `phone_enc`: the number in full
    (`phone`, for whoever may see it: a printed contact card, the member's own record) and
    masked (`phone_masked`, for lists)."""

    phone_enc: Any

    @property
    def phone(self) -> str:
        return decrypt(self.phone_enc)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
