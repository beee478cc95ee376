"""Uninstall means gone: after `app_uninstalled` / `tokens_revoked` no key of that workspace is left in Redis."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import redis as sync_redis

from bot.outbox import DEAD_STREAM, REMINDER_FIRING, STREAM, OutboxItem, enqueue, fired_key_for
from bot.schedules import ScheduleStore, validate
from bot.store import MemberRef
from bot.team_data import posts_key
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.oauth_support import Process, dm, oauth_settings, process


async def give_workspace_data(one: Process, team: str, n: int) -> None:
    """Everything a workspace accumulates: members (with a reminder), a schedule, outbox entries, threads, posts."""
    assert await one.event(team, dm(f"U{team}1", "drill", f"{n}.1"), f"Ev{team}1") == 200
    assert await one.event(team, dm(f"U{team}1", "settings reminder 09:00", f"{n}.2"), f"Ev{team}2") == 200
    redis, store = one.oars.store.redis, one.oars.store
    schedule = await ScheduleStore(redis).add("slack", team, f"C{team}", validate("09:30", "UTC"), f"U{team}1")
    await enqueue(redis, fired_key_for(schedule.id, "2026-03-02"),
                  OutboxItem("channel", schedule.id, "slack", team, channel=f"C{team}", due="2026-03-02T09:30:00Z"))
    member = MemberRef("slack", team, f"U{team}1")
    await enqueue(redis, fired_key_for(REMINDER_FIRING + member.pid, "2026-03-02"),
                  OutboxItem("reminder", member.pid, "slack", team, user=f"U{team}1", due="2026-03-02T09:00:00Z"))
    await redis.xadd(DEAD_STREAM, {"platform": "slack", "workspace": team, "kind": "channel", "key": schedule.id})
    await store.remember_thread_drill("slack", team, f"C{team}", "1700000000.1", "d1")
    await redis.zadd(posts_key("slack", team), {f"C{team}|1700000000.1|d1": time.time()})


def workspace_traces(redis_url: str, team: str) -> list[str]:
    """Every key naming the workspace, every index entry and stream entry pointing into it."""
    with sync_redis.Redis.from_url(redis_url, decode_responses=True) as client:
        found = [k for k in client.scan_iter("*", count=1000) if team in k]
        found += [f"reminder {m}" for m in client.smembers("oars:reminders") if team in m]
        for stream in (STREAM, DEAD_STREAM):
            if client.exists(stream):
                found += [f"{stream} {i}" for i, f in client.xrange(stream) if f.get("workspace") == team]
        for schedule_id in client.smembers("oars:schedules"):
            if client.hget(f"oars:schedule:{schedule_id}", "workspace") in (team, None):
                found.append(f"schedule {schedule_id}")
        pending = client.xpending_range(STREAM, "oars-senders", "-", "+", 1000) if client.exists(STREAM) else []
        found += [f"pending {p['message_id']}" for p in pending
                  if not client.xrange(STREAM, p["message_id"], p["message_id"])]
        return found


async def wait_gone(redis_url: str, team: str, within: float = 30.0) -> list[str]:
    deadline = time.monotonic() + within
    while True:  # the listener runs after Bolt's ack
        left = workspace_traces(redis_url, team)
        if not left or time.monotonic() > deadline:
            return left
        await asyncio.sleep(0.05)


async def uninstall_flow(tmp_path: Path, fake: FakeSlack, redis_url: str, event: dict[str, Any]) -> None:
    fake.add_workspace("TA")
    fake.add_workspace("TB")
    async with process(oauth_settings(tmp_path, fake, redis_url)) as one:
        assert await one.install("TA") == 200 and await one.install("TB") == 200
        await give_workspace_data(one, "TA", 1)
        await give_workspace_data(one, "TB", 2)
        await fake.wait_for("chat.postMessage", 4)
        await one.oars.store.redis.xgroup_create(STREAM, "oars-senders", id="0", mkstream=True)
        await one.oars.store.redis.xreadgroup("oars-senders", "c1", {STREAM: ">"}, count=100)  # some are pending
        assert len(workspace_traces(redis_url, "TA")) > 8

        fake.revoke("TA")
        assert await one.event("TA", event, "EvGone") == 200
        assert await wait_gone(redis_url, "TA") == []
        assert len(workspace_traces(redis_url, "TB")) > 8  # the other workspace keeps everything
        assert await one.adapter.installations.find(None, "TB") is not None  # type: ignore[union-attr]


async def test_app_uninstalled_leaves_no_key_of_the_workspace(tmp_path: Path, fake_slack: FakeSlack,
                                                              redis_url: str) -> None:
    await uninstall_flow(tmp_path, fake_slack, redis_url, {"type": "app_uninstalled"})


async def test_revoked_bot_token_leaves_no_key_of_the_workspace(tmp_path: Path, fake_slack: FakeSlack,
                                                                redis_url: str) -> None:
    await uninstall_flow(tmp_path, fake_slack, redis_url,
                         {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}})


async def test_revoking_only_user_tokens_keeps_the_workspace(tmp_path: Path, fake_slack: FakeSlack,
                                                             redis_url: str) -> None:
    fake_slack.add_workspace("TA")
    async with process(oauth_settings(tmp_path, fake_slack, redis_url)) as one:
        assert await one.install("TA") == 200
        await give_workspace_data(one, "TA", 1)
        assert await one.event("TA", {"type": "tokens_revoked", "tokens": {"oauth": ["UX"]}}, "EvUser") == 200
        await asyncio.sleep(0.3)
        assert await one.adapter.installations.find(None, "TA") is not None  # type: ignore[union-attr]
