"""Shared builders for the scheduling tests: an OarsApp on the session Redis and a recording platform."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import OarsApp
from bot.config import Settings
from bot.delivery import RateLimited, Target
from bot.messages import Reply

NOW = datetime.fromisoformat("2026-03-02T09:30:00+01:00")  # a Monday, 09:30 in Berlin


class FakePlatform:
    """A test double for Slack/Teams (not for Redis): records every accepted post.

    `rate_limit` / `fail` make the next N sends raise; `hang` blocks sends forever (a consumer that dies
    mid-delivery).
    """

    def __init__(self) -> None:
        self.sent: list[tuple[Target, Reply]] = []
        self.attempts = 0
        self.rate_limit = 0
        self.fail = 0
        self.hang = False
        self.times: list[float] = []

    async def send(self, target: Target, reply: Reply) -> str:
        self.attempts += 1
        if self.hang:
            await asyncio.Event().wait()
        if self.rate_limit:
            self.rate_limit -= 1
            raise RateLimited(0.05)
        if self.fail:
            self.fail -= 1
            raise RuntimeError("platform unavailable")
        self.sent.append((target, reply))
        self.times.append(asyncio.get_running_loop().time())
        return f"1700000000.{len(self.sent):06d}"

    async def find_sent(self, target: Target) -> str | None:
        """Like a platform without a lookup by our tag (Teams): a reclaimed entry is sent again."""
        return None


def settings_for(redis_socket: str, tmp_path: Path, now: datetime | None = NOW, **extra: Any) -> Settings:
    url = redis_socket if "://" in redis_socket else f"unix://{redis_socket}"  # a socket path, or a cluster URL
    values: dict[str, Any] = {"redis_url": url, "oars_data_dir": tmp_path, "oars_now": now,
                              "oars_lease_seconds": 1, "oars_default_tz": "Europe/Berlin"}
    values.update(extra)
    return Settings(**values)


async def start_app(redis_socket: str, tmp_path: Path, platform: FakePlatform, now: datetime | None = NOW,
                    **extra: Any) -> OarsApp:
    """One 'process': its own Redis client, engine and senders, sharing the session Redis."""
    oars = OarsApp(settings_for(redis_socket, tmp_path, now, **extra), rng=random.Random(3))
    await oars.start()
    oars.senders.register("slack", platform)
    oars.senders.register("teams", platform)
    return oars


async def eventually(check: Any, within: float = 30.0, every: float = 0.02) -> None:
    """Wait until `check()` (sync or async) is truthy; fail after `within` seconds.

    Returns as soon as the check holds, so the default deadline only bounds a failure: generous, because a
    loaded CI machine can take seconds for what takes milliseconds here."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(every)
