"""Fixtures: embedded Redis via OarsApp, the fake connector, and the Teams endpoint on a real port.

Test modules here declare `pytestmark = MODULE_LOOP`: they share their module's event loop, so one
embedded Redis serves the whole module (starting and stopping one costs about 2 s).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from adapters.teams import TeamsAdapter
from adapters.teams.delivery import Outbox
from bot.app import OarsApp
from bot.config import Settings
from tests.adapters.teams.fake_connector import FakeConnector

TENANT = "tenant-1"
BOT_ID = "28:oars-bot"
USER_AAD = "aad-user-1"
_ids = itertools.count(1000)
MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")


def teams_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": None, "oars_data_dir": tmp_path / "data", "oars_teams_dev": True,
        "microsoft_app_id": "", "microsoft_app_password": "", "microsoft_app_tenant_id": "",
        "microsoft_app_type": "MultiTenant", "oars_managers": "",
    }
    values.update(overrides)
    return Settings(**values)


def activity(service_url: str, text: str | None = "", *, id: str | None = None, kind: str = "personal",
             conversation_id: str | None = None, user: str = USER_AAD, value: dict[str, Any] | None = None,
             entities: list[dict[str, Any]] | None = None, type: str = "message", **extra: Any) -> dict[str, Any]:
    """An activity shaped as Teams sends it to the bot."""
    conversation_id = conversation_id or (f"a:personal-{user}" if kind == "personal" else "19:team-chan@thread.tacv2")
    body: dict[str, Any] = {
        "type": type,
        "id": id or f"1700000000{next(_ids)}",
        "timestamp": "2025-03-03T09:00:00.000Z",
        "localTimestamp": "2025-03-03T10:00:00.000+01:00",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:{user}", "name": "Robin Example", "aadObjectId": user},
        "conversation": {"id": conversation_id, "conversationType": kind, "tenantId": TENANT,
                         **({"isGroup": True} if kind != "personal" else {})},
        "recipient": {"id": BOT_ID, "name": "OARS"},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "en-US",
        "localTimezone": "Europe/Berlin",
        **extra,
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    if entities is not None:
        body["entities"] = entities
    return body


@dataclass
class TeamsHarness:
    oars: OarsApp
    adapter: TeamsAdapter
    connector: FakeConnector
    http: aiohttp.ClientSession
    url: str

    async def post(self, body: Any, raw: bytes | None = None, headers: dict[str, str] | None = None) -> int:
        async with self.http.post(self.url, json=None if raw is not None else body, data=raw,
                                  headers=headers) as response:
            return response.status

    def activity(self, text: str | None = "", **kwargs: Any) -> dict[str, Any]:
        return activity(self.connector.url, text, **kwargs)

    async def say(self, text: str | None = "", **kwargs: Any) -> list[Any]:
        """Post one activity; return the connector posts it caused."""
        before = len(self.connector.posts)
        status = await self.post(self.activity(text, **kwargs))
        assert status in (200, 201), status
        return self.connector.posts[before:]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def oars(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[OarsApp]:
    """One embedded Redis per module (starting and stopping one costs ~2 s); flushed before each test."""
    app = OarsApp(teams_settings(tmp_path_factory.mktemp("teams")), rng=random.Random(1234))
    await app.start()
    yield app
    await app.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    yield fake
    await fake.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def teams(oars: OarsApp, connector: FakeConnector) -> AsyncIterator[TeamsHarness]:
    await oars.store.redis.flushdb()
    oars.engine.rng.seed(1234)  # deterministic drills whatever ran before
    settings = oars.settings
    engine = oars.engine
    adapter = TeamsAdapter(engine, settings, outbox=Outbox(base_delay=0.01, max_delay=0.05))
    app = web.Application()
    assert adapter.mount(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as http:
        yield TeamsHarness(oars, adapter, connector, http, f"http://127.0.0.1:{port}/api/messages")
    await runner.cleanup()
    await adapter.close()
