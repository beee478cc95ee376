"""Hostile and malformed requests at POST /slack/events: a 4xx, one short log line, nothing handled."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from urllib.parse import urlencode

import pytest

from tests.adapters.slack.conftest import SECRET, TEAM, SlackEnv

FORM = "application/x-www-form-urlencoded"


def _signed(body: bytes, content_type: str, timestamp: str | None = None) -> dict[str, str]:
    ts = timestamp if timestamp is not None else str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


async def _post(env: SlackEnv, body: bytes, headers: dict[str, str]) -> int:
    async with env.session.post(f"{env.url}/slack/events", data=body, headers=headers) as response:
        return response.status


CASES = [
    ("bad JSON", b'{"type": "event_callback", ', "application/json", 400),
    ("JSON that is not an object", b"[1, 2]", "application/json", 400),
    ("non-UTF-8", b'{"a": "\xff\xfe"}', "application/json", 400),
    ("payload=garbage", b"payload=garbage", FORM, 400),
    ("slash command without user", urlencode({"command": "/oars", "text": "drill", "team_id": TEAM}).encode(),
     FORM, 400),
]


@pytest.mark.parametrize(("what", "body", "content_type", "status"), CASES, ids=[c[0] for c in CASES])
async def test_malformed_signed_bodies_get_a_4xx_and_one_short_line(
        slack_env: SlackEnv, caplog: pytest.LogCaptureFixture, what: str, body: bytes, content_type: str,
        status: int) -> None:
    caplog.set_level(logging.DEBUG)
    assert await _post(slack_env, body, _signed(body, content_type)) == status
    assert not any(r.exc_info for r in caplog.records), what
    assert sum(len(r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO) < 400
    assert not slack_env.fake.sent()


async def test_non_numeric_timestamp_is_401(slack_env: SlackEnv) -> None:
    body = b"command=%2Foars&text=drill"
    headers = _signed(body, FORM, timestamp="12ab")
    assert await _post(slack_env, body, headers) == 401


async def test_a_bad_signature_never_logs_the_body(slack_env: SlackEnv, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = b"x" * 200_000
    headers = _signed(body, FORM)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert await _post(slack_env, body, headers) == 401
    assert sum(len(r.getMessage()) for r in caplog.records) < 1_000
