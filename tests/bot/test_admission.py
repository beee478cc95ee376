"""Past capacity, messages wait their turn or are turned away politely, never with a false error (#17)."""

from __future__ import annotations

import asyncio
import random
import time

import pytest
import redis.asyncio as aioredis

from bot import replies
from bot.admission import Admission, Busy, arrived
from bot.clock import Clock
from bot.engine import Engine
from bot.store import Store
from tests.bot.helpers import msg


async def test_at_most_limit_inside_and_the_rest_wait_in_order() -> None:
    admission = Admission(limit=2, max_wait=60)
    inside: list[int] = []
    order: list[int] = []

    async def one(number: int) -> None:
        async with admission.slot():
            order.append(number)
            inside.append(admission.inside)
            await asyncio.sleep(0.01)

    await asyncio.gather(*(one(n) for n in range(6)))
    assert max(inside) == 2
    assert order == list(range(6))
    assert admission.inside == 0 and admission.waiting == 0


async def test_a_message_expected_to_wait_too_long_is_turned_away_at_once() -> None:
    admission = Admission(limit=1, max_wait=0.5)
    admission.seconds_per_message = 1.0
    admission._measured = True
    async with admission.slot():
        assert admission.expected_wait() == 1.0
        started = time.monotonic()
        with pytest.raises(Busy):
            async with admission.slot():
                pass
        assert time.monotonic() - started < 0.1
    async with admission.slot():  # free again: admitted
        pass


async def test_time_already_spent_before_the_engine_counts() -> None:
    admission = Admission(limit=4, max_wait=5)
    token = arrived.set(time.monotonic() - 6)
    try:
        with pytest.raises(Busy):
            async with admission.slot():
                pass
        arrived.set(time.monotonic() - 1)
        async with admission.slot():
            pass
    finally:
        arrived.reset(token)


async def test_a_turned_away_message_gets_the_busy_reply_and_nothing_is_recorded(
        redis: aioredis.Redis, clock: Clock) -> None:
    engine = Engine(Store(redis), clock, rng=random.Random(7), admission=Admission(limit=1, max_wait=0.5))
    engine.admission.seconds_per_message = 1.0
    engine.admission._measured = True
    async with engine.admission.slot():  # the engine is full
        answer = await engine.handle(msg("drill reflection", user="U9"))
    assert [r.text for r in answer] == [replies.BUSY]
    assert "a lot of" in replies.BUSY and "send it again" in replies.BUSY
    assert [key async for key in redis.scan_iter(match="*U9*")] == []
    after = await engine.handle(msg("drill reflection", user="U9"))  # room again: handled as usual
    assert after and after[0].drill is not None
