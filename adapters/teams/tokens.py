"""A gate in front of botbuilder's JWT check: forged tokens get 401, and key fetches never block the loop.

botbuilder validates the Bearer token itself, but a malformed or forged token raises errors other than
PermissionError (500 with a long traceback), and its signing-key fetch is a blocking `requests.get` with no
timeout, run on the event loop whenever its cache is a day old or a token names an unknown key. This gate
decodes the token's header first (401 when it is not a Bearer JWT naming a key), and keeps botbuilder's own
key cache fresh by running botbuilder's refresh in a worker thread under a timeout, so the SDK never needs
to fetch on the loop; a token signed with a key that is not in a fresh cache is refused here.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import jwt
from botframework.connector.auth import AuthenticationConstants, GovernmentConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

log = logging.getLogger(__name__)

_CHANNEL_ISSUERS = {
    AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER:
        AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
    GovernmentConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER:
        GovernmentConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
}
_AAD_PREFIXES = {
    "https://sts.windows.net/": AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
    "https://login.microsoftonline.com/": AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
    "https://login.microsoftonline.us/": GovernmentConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
}
FRESH_FOR = timedelta(hours=23)  # botbuilder refreshes (on the loop) after a day; we refresh first
UNKNOWN_KEY_RETRY = timedelta(hours=1)  # as botbuilder: an unknown key id refreshes at most hourly


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def metadata_url(issuer: Any) -> str | None:
    """The OpenID metadata botbuilder will read for this issuer (None: one botbuilder refuses unfetched)."""
    if not isinstance(issuer, str):
        return None
    if issuer in _CHANNEL_ISSUERS:
        return _CHANNEL_ISSUERS[issuer]
    return next((url for prefix, url in _AAD_PREFIXES.items() if issuer.startswith(prefix)), None)


class TokenGate:
    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, authorization: str) -> None:
        """Raise Refused unless the header carries a Bearer JWT whose signing key is known and fresh."""
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token.strip():
            raise Refused(401, "no Bearer token")
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise Refused(401, "malformed token") from None
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Refused(401, "token names no signing key")
        url = metadata_url(claims.get("iss"))
        if url is None:
            return  # botbuilder refuses issuers it does not know before fetching anything
        metadata = JwtTokenExtractor.get_open_id_metadata(url)
        now = datetime.now()
        if metadata.last_updated < now - FRESH_FOR or (
                not _has_key(metadata, kid) and metadata.last_updated < now - UNKNOWN_KEY_RETRY):
            await self._refresh(url, metadata)
        if metadata.last_updated < datetime.now() - FRESH_FOR:
            raise Refused(503, "signing keys unavailable")
        if not _has_key(metadata, kid):
            raise Refused(401, "unknown signing key")

    async def _refresh(self, url: str, metadata: Any) -> None:
        lock = self._locks.setdefault(url, asyncio.Lock())
        async with lock:
            if metadata.last_updated >= datetime.now() - timedelta(minutes=1):
                return  # another request just refreshed it
            try:
                await asyncio.wait_for(asyncio.to_thread(_refresh_in_thread, metadata), self.timeout)
            except Exception as error:  # network, HTTP or JSON: all mean "not now"
                log.warning("teams: could not refresh signing keys from %s: %s", url, type(error).__name__)


def _refresh_in_thread(metadata: Any) -> None:
    """botbuilder's own refresh (blocking `requests`), run to completion in a worker thread."""
    asyncio.run(metadata._refresh())


def _has_key(metadata: Any, kid: str) -> bool:
    return any(isinstance(key, dict) and key.get("kid") == kid for key in metadata.keys or [])
