"""Helpers for the OAuth tests: a whole `oars serve` Slack side in OAuth mode, installs through the browser flow."""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from adapters.slack import SlackAdapter
from bot.app import OarsApp
from bot.config import Settings
from tests.adapters.slack.conftest import SECRET, make_settings, signed_headers
from tests.adapters.slack.fake_slack import FakeSlack

KEY_OLD = "nm9Xdd7D5e6y4ym5p2ugCXXJvc3XvDScKsVcC8iJTUw="
KEY_NEW = "3o0D1yJHnVafL0bK4XKp1L8r5d7m4gqk2SgE1LhyNxU="


def oauth_settings(tmp_path: Path, fake: FakeSlack, redis_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"slack_bot_token": None, "slack_client_id": fake.client_id,
                              "slack_client_secret": fake.client_secret, "oars_secret_key": KEY_NEW, **overrides}
    return make_settings(tmp_path, fake, redis_url, **values)


@dataclass
class Process:
    """One web process: its own OarsApp (engine, Redis pool) and Slack adapter on a local port."""

    url: str
    oars: OarsApp
    adapter: SlackAdapter
    session: aiohttp.ClientSession

    async def install(self, team: str, finish_on: Process | None = None) -> int:
        """Open /slack/install here, approve in "Slack", land on /slack/oauth_redirect (maybe on another process)."""
        async with self.session.get(f"{self.url}/slack/install") as resp:
            page = await resp.text()
            cookie = resp.headers.get("Set-Cookie", "")
        found = re.search(r"state=([A-Za-z0-9_\-]+)", page)
        assert found, page
        state = found.group(1)
        target = finish_on or self
        async with self.session.get(f"{target.url}/slack/oauth_redirect",
                                    params={"code": f"code-{team}", "state": state},
                                    headers={"Cookie": cookie.split(";")[0]}) as resp:
            await resp.read()
            return resp.status

    async def event(self, team: str, event: dict[str, Any], event_id: str, **body: Any) -> int:
        payload = json.dumps({"token": "x", "team_id": team, "api_app_id": "A1", "event": event,
                              "type": "event_callback", "event_id": event_id, "event_time": int(time.time()),
                              "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}], **body})
        async with self.session.post(f"{self.url}/slack/events", data=payload.encode(),
                                     headers=signed_headers(payload, "application/json", SECRET)) as resp:
            return resp.status


def dm(user: str, text: str, ts: str) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "channel": f"D{user}", "user": user, "text": text, "ts": ts,
            "client_msg_id": f"m-{user}-{ts}"}


@asynccontextmanager
async def process(settings: Settings) -> AsyncIterator[Process]:
    oars = OarsApp(settings, rng=random.Random(5))
    engine = await oars.start()
    adapter = SlackAdapter(engine, settings)
    oars.senders.register("slack", adapter.sender())
    web_app = web.Application()
    adapter.mount(web_app)
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        async with aiohttp.ClientSession() as session:
            yield Process(f"http://127.0.0.1:{runner.addresses[0][1]}", oars, adapter, session)
    finally:
        await runner.cleanup()
        await adapter.close()
        await oars.stop()
