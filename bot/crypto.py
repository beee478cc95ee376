"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) keyed by OARS_SECRET_KEY.

OARS_SECRET_KEY holds one Fernet key, or several comma-separated: the first encrypts, every one decrypts
(MultiFernet). To rotate, put a new key first: every installation saved from then on (a new install, a
token refresh) is encrypted with it, and old ones still open; drop the old key once nothing needs it.
A token that no key opens is treated as missing (the workspace has to be installed again) rather than
crashing a request.
"""

from __future__ import annotations

import logging
from typing import Any

# cryptography is imported where a key is used: only Slack OAuth installs need it, and loading it costs a
# single-workspace `oars serve` 9 MiB of resident memory for nothing (#17).

log = logging.getLogger(__name__)
PREFIX = "fernet:"  # marks an encrypted value, so a plaintext token can never be mistaken for one


class SecretKeyError(ValueError):
    """OARS_SECRET_KEY is missing or not a list of Fernet keys."""


def generate_key() -> str:
    """A fresh key for OARS_SECRET_KEY (url-safe base64 of 32 random bytes)."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


class TokenCipher:
    """Encrypts and decrypts short secrets (bot tokens, refresh tokens) with the configured keys."""

    def __init__(self, secret_keys: str) -> None:
        from cryptography.fernet import Fernet, MultiFernet

        keys = [k.strip() for k in (secret_keys or "").split(",") if k.strip()]
        if not keys:
            raise SecretKeyError("OARS_SECRET_KEY is not set: Slack OAuth installs need it to encrypt tokens "
                                 "(README, Deployment, shows how to generate one)")
        try:
            self._fernet: Any = MultiFernet([Fernet(k.encode()) for k in keys])
        except (ValueError, TypeError) as exc:
            raise SecretKeyError("OARS_SECRET_KEY must be Fernet keys (32 url-safe base64 bytes), "
                                 "comma-separated") from exc

    def encrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        """The plaintext, or None when the value is absent or no configured key opens it."""
        if not value:
            return None
        if not value.startswith(PREFIX):
            log.warning("refusing an unencrypted secret found at rest")
            return None
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(value[len(PREFIX):].encode()).decode()
        except InvalidToken:
            log.error("a stored secret could not be decrypted with any OARS_SECRET_KEY key")
            return None
