"""Redis goes away mid role-play: a clear message, nothing counted, and the session resumes afterwards."""

from __future__ import annotations

import random

import redis.asyncio as aioredis

from bot import replies
from bot.clock import Clock
from bot.engine import Engine
from bot.store import Store
from tests.bot.helpers import msg
from tests.bot.test_redis_outage import redis_process  # noqa: F401 (fixture)
from tests.exercises.roleplay.scripts import REFLECTIVE
from tests.redis_process import RedisProcess


async def test_outage_mid_session_then_resume(redis_process: RedisProcess) -> None:  # noqa: F811
    client = aioredis.from_url(f"redis://127.0.0.1:{redis_process.port}/0", decode_responses=True,
                               socket_timeout=2, socket_connect_timeout=1)
    engine = Engine(Store(client), Clock(), rng=random.Random(1))
    try:
        await engine.handle(msg("roleplay inhaler seed 2"))
        [first] = await engine.handle(msg(REFLECTIVE[0]))
        assert first.extra["roleplay"]["turn"] == 1
        redis_process.kill()
        [down] = await engine.handle(msg(REFLECTIVE[1]))
        assert down.text.startswith(replies.STORE_DOWN[:30]) and "roleplay" not in down.extra
        redis_process.start()  # appendonly: the session survived the crash
        [again] = await engine.handle(msg(REFLECTIVE[1]))
        assert again.extra["roleplay"]["turn"] == 2
    finally:
        await client.aclose()
