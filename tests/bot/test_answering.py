"""Answers under concurrency and crashes, on real Redis: never past the attempt limit, never lost, never
doubled, and cheap in round trips."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.connection import UnixDomainSocketConnection

from bot.clock import Clock
from bot.engine import MAX_ATTEMPTS, Engine
from bot.store import MemberRef, Store
from tests.bot.helpers import msg

ANA = MemberRef("console", "local", "U1")
WEAK = "Why don't you just talk to your manager about it?"


class CountingConnection(UnixDomainSocketConnection):
    """Counts round trips: every request (a command or a whole pipeline) is one packed send."""

    sends = 0

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        CountingConnection.sends += 1
        await super().send_packed_command(command, check_health)


async def _open(engine: Engine, kind: str) -> None:
    [drill] = await engine.handle(msg(f"drill {kind}"))
    assert drill.drill is not None


async def test_concurrent_one_click_answers_count_once(engine: Engine, store: Store) -> None:
    await _open(engine, "pick_response")
    results = await asyncio.gather(*(engine.handle(msg(action="choice:0")) for _ in range(6)))
    counted = [r for [r] in results if r.feedback is not None]
    assert len(counted) == 1
    assert len(await store.history(ANA)) == 1
    assert await store.open_drill(ANA) is None


async def test_concurrent_answers_never_pass_the_attempt_limit_or_reopen(engine: Engine, store: Store) -> None:
    await _open(engine, "reflection")
    results = await asyncio.gather(*(engine.handle(msg(WEAK)) for _ in range(8)))
    counted = [r for [r] in results if r.feedback is not None]
    assert 1 <= len(counted) <= MAX_ATTEMPTS
    assert len(await store.history(ANA)) == len(counted)
    assert sum(s.attempts for s in (await store.skills(ANA)).values()) == len(counted)
    left = await store.open_drill(ANA)
    assert left is None or left.attempts == len(counted) < MAX_ATTEMPTS
    if len(counted) == MAX_ATTEMPTS:
        assert await store.open_drill(ANA) is None


async def test_concurrent_answers_to_different_drills_all_count(engine: Engine, store: Store) -> None:
    await _open(engine, "reflection")
    thread_drill = next(d for d in engine.catalogue.drills.values() if not d.one_click)
    await store.remember_thread_drill("console", "local", "C1", "t1", thread_drill.id)
    thread_answers = [msg("You're torn about it.", channel="C1", thread="t1", is_direct=False) for _ in range(5)]
    results = await asyncio.gather(*(engine.handle(m) for m in [msg(WEAK), *thread_answers]))
    assert all(r.feedback is not None for [r] in results)
    assert len(await store.history(ANA, limit=50)) == 6
    assert sum(s.attempts for s in (await store.skills(ANA)).values()) == 6


async def test_an_answer_takes_at_most_three_round_trips(redis_socket: str, clock: Clock) -> None:
    pool = aioredis.ConnectionPool(connection_class=CountingConnection, path=redis_socket, decode_responses=True)
    client = aioredis.Redis(connection_pool=pool)
    await client.flushdb()
    engine = Engine(Store(client), clock, rng=random.Random(7), default_tz="Europe/Berlin")
    for text in ("drill reflection", "You're tired of waiting.", "drill reflection"):  # warm: encoder loaded
        first = msg(text)
        await engine.handle(first)
        await engine.delivered(first)
    answer = msg("You're worn out by all the waiting.")
    CountingConnection.sends = 0
    [feedback] = await engine.handle(answer)
    await engine.delivered(answer)
    assert feedback.feedback is not None
    assert CountingConnection.sends <= 3  # claim and state, the commit, the settled delivery
    await client.aclose()


async def test_a_claim_dies_with_its_holder_and_the_redelivery_is_answered(redis: aioredis.Redis,
                                                                           clock: Clock) -> None:
    store = Store(redis, lease_ms=300)
    engine = Engine(store, clock, rng=random.Random(7), default_tz="Europe/Berlin")
    await engine.handle(msg("drill reflection"))
    answer = msg("You're worn out by all the waiting.", message_id="crash-1")
    assert await store.claim_delivery(ANA, "crash-1", "dead-process")  # claimed, then killed: never renewed
    assert await engine.handle(answer) == []  # the holder might still be working
    await asyncio.sleep(0.4)
    [feedback] = await engine.handle(answer)
    assert feedback.feedback is not None
    assert len(await store.history(ANA)) == 1


async def test_replies_kept_before_a_crash_are_replayed_once(redis: aioredis.Redis, clock: Clock) -> None:
    store = Store(redis, lease_ms=300)
    engine = Engine(store, clock, rng=random.Random(7), default_tz="Europe/Berlin")
    await engine.handle(msg("drill reflection"))
    answer = msg("You're worn out by all the waiting.", message_id="crash-2")
    first = await engine.handle(answer)
    await store.leases.close()  # the process dies before the send: nobody renews the claim
    await asyncio.sleep(0.4)
    assert await engine.handle(answer) == first
    await engine.delivered(answer)
    await asyncio.sleep(0.4)
    assert await engine.handle(answer) == []  # sent: silent for good
    assert len(await store.history(ANA)) == 1


async def test_a_live_holder_keeps_its_claim_by_renewing(redis: aioredis.Redis, clock: Clock) -> None:
    store = Store(redis, lease_ms=300)
    engine = Engine(store, clock, rng=random.Random(7), default_tz="Europe/Berlin")
    answer = msg("streak", message_id="slow-1")
    [streak] = await engine.handle(answer)
    assert streak.streak is not None
    await asyncio.sleep(0.8)  # several lease lengths: the renewals keep it
    assert await engine.handle(answer) == []
    await store.leases.close()
