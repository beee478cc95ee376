"""Tokens at rest: Fernet with OARS_SECRET_KEY, several keys for rotation, nothing readable without a key."""

from __future__ import annotations

import pytest

from bot.crypto import SecretKeyError, TokenCipher, generate_key


def test_round_trip_and_the_ciphertext_hides_the_token() -> None:
    cipher = TokenCipher(generate_key())
    sealed = cipher.encrypt("xoxb-123-secret")
    assert sealed is not None and "xoxb" not in sealed
    assert cipher.decrypt(sealed) == "xoxb-123-secret"
    assert cipher.encrypt(None) is None and cipher.decrypt(None) is None


def test_rotation_new_key_first_old_values_still_open_new_values_use_the_new_key() -> None:
    old, new = generate_key(), generate_key()
    sealed_old = TokenCipher(old).encrypt("xoxe-refresh")
    both = TokenCipher(f"{new}, {old}")
    assert both.decrypt(sealed_old) == "xoxe-refresh"
    assert TokenCipher(new).decrypt(both.encrypt("xoxb-fresh")) == "xoxb-fresh"


def test_a_value_no_key_opens_or_a_plaintext_token_reads_as_missing() -> None:
    cipher = TokenCipher(generate_key())
    assert cipher.decrypt(TokenCipher(generate_key()).encrypt("xoxb-1")) is None
    assert cipher.decrypt("xoxb-plaintext") is None


@pytest.mark.parametrize("value", ["", " , ", "not-a-fernet-key"])
def test_missing_or_malformed_keys_are_refused(value: str) -> None:
    with pytest.raises(SecretKeyError):
        TokenCipher(value)
