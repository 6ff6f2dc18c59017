"""`pii.Sealer`, the roster import's encryption of many values: Fernet's own tokens, byte for
byte, at a third of the cost; what it cannot read under the newest key goes to Fernet."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.test import override_settings

from zhengxing.core import pii

A, B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
VALUES = ["", "1", "13800000000", "15082419740505808X", "0" * 15, "0" * 16, "0" * 17, "第三村" * 9]


@pytest.mark.parametrize("value", [v for v in VALUES if v])
def test_a_sealed_value_is_fernets_token_byte_for_byte(value: str) -> None:
    with override_settings(DATA_KEYS=[A]):
        sealer = pii.Sealer()
        iv = bytes(range(16))
        token = sealer._seal(value.encode(), iv)
        at = int.from_bytes(base64.urlsafe_b64decode(token)[1:9], "big")
        assert token == Fernet(A.encode())._encrypt_from_parts(value.encode(), at, iv)
        assert pii.decrypt(sealer.encrypt(value)) == value
        assert Fernet(A.encode()).decrypt(sealer.encrypt(value).encode()).decode() == value


def test_each_value_gets_its_own_iv() -> None:
    with override_settings(DATA_KEYS=[A]):
        sealer = pii.Sealer()
        assert sealer.encrypt("13800000000") != sealer.encrypt("13800000000")
        assert sealer.encrypt("") == ""


@pytest.mark.parametrize("value", VALUES)
def test_the_sealer_reads_what_fernet_wrote_under_any_current_key(value: str) -> None:
    with override_settings(DATA_KEYS=[A]):
        by_a = pii.encrypt(value)
    with override_settings(DATA_KEYS=[B, A]):
        sealer = pii.Sealer()
        assert sealer.decrypt(pii.encrypt(value)) == value  # the newest key: its own path
        assert sealer.decrypt(by_a) == value  # an older key: MultiFernet


def test_a_forged_or_foreign_token_is_refused_as_fernet_refuses_it() -> None:
    with override_settings(DATA_KEYS=[A]):
        token = pii.encrypt("13800000000")
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[30] ^= 1  # a ciphertext bit flipped: the HMAC no longer matches
    forged = base64.urlsafe_b64encode(bytes(raw)).decode()
    with override_settings(DATA_KEYS=[B]):
        sealer = pii.Sealer()
        for bad in (token, forged, "not a token", token[:40]):
            with pytest.raises(InvalidToken):
                sealer.decrypt(bad)
    with override_settings(DATA_KEYS=[A]), pytest.raises(InvalidToken):
        pii.Sealer().decrypt(forged)


def test_the_sealers_blind_index_is_the_blind_index() -> None:
    sealer = pii.Sealer()
    for value in ("15082419740505808x", "15082419740505808X", "110101199003074514"):
        assert sealer.blind_index(value) == pii.blind_index(value)


def test_values_sealed_together_are_fernets_tokens_byte_for_byte() -> None:
    """`encrypt_many` runs CBC's rounds for all values of one length at once and keys HMAC
    from SHA-256 itself: given the same IVs and time, Fernet's own tokens, in the values' order,
    the empty ones empty."""
    values = [v for v in VALUES for _ in range(3)] + ["13800000000", "", "第三村"]
    with override_settings(DATA_KEYS=[A]):
        sealer = pii.Sealer()
        drawn: list[bytes] = []

        def random(n: int) -> bytes:
            drawn.append(bytes((len(drawn) * 7 + i) % 256 for i in range(n)))
            return drawn[-1]

        tokens = sealer._seal_many(values, random)
        at = int.from_bytes(sealer._head[1:], "big")
        fernet = Fernet(A.encode())
        ivs = iter(b"".join(drawn)[i : i + 16] for i in range(0, len(b"".join(drawn)), 16))
        by_length: dict[int, list[int]] = {}
        for i, v in enumerate(values):
            if v:
                by_length.setdefault(len(v.encode()) // 16, []).append(i)
        expected = [""] * len(values)
        for group in by_length.values():  # the IVs were drawn a length at a time, in order
            for i in group:
                token = fernet._encrypt_from_parts(values[i].encode(), at, next(ivs))
                expected[i] = token.decode()
        assert tokens == expected
        assert [pii.decrypt(t) for t in sealer.encrypt_many(values)] == values
        assert len(set(sealer.encrypt_many(["13800000000"] * 5))) == 5  # an IV each


def test_tokens_read_together_as_one_by_one() -> None:
    """`decrypt_many` reads what Fernet and the sealer wrote under the newest key, hands an older
    key's token to MultiFernet, and refuses a forged one as `decrypt` does."""
    with override_settings(DATA_KEYS=[A]):
        by_a = [pii.encrypt(v) for v in VALUES]
    with override_settings(DATA_KEYS=[B, A]):
        sealer = pii.Sealer()
        tokens = [pii.encrypt(v) for v in VALUES] + sealer.encrypt_many(VALUES) + by_a
        assert sealer.decrypt_many(tokens) == VALUES * 3
        raw = bytearray(base64.urlsafe_b64decode(tokens[2]))
        raw[30] ^= 1
        forged = base64.urlsafe_b64encode(bytes(raw)).decode()
        for bad in (forged, "not a token", tokens[2][:40]):
            with pytest.raises(InvalidToken):
                sealer.decrypt_many([tokens[1], bad])


def test_the_sealers_blind_index_under_a_key_longer_than_a_block() -> None:
    """HMAC hashes a key longer than SHA-256's 64-byte block first (RFC 2104): so does the
    sealer's keyed copy."""
    from unittest import mock

    for key in (b"k" * 32, b"k" * 64, b"k" * 65, b"k" * 100):
        with mock.patch.object(pii, "_index_key", lambda key=key: key):
            sealer = pii.Sealer()
            for value in ("15082419740505808x", "110101199003074514"):
                expected = hmac.new(key, value.upper().encode(), hashlib.sha256).hexdigest()
                assert sealer.blind_index(value) == expected
