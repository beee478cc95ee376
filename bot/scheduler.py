"""The clock: one elected process turns schedules and reminders into outbox entries, exactly once.

The only module that imports APScheduler. Jobs live in a MemoryJobStore and are rebuilt from Redis
(`bot.schedules` data and the `oars:reminders` index) when the lease is won, on every `oars:changes`
message and every `rebuild_every` seconds, so nothing pickled outlives a deploy.

Exactly once, in three layers:
- a lease (`oars:lease:scheduler`, SET NX PX, renewed by compare-and-pexpire) elects one active scheduler;
- each firing claims `oars:{outbox}:fired:<key>:<local date>` with SET NX and enqueues in the same Lua call,
  so two processes that both believe they lead still enqueue one entry;
- the outbox consumer acknowledges only after the platform accepted the post (bot.outbox).
On winning the lease the scheduler catches up each schedule's most recent due time if it is less than
`oars_misfire_grace_seconds` late; older misses are logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from redis.exceptions import RedisError

from bot.app import OarsApp
from bot.outbox import CHANNEL_KIND, REMINDER_FIRING, Outbox, OutboxItem, consumer_name, enqueue, fired_key_for
from bot.schedules import ScheduleStore
from bot.store import CHANGES_CHANNEL, MemberRef
from bot.tasks import raise_if_cancelling
from bot.weekly_roleplay import WeeklyRoleplay
from exercises.schedule_math import ALL_DAYS, cron_days, last_fire, local_date, parse_time

log = logging.getLogger(__name__)

LEASE_KEY = "oars:lease:scheduler"
REMINDER_PREFIX = REMINDER_FIRING
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Lease:
    """A Redis lease: only the holder's token can renew or release it."""

    def __init__(self, redis: Any, token: str, seconds: float, key: str = LEASE_KEY) -> None:
        self.redis = redis
        self.token = token
        self.ms = int(seconds * 1000)
        self.key = key

    async def acquire(self) -> bool:
        return bool(await self.redis.set(self.key, self.token, nx=True, px=self.ms))

    async def renew(self) -> bool:
        return bool(await self.redis.eval(_RENEW, 1, self.key, self.token, self.ms))

    async def release(self) -> None:
        await self.redis.eval(_RELEASE, 1, self.key, self.token)


@dataclass(frozen=True)
class Plan:
    """What one job needs: its key (schedule id or `reminder:<pid>`), local time, zone, days, and a floor."""

    key: str
    at: time
    tz: str
    days: tuple[int, ...]
    not_before: datetime | None = None  # a schedule owes nothing from before it was created


