"""Redis goes away and comes back: the member gets a clear message, nothing crashes, service recovers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from bot import replies
from bot.clock import Clock
from bot.engine import Engine
from bot.store import Store
from tests.bot.helpers import msg
from tests.redis_process import RedisProcess


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.kill()


async def test_store_outage_gives_a_clear_message_and_recovers(redis_process: RedisProcess) -> None:
    client = aioredis.from_url(f"redis://127.0.0.1:{redis_process.port}/0", decode_responses=True,
                               socket_timeout=2, socket_connect_timeout=1)
    engine = Engine(Store(client), Clock(), rng=random.Random(1))
    try:
        [drill] = await engine.handle(msg("drill reflection"))
        assert drill.drill is not None

        redis_process.kill()
        [down] = await engine.handle(msg("You sound stretched thin."))
        assert down.text == replies.STORE_DOWN
        [still_down] = await engine.handle(msg("streak"))
        assert still_down.text == replies.STORE_DOWN

        redis_process.start()  # appendonly: the open drill survived the crash
        [feedback] = await engine.handle(msg("You sound stretched thin."))
        assert feedback.feedback is not None
    finally:
        await client.aclose()
