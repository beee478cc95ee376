"""Bursts and partial failures: a shared blocking Redis pool never turns load into "Redis is down", and a
failure reply never claims "nothing was recorded" when an answer was saved."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot import replies
from bot.clock import Clock
from bot.engine import Engine
from bot.redis_conn import RedisConnection
from bot.store import MemberRef, Store
from tests.bot.helpers import msg

ANSWERS = ("It sounds like the waiting has worn you down.", "You feel stuck between two choices.",
           "You're tired of being told what to do.", "It's been a long, lonely stretch for you.")


async def test_a_burst_through_a_small_pool_waits_instead_of_failing(redis_socket: str, tmp_path: Path,
                                                                      clock: Clock) -> None:
    """60 members answer at once through 4 connections: everyone gets feedback, nobody a store error."""
    connection = RedisConnection(f"unix://{redis_socket}", tmp_path, max_connections=4, pool_timeout=10)
    client = await connection.start()
    try:
        await client.flushdb()
        engine = Engine(Store(client), clock, rng=random.Random(5), default_tz="Europe/Berlin")
        members = [f"B{n}" for n in range(60)]
        await asyncio.gather(*(engine.handle(msg("drill reflection", user=m)) for m in members))
        answered = await asyncio.gather(*(engine.handle(msg(ANSWERS[n % 4], user=m))
                                          for n, m in enumerate(members)))
        texts = [r.text for rs in answered for r in rs]
        assert replies.STORE_DOWN not in texts
        assert all(len(rs) == 1 and rs[0].feedback is not None for rs in answered)
        for m in members:
            assert len(await engine.store.history(MemberRef("console", "local", m))) == 1
    finally:
        await connection.stop()


class _LosesTouchAfterSaving(Store):
    """Real Redis, but the connection drops right after the answer transaction (fault injection): the kept
    replies and the delivery report are written separately from the answer, and both fail."""

    async def keep_replies(self, member: MemberRef, message_id: str, token: str, payload: str) -> None:
        raise RedisConnectionError("connection lost")

    async def settle_delivery(self, member: MemberRef, message_id: str, token: str, outcome: str) -> None:
        raise RedisConnectionError("connection lost")


async def test_a_failure_after_saving_still_gives_the_feedback(redis: object, clock: Clock) -> None:
    store = _LosesTouchAfterSaving(redis)  # type: ignore[arg-type]
    engine = Engine(store, clock, rng=random.Random(2), default_tz="Europe/Berlin")
    await engine.handle(msg("drill reflection"))
    answer = msg("Why don't you just try harder?")
    [reply] = await engine.handle(answer)  # a revise: the drill stays open
    await engine.delivered(answer)
    assert reply.feedback is not None and reply.feedback.verdict == "revise"
    assert "nothing was recorded" not in reply.text
    assert len(await store.history(MemberRef("console", "local", "U1"))) == 1


class _FailsWhileSaving(Store):
    async def commit_answer(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
        raise RedisConnectionError("connection lost mid-transaction")


@pytest.mark.parametrize("answer", ["You feel stuck."])
async def test_a_failure_while_saving_does_not_claim_nothing_was_recorded(redis: object, clock: Clock,
                                                                          answer: str) -> None:
    store = _FailsWhileSaving(redis)  # type: ignore[arg-type]
    engine = Engine(store, clock, rng=random.Random(2), default_tz="Europe/Berlin")
    await engine.handle(msg("drill reflection"))
    [reply] = await engine.handle(msg(answer))
    assert reply.text == replies.SAVE_UNCONFIRMED
    [down] = await engine.handle(msg("drill"))  # nothing of an answer was attempted: the plain message
    assert down.drill is not None