class Scheduler:
    """Lease-guarded APScheduler plus this process's outbox consumer (which runs whether or not we lead)."""

    def __init__(self, oars: OarsApp, *, lease_seconds: float | None = None, rebuild_every: float = 60.0,
                 min_idle_ms: int = 60_000, claim_every: float = 5.0, run_outbox: bool = True,
                 pace: dict[str, float] | None = None) -> None:
        self.oars = oars
        self.redis: Any = oars.store.redis
        self.clock = oars.clock
        self.name = consumer_name()
        self.grace = timedelta(seconds=oars.settings.oars_misfire_grace_seconds)
        self.lease = Lease(self.redis, self.name, lease_seconds or oars.settings.oars_lease_seconds)
        self.renew_every = self.lease.ms / 1000 / 3
        self.rebuild_every = rebuild_every
        self.schedules = ScheduleStore(self.redis, self.clock)
        self.weekly = WeeklyRoleplay(oars.store, oars.engine.team, self.clock)
        self.outbox = Outbox(self.redis, oars.engine, oars.senders, self.name, min_idle_ms=min_idle_ms,
                             claim_every=claim_every, pace=pace)
        self.run_outbox = run_outbox
        self.is_leader = False
        self._aps: AsyncIOScheduler | None = None
        self._jobs: dict[str, Plan] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._changed = asyncio.Event()
        self._rebuilding = asyncio.Lock()
        self._firing = asyncio.Semaphore(32)

    # --- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        self._aps = AsyncIOScheduler(
            jobstores={"default": MemoryJobStore()}, timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(self.grace.total_seconds()) or 1},
        )
        self._aps.start()
        self._tasks = [asyncio.create_task(self._lease_loop(), name="oars-lease"),
                       asyncio.create_task(self._listen(), name="oars-changes"),
                       asyncio.create_task(self._rebuild_loop(), name="oars-rebuild")]
        if self.run_outbox:
            self._tasks.append(asyncio.create_task(self.outbox.run(), name="oars-outbox"))
        log.info("scheduler %s started", self.name)

    async def abandon(self) -> None:
        """Stop everything without releasing the lease: what a crash looks like to the other processes."""
        tasks, self._tasks = self._tasks, []
        for _ in range(3):  # a task may swallow one cancellation inside a library call: ask again
            pending = [task for task in tasks if not task.done()]
            if not pending:
                break
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=2.0)
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.error("scheduler task %s failed", task.get_name(), exc_info=task.exception())
            elif not task.done():
                log.error("scheduler task %s ignored cancellation", task.get_name())
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        self._aps = None
        self._jobs = {}
        self.is_leader = False

    async def stop(self) -> None:
        was_leader = self.is_leader
        await self.abandon()
        if was_leader:
            with contextlib.suppress(RedisError, OSError):
                await self.lease.release()
        log.info("scheduler %s stopped", self.name)

    # --- leadership -----------------------------------------------------------------------------
    async def _lease_loop(self) -> None:
        while True:
            raise_if_cancelling()  # a cancel that a Redis call swallowed (see bot.tasks)
            try:
                await self.tick()
            except (RedisError, OSError):
                raise_if_cancelling()
                log.warning("scheduler: redis unavailable during lease check", exc_info=True)
            await asyncio.sleep(self.renew_every)

    async def tick(self) -> None:
        """One lease round: renew if we lead, else try to take over (then rebuild and catch up)."""
        if self.is_leader:
            if await self.lease.renew():
                return
            log.warning("scheduler %s lost the lease", self.name)
            self.is_leader = False
            await self.rebuild()
            return
        if await self.lease.acquire():
            log.info("scheduler %s now leads", self.name)
            self.is_leader = True
            # In the background: 10,000 reminders take seconds, and the lease must keep being renewed meanwhile.
            self._tasks.append(asyncio.create_task(self._take_office(), name="oars-take-office"))

    async def _take_office(self) -> None:
        """Build the jobs, then catch up what fell due while nobody led; retried until it succeeds once."""
        while self.is_leader:
            raise_if_cancelling()
            try:
                await self.rebuild()
                await self.catch_up()
                return
            except (RedisError, OSError):
                raise_if_cancelling()
                log.warning("scheduler: catching up failed, retrying", exc_info=True)
                await asyncio.sleep(1.0)

    # --- jobs from Redis ------------------------------------------------------------------------
    async def _listen(self) -> None:
        while True:
            raise_if_cancelling()
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(CHANGES_CHANNEL)
                self._changed.set()  # anything may have changed while we were not subscribed
                while True:
                    raise_if_cancelling()
                    if await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0):
                        self._changed.set()
            except (RedisError, OSError):
                raise_if_cancelling()
                log.warning("scheduler: change feed lost, resubscribing", exc_info=True)
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _rebuild_loop(self) -> None:
        while True:
            raise_if_cancelling()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.rebuild_every):  # unlike 3.11's wait_for, never eats a cancel
                    await self._changed.wait()
            self._changed.clear()
            try:
                await self.rebuild()
            except (RedisError, OSError):
                raise_if_cancelling()
                log.warning("scheduler: rebuild failed, will retry", exc_info=True)

    async def plans(self) -> list[Plan]:
        """Every active schedule and reminder, read from Redis."""
        plans = [
            Plan(s.id, s.at_time, s.tz, s.day_numbers, datetime.fromisoformat(s.created_at) if s.created_at else None)
            for s in await self.schedules.all() if not s.paused
        ]
        members = await self.oars.store.reminder_members()
        default_tz = self.oars.settings.oars_default_tz
        for start in range(0, len(members), 500):
            chunk = members[start:start + 500]
            async with self.redis.pipeline(transaction=False) as pipe:
                for member in chunk:
                    pipe.hmget(self.oars.store.key(member, "profile"), "reminder", "tz", "paused")
                rows = await pipe.execute()
            for member, (reminder, tz, paused) in zip(chunk, rows, strict=True):
                if reminder and paused != "1":
                    with contextlib.suppress(ValueError):
                        plans.append(Plan(REMINDER_PREFIX + member.pid, parse_time(reminder), tz or default_tz,
                                          ALL_DAYS))
        return plans

    async def rebuild(self) -> None:
        """Make the APScheduler jobs match Redis: add new, replace changed, drop gone (none unless leading)."""
        async with self._rebuilding:
            aps = self._aps
            if aps is None:
                return
            wanted = {p.key: p for p in await self.plans()} if self.is_leader else {}
            for key in [k for k in self._jobs if k not in wanted]:
                with contextlib.suppress(Exception):
                    aps.remove_job(key)
                del self._jobs[key]
            for key, plan in wanted.items():
                if self._jobs.get(key) == plan:
                    continue
                try:
                    trigger = CronTrigger(hour=plan.at.hour, minute=plan.at.minute, day_of_week=cron_days(plan.days),
                                          timezone=ZoneInfo(plan.tz))
                except (ValueError, KeyError):
                    log.error("scheduler: bad schedule %s (%s %s), skipped", key, plan.at, plan.tz)
                    continue
                aps.add_job(self._run_job, trigger, id=key, args=[plan], replace_existing=True)
                self._jobs[key] = plan

    def next_run(self, key: str, after: datetime) -> datetime | None:
        """When the APScheduler job for `key` would fire next after `after` (None: no such job here)."""
        job = self._aps.get_job(key) if self._aps is not None else None
        if job is None:
            return None
        fire: datetime | None = job.trigger.get_next_fire_time(None, after)
        return fire

    def job_keys(self) -> set[str]:
        return set(self._jobs)

    async def _run_job(self, plan: Plan) -> None:
        try:
            await self.fire(plan.key, last_fire(self.clock.now(), plan.at, plan.tz, plan.days))
        except (RedisError, OSError):
            log.exception("scheduler: could not fire %s", plan.key)

    async def catch_up(self) -> int:
        """Fire each schedule's most recent due time if it is within the grace window; log older misses."""
        now = self.clock.now()
        missed: list[str] = []

        async def one(plan: Plan) -> bool:
            due = last_fire(now, plan.at, plan.tz, plan.days)
            if plan.not_before is not None and due < plan.not_before:
                return False
            if now - due <= self.grace:
                return await self.fire(plan.key, due)
            if not await self.redis.exists(self.fired_key(plan.key, due, plan.tz)):
                log.debug("scheduler: %s was due %s, %s ago: skipped", plan.key, due.isoformat(), now - due)
                missed.append(plan.key)
            return False

        plans = await self.plans()
        fired = 0
        for start in range(0, len(plans), 32):  # bounded: each needs a pooled connection
            fired += sum(await asyncio.gather(*(one(plan) for plan in plans[start:start + 32])))
        if missed:  # one line, not one per member, after a long outage
            log.warning("scheduler: %d drills were due more than %s ago and were skipped: %s%s", len(missed),
                        self.grace, ", ".join(missed[:10]), " …" if len(missed) > 10 else "")
        return fired

    # --- firing ---------------------------------------------------------------------------------
    @staticmethod
    def fired_key(key: str, due: datetime, tz: str) -> str:
        return fired_key_for(key, local_date(due, tz).isoformat())

    async def fire(self, key: str, due: datetime) -> bool:
        """Enqueue one firing of a schedule id or `reminder:<pid>` due at `due`; False when not owed.

        Callable directly (tests, catch-up): the SET NX claim per local date makes repeats harmless.
        """
        async with self._firing:  # 10,000 reminders due in one minute must not open 10,000 connections
            return await self._fire(key, due)

    async def _fire(self, key: str, due: datetime) -> bool:
        late = self.clock.now() - due
        if late > self.grace:
            log.warning("scheduler: %s due %s is %s late (grace %s): skipped", key, due.isoformat(), late, self.grace)
            return False
        item = await self._item(key, due)
        if item is None:
            return False
        if item[0].kind == CHANNEL_KIND:  # a weekly role-play: its members' invitations, then the channel post
            entry = await self.weekly.fire(item[0], self.fired_key(key, due, item[1]), self.clock.now())
        else:
            entry = await enqueue(self.redis, self.fired_key(key, due, item[1]), item[0])
        if entry is None:
            log.info("scheduler: %s for %s already claimed", key, item[0].day)
            return False
        log.info("scheduler: %s due %s enqueued as %s", key, due.isoformat(), entry)
        return True

    async def _item(self, key: str, due: datetime) -> tuple[OutboxItem, str] | None:
        if key.startswith(REMINDER_PREFIX):
            member = MemberRef.from_pid(key.removeprefix(REMINDER_PREFIX))
            profile = await self.oars.store.profile(member)
            if not profile.reminder or profile.paused:
                return None
            tz = profile.tz or self.oars.settings.oars_default_tz
            return OutboxItem("reminder", member.pid, member.platform, member.workspace, profile.dm_channel,
                              member.user, "", due.isoformat(), local_date(due, tz).isoformat()), tz
        schedule = await self.schedules.get(key)
        if schedule is None or schedule.paused:
            return None
        if schedule.kind == "roleplay":  # the channel's post; its members' invitations come from `fan_out`
            return OutboxItem(CHANNEL_KIND, schedule.id, schedule.platform, schedule.workspace, schedule.channel, "",
                              schedule.skill, due.isoformat(), local_date(due, schedule.tz).isoformat()), schedule.tz
        if schedule.kind == "digest":  # the weekly report, to the manager who turned it on (if still known)
            if not schedule.created_by:
                return None
            return OutboxItem("digest", schedule.id, schedule.platform, schedule.workspace, schedule.channel,
                              schedule.created_by, "", due.isoformat(), local_date(due, schedule.tz).isoformat()), \
                schedule.tz
        return OutboxItem("channel", schedule.id, schedule.platform, schedule.workspace, schedule.channel, "",
                          schedule.skill, due.isoformat(), local_date(due, schedule.tz).isoformat()), schedule.tz
