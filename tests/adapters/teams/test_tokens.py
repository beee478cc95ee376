"""Forged and malformed Bot Framework tokens: 401 and one short log line, never a 500 or a traceback, and
no signing-key fetch on the event loop (the key cache is seeded here, so nothing leaves the machine)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import aiohttp
import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from adapters.teams import TeamsAdapter
from bot.app import OarsApp
from tests.adapters.teams.conftest import MODULE_LOOP, teams_settings

pytestmark = MODULE_LOOP
APP_ID = "00000000-0000-0000-0000-000000000001"
BODY = {"type": "message", "id": "1", "serviceUrl": "http://127.0.0.1:9/", "channelId": "msteams",
        "from": {"id": "29:u"}, "conversation": {"id": "a:1", "conversationType": "personal"},
        "recipient": {"id": "28:b"}, "text": "drill"}


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KNOWN, OTHER = _key(), _key()


@pytest.fixture
def seeded_keys() -> Iterator[None]:
    """botbuilder's own key cache, filled with our key as if fetched a minute ago."""
    metadata = JwtTokenExtractor.get_open_id_metadata(AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL)
    saved = (metadata.keys, metadata.last_updated)
    jwk = json.loads(RSAAlgorithm.to_jwk(KNOWN.public_key()))
    metadata.keys = [{**jwk, "kid": "known", "endorsements": ["msteams"]}]
    metadata.last_updated = datetime.now()
    yield
    metadata.keys, metadata.last_updated = saved


def _token(key: rsa.RSAPrivateKey, kid: str) -> str:
    claims = {"iss": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER, "aud": APP_ID,
              "exp": int(time.time()) + 600, "nbf": int(time.time()) - 10, "serviceurl": BODY["serviceUrl"]}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@pytest.mark.parametrize("authorization", [
    "Bearer garbage",
    "Bearer " + "a" * 3000,
    "Basic dXNlcjpwYXNz",
    "Bearer " + _token(KNOWN, "someone-elses-key"),
    "Bearer " + _token(OTHER, "known"),  # a known key id, but not signed with that key
], ids=["garbage", "long", "basic", "unknown-key", "forged-signature"])
async def test_forged_tokens_get_401_and_one_short_line(oars: OarsApp, tmp_path: Path, seeded_keys: None,
                                                        caplog: pytest.LogCaptureFixture, authorization: str) -> None:
    settings = teams_settings(tmp_path, oars_teams_dev=False, microsoft_app_id=APP_ID,
                              microsoft_app_password="secret")
    adapter = TeamsAdapter(oars.engine, settings)
    app = web.Application()
    assert adapter.mount(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    caplog.set_level(logging.DEBUG)
    try:
        async with aiohttp.ClientSession() as http, http.post(
                f"http://127.0.0.1:{port}/api/messages", json=BODY,
                headers={"Authorization": authorization}) as response:
            assert response.status == 401
    finally:
        await runner.cleanup()
    assert not any(r.exc_info for r in caplog.records)
    assert sum(len(r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO) < 400
