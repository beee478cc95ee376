"""`forget me` leaves nothing: after it, no Redis key or value anywhere names the member."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.messages import Inbound
from bot.outbox import Outbox, OutboxItem, enqueue
from bot.schedules import ScheduleStore, validate
from bot.store import MemberRef
from tests.bot.helpers import msg, traces
from tests.bot.sched_support import FakePlatform, start_app

USER, DM, TEAM = "U7FORGET", "D7FORGET", "T1"
GONE = MemberRef("slack", TEAM, USER)


def _say(text: str, **fields: Any) -> Inbound:
    defaults: dict[str, Any] = {"user": USER, "channel": DM}
    defaults.update(fields)
    return replace(msg(text, **defaults), platform="slack", workspace=TEAM)


async def test_forget_me_leaves_no_key_or_value_naming_the_member(redis_socket: str, tmp_path: Path, redis) -> None:
    platform = FakePlatform()
    oars = await start_app(redis_socket, tmp_path, platform)
    try:
        engine, store = oars.engine, oars.store
        for text in ("drill reflection", "You're worn out by the waiting.", "settings reminder 08:00", "streak"):
            message = _say(text)
            await engine.handle(message)
            await engine.delivered(message)
        thread_drill = next(d for d in engine.catalogue.drills.values() if not d.one_click)
        await store.remember_thread_drill("slack", TEAM, "C1", "1700.1", thread_drill.id)
        await engine.handle(_say("You're torn about it.", channel="C1", thread="1700.1", is_direct=False))
        await ScheduleStore(redis).add("slack", TEAM, "C1", validate("09:30", "UTC"), created_by=USER)
        item = OutboxItem("reminder", GONE.pid, "slack", TEAM, DM, USER, "", "2026-03-02T07:00:00+00:00",
                          "2026-03-02")
        outbox = Outbox(redis, engine, oars.senders, "a", pace={}, min_idle_ms=0, max_attempts=1)
        await outbox.ensure_group()
        await enqueue(redis, f"oars:{{outbox}}:fired:reminder:{GONE.pid}:2026-03-02", item)
        assert await outbox.drain() == 1  # delivered
        platform.fail = 1
        await enqueue(redis, f"oars:{{outbox}}:fired:reminder:{GONE.pid}:2026-03-03", item)
        await outbox.drain()  # failed once with max_attempts=1: dead-lettered
        await enqueue(redis, f"oars:{{outbox}}:fired:reminder:{GONE.pid}:2026-03-04", item)  # still pending
        assert await traces(redis, USER, DM)

        for text in ("forget me", "yes"):
            message = _say(text)
            await engine.handle(message)
            await engine.delivered(message)

        assert await traces(redis, USER, DM) == []
        assert await ScheduleStore(redis).all()  # the channel's schedule stays, anonymous
    finally:
        await oars.stop()


async def test_forget_me_leaves_the_disk_too(tmp_path: Path) -> None:
    """Deleted keys live on in the append-only file until it is rewritten: forget asks for the rewrite."""
    import asyncio

    from bot.redis_conn import RedisConnection
    from bot.store import Store

    connection = RedisConnection(None, tmp_path)
    client = await connection.start()
    try:
        store = Store(client)
        secret = "zebra-lantern-forget-test"
        await client.hset(store.key(GONE, "profile"), "note", secret)

        def on_disk() -> bool:
            return any(secret.encode() in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())

        assert on_disk()
        await store.forget(GONE)
        for _ in range(200):
            info = await client.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["rdb_bgsave_in_progress"] and not on_disk():
                break
            await asyncio.sleep(0.05)
        assert not on_disk()
    finally:
        await connection.stop()
