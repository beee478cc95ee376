"""The lease-guarded scheduler against a real (embedded) Redis: one delivery however many processes run."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import OarsApp
from bot.scheduler import LEASE_KEY, REMINDER_PREFIX, Scheduler
from bot.schedules import ScheduleStore, validate
from bot.store import MemberRef
from tests.bot.sched_support import NOW, FakePlatform, eventually, start_app

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def platform(redis) -> FakePlatform:
    """The recording platform; depends on `redis` so every test starts from an empty database."""
    return FakePlatform()


async def _apps(redis_socket: str, tmp_path: Path, platform: FakePlatform, n: int, **extra: object) -> list[OarsApp]:
    return [await start_app(redis_socket, tmp_path, platform, **extra) for _ in range(n)]


async def _schedule(oars: OarsApp, at: str = "09:30", days: str = "daily", created: datetime | None = None) -> str:
    store = ScheduleStore(oars.store.redis, oars.clock)
    if created is not None:
        saved = oars.clock.now()
        oars.clock.set(created)
    schedule = await store.add("slack", "T1", "C1", validate(at, "Europe/Berlin", days), "U1")
    if created is not None:
        oars.clock.set(saved)
    return schedule.id


def _due(hhmm: str, day: str = "2026-03-02") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=BERLIN)


async def _stop_all(schedulers: list[Scheduler], apps: list[OarsApp]) -> None:
    for scheduler in schedulers:
        await scheduler.stop()
    for oars in apps:
        await oars.stop()


async def test_two_schedulers_firing_the_same_due_time_deliver_once(redis_socket, tmp_path, platform, redis) -> None:
    apps = await _apps(redis_socket, tmp_path, platform, 2)
    schedule_id = await _schedule(apps[0], created=NOW - timedelta(days=1))
    one, two = (Scheduler(oars, run_outbox=False) for oars in apps)
    results = await asyncio.gather(one.fire(schedule_id, _due("09:30")), two.fire(schedule_id, _due("09:30")))
    assert sorted(results) == [False, True]
    await asyncio.gather(one.outbox.drain(), two.outbox.drain())
    assert len(platform.sent) == 1
    target, reply = platform.sent[0]
    assert (target.platform, target.workspace, target.channel) == ("slack", "T1", "C1")
    assert reply.drill is not None
    assert await apps[0].store.thread_drill("slack", "T1", "C1", "1700000000.000001") == reply.drill.id
    assert await redis.exists(f"oars:{{outbox}}:fired:{schedule_id}:2026-03-02")
    await _stop_all([one, two], apps)


async def test_exactly_one_leader_and_takeover_after_a_crash(redis_socket, tmp_path, platform, redis) -> None:
    apps = await _apps(redis_socket, tmp_path, platform, 2)
    one, two = (Scheduler(oars, lease_seconds=0.6) for oars in apps)
    await one.start()
    await two.start()
    await eventually(lambda: one.is_leader or two.is_leader)
    await asyncio.sleep(0.5)  # a few renewals: still exactly one leader
    assert [one.is_leader, two.is_leader].count(True) == 1
    leader, follower = (one, two) if one.is_leader else (two, one)
    assert await redis.get(LEASE_KEY) == leader.name
    await leader.abandon()  # dies without releasing the lease
    await eventually(lambda: follower.is_leader, within=3.0)
    await _stop_all([one, two], apps)
    assert await redis.get(LEASE_KEY) is None  # a clean stop releases it


async def test_crash_after_enqueue_then_restart_neither_loses_nor_doubles(redis_socket, tmp_path, platform) -> None:
    apps = await _apps(redis_socket, tmp_path, platform, 3)
    schedule_id = await _schedule(apps[0], created=NOW - timedelta(days=1))
    platform.hang = True  # the first process dies mid-delivery
    first = Scheduler(apps[0], lease_seconds=0.6, min_idle_ms=300, claim_every=0.1)
    await first.start()
    await eventually(lambda: platform.attempts == 1)  # caught up on winning the lease, now sending
    await first.abandon()
    platform.hang = False
    second = Scheduler(apps[1], lease_seconds=0.6, min_idle_ms=300, claim_every=0.1)
    await second.start()
    await eventually(lambda: len(platform.sent) == 1, within=5.0)  # reclaimed the dead consumer's entry
    await eventually(lambda: second.is_leader, within=3.0)  # and caught up: already claimed, nothing new
    third = Scheduler(apps[2], lease_seconds=0.6)
    await third.start()  # a restart during the same day
    assert await third.catch_up() == 0
    assert await second.fire(schedule_id, _due("09:30")) is False
    await asyncio.sleep(0.5)
    assert len(platform.sent) == 1
    await _stop_all([second, third], apps)


async def test_misfire_window(redis_socket, tmp_path, platform, caplog) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=_due("10:00"))
    late_ok = await _schedule(oars, "09:30", created=NOW - timedelta(days=1))  # 30 min late: sent
    too_late = await _schedule(oars, "08:30", created=NOW - timedelta(days=1))  # 90 min late: skipped
    scheduler = Scheduler(oars, run_outbox=False)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        assert await scheduler.catch_up() == 1
    assert any(too_late in r.getMessage() and "skipped" in r.getMessage() for r in caplog.records)
    assert await scheduler.fire(too_late, _due("08:30")) is False
    assert await scheduler.fire(late_ok, _due("09:30")) is False  # already claimed by the catch-up
    await scheduler.outbox.drain()
    assert [t.channel for t, _ in platform.sent] == ["C1"]
    await oars.stop()


async def test_new_schedule_owes_nothing_from_before_it_existed(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=_due("09:45"))
    await _schedule(oars, "09:30")  # created at 09:45: first drill is tomorrow
    assert await Scheduler(oars, run_outbox=False).catch_up() == 0
    await oars.stop()


async def test_paused_and_removed_schedules_do_not_fire(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform)
    store = ScheduleStore(oars.store.redis, oars.clock)
    paused = await _schedule(oars, created=NOW - timedelta(days=1))
    await store.set_paused(paused, True)
    removed = await _schedule(oars, created=NOW - timedelta(days=1))
    await store.remove(removed)
    scheduler = Scheduler(oars, run_outbox=False)
    assert await scheduler.fire(paused, _due("09:30")) is False
    assert await scheduler.fire(removed, _due("09:30")) is False
    await oars.stop()


async def test_member_reminder_is_a_dm_at_local_time_and_skipped_when_paused(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform)
    member = MemberRef("slack", "T1", "U7")
    await oars.store.update_profile(member, tz="Europe/Berlin", dm_channel="D7")
    await oars.store.set_reminder(member, "08:45")
    scheduler = Scheduler(oars, run_outbox=False)
    key = REMINDER_PREFIX + member.pid
    assert [p.key for p in await scheduler.plans()] == [key]
    assert await scheduler.fire(key, _due("08:45")) is True
    assert await scheduler.fire(key, _due("08:45")) is False
    await scheduler.outbox.drain()
    target, reply = platform.sent[0]
    assert (target.channel, target.user) == ("D7", "U7")
    assert "daily drill" in reply.text
    await oars.store.update_profile(member, paused=True)
    assert await scheduler.plans() == []
    assert await scheduler.fire(key, _due("08:45", "2026-03-03")) is False
    await oars.stop()


async def test_jobs_follow_changes_in_redis(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform)
    scheduler = Scheduler(oars, lease_seconds=0.6, run_outbox=False)
    await scheduler.start()
    await eventually(lambda: scheduler.is_leader)
    schedule_id = await _schedule(oars)
    await eventually(lambda: schedule_id in scheduler.job_keys())
    member = MemberRef("teams", "tenant", "29:abc")
    await oars.store.set_reminder(member, "07:15")
    await eventually(lambda: REMINDER_PREFIX + member.pid in scheduler.job_keys())
    await ScheduleStore(oars.store.redis).set_paused(schedule_id, True)
    await eventually(lambda: schedule_id not in scheduler.job_keys())
    await oars.store.set_reminder(member, "")
    await eventually(lambda: scheduler.job_keys() == set())
    await scheduler.stop()
    await oars.stop()


async def test_cron_trigger_keeps_local_time_across_dst(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform)
    scheduler = Scheduler(oars, lease_seconds=0.6, run_outbox=False)
    await scheduler.start()
    await eventually(lambda: scheduler.is_leader)
    schedule_id = await _schedule(oars, "09:30", "daily")
    await eventually(lambda: schedule_id in scheduler.job_keys())
    for before, gap in (("2026-03-28T06:00:00+00:00", 23), ("2026-10-24T06:00:00+00:00", 25)):  # DST eves
        after = datetime.fromisoformat(before)
        first = scheduler.next_run(schedule_id, after)
        assert first is not None
        second = scheduler.next_run(schedule_id, first + timedelta(seconds=1))
        assert second is not None
        local = [t.astimezone(BERLIN) for t in (first, second)]
        assert [(t.hour, t.minute) for t in local] == [(9, 30), (9, 30)]
        assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=gap)
    await scheduler.stop()
    await oars.stop()
