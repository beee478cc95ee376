"""The engine, outbox and scheduler on a real 3-master Redis Cluster (REDIS_URL=redis+cluster://…).

Every multi-key command, transaction and Lua script must stay in one slot; a CROSSSLOT error fails these.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import OarsApp
from bot.outbox import OutboxItem, enqueue, fired_key_for
from bot.scheduler import REMINDER_PREFIX, Scheduler
from bot.schedules import ScheduleStore, validate
from bot.store import MemberRef
from bot.workspace_purge import Scope, purge, scan_keys
from tests.bot.helpers import msg
from tests.bot.sched_support import FakePlatform, eventually, start_app
from tests.cluster_support import Cluster

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def cluster(redis_cluster: Cluster) -> Cluster:
    return redis_cluster


@pytest.fixture
def platform(cluster: Cluster) -> FakePlatform:
    cluster.flush()
    return FakePlatform()


async def app_on(cluster: Cluster, tmp_path: Path, platform: FakePlatform) -> OarsApp:
    return await start_app("unused", tmp_path, platform, redis_url=cluster.url)


async def test_the_client_is_a_cluster_client_spread_over_three_masters(cluster: Cluster, tmp_path: Path,
                                                                       platform: FakePlatform) -> None:
    oars = await app_on(cluster, tmp_path, platform)
    try:
        assert len(cluster.masters()) == 3
        assert type(oars.store.redis).__name__ == "RedisCluster"
        assert await oars.store.ping()
    finally:
        await oars.stop()


async def test_drill_answer_redelivery_and_forget_me(cluster: Cluster, tmp_path: Path,
                                                     platform: FakePlatform) -> None:
    oars = await app_on(cluster, tmp_path, platform)
    engine, store = oars.engine, oars.store
    try:
        [drill] = await engine.handle(msg("drill reflection", user="UC1"))
        assert drill.drill is not None
        answer = msg("You're worn out by waiting for a fix.", user="UC1", message_id="c-same")
        first = await engine.handle(answer)
        assert first and first[0].feedback is not None
        assert await engine.handle(answer) == []  # the redelivery is not counted twice
        member = MemberRef("console", "local", "UC1")
        assert len(await store.history(member)) == 1
        assert (await store.streak(member)).current == 1
        await store.set_reminder(member, "08:00")
        assert await store.forget(member) > 0
        assert await scan_keys(store.redis, f"oars:m:{{{member.pid}}}:*") == []
    finally:
        await oars.stop()


async def test_outbox_enqueues_once_and_delivers_once(cluster: Cluster, tmp_path: Path,
                                                     platform: FakePlatform) -> None:
    apps = [await app_on(cluster, tmp_path, platform) for _ in range(2)]
    try:
        schedule = await ScheduleStore(apps[0].store.redis, apps[0].clock).add(
            "slack", "T1", "C1", validate("09:30", "Europe/Berlin", "daily"), "U1")
        due = datetime(2026, 3, 2, 9, 30, tzinfo=BERLIN)
        one, two = (Scheduler(oars, run_outbox=False) for oars in apps)
        results = await asyncio.gather(one.fire(schedule.id, due), two.fire(schedule.id, due))
        assert sorted(results) == [False, True]
        await asyncio.gather(one.outbox.drain(), two.outbox.drain())
        assert len(platform.sent) == 1
        item = OutboxItem("channel", schedule.id, "slack", "T1", channel="C1", due=due.isoformat())
        assert await enqueue(apps[0].store.redis, fired_key_for(schedule.id, "2026-03-02"), item) is None
        assert await ScheduleStore(apps[0].store.redis).remove(schedule.id)
    finally:
        for oars in apps:
            await oars.stop()


async def test_one_leader_and_jobs_follow_the_changes_channel(cluster: Cluster, tmp_path: Path,
                                                             platform: FakePlatform) -> None:
    apps = [await app_on(cluster, tmp_path, platform) for _ in range(2)]
    one, two = (Scheduler(oars, lease_seconds=0.6, run_outbox=False) for oars in apps)
    try:
        await one.start()
        await two.start()
        await eventually(lambda: one.is_leader or two.is_leader)
        leader = one if one.is_leader else two
        assert [one.is_leader, two.is_leader].count(True) == 1
        oars = apps[0]
        schedule = await ScheduleStore(oars.store.redis, oars.clock).add(
            "slack", "T1", "C1", validate("09:30", "Europe/Berlin", "daily"), "U1")
        await eventually(lambda: schedule.id in leader.job_keys())  # heard on oars:changes
        member = MemberRef("teams", "tenant", "29:abc")
        await oars.store.set_reminder(member, "07:15")
        await eventually(lambda: REMINDER_PREFIX + member.pid in leader.job_keys())
    finally:
        await one.stop()
        await two.stop()
        for oars in apps:
            await oars.stop()


async def test_a_workspace_purge_works_across_slots(cluster: Cluster, tmp_path: Path,
                                                    platform: FakePlatform) -> None:
    oars = await app_on(cluster, tmp_path, platform)
    try:
        redis = oars.store.redis
        for user in ("UA", "UB", "UC", "UD"):
            await oars.engine.handle(msg("drill", user=user))
            await oars.store.set_reminder(MemberRef("console", "local", user), "09:00")
        await ScheduleStore(redis).add("console", "local", "C1", validate("09:30", "UTC"))
        assert await purge(redis, Scope("console", "local")) > 4
        assert await scan_keys(redis, "oars:m:*") == []
        assert await redis.smembers("oars:reminders") == set()
        assert await redis.smembers("oars:schedules") == set()
    finally:
        await oars.stop()

