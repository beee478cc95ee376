"""The durable outbox: due drills wait in a Redis Stream until a platform has accepted them.

The scheduler claims `(schedule, local date)` and appends to `oars:{outbox}` in one Lua call, so a firing
is enqueued at most once. Every process reads the stream in the consumer group `oars-senders`; an entry
is acknowledged only after the sender returned, and entries left pending by a dead consumer are taken
over with XAUTOCLAIM. `oars:{outbox}:sent:<entry id>` is set right after a successful send, so an entry whose
acknowledgement was lost is acknowledged on its next delivery instead of being posted again. A reclaimed entry
(its consumer died, or the send timed out after the platform accepted it) first asks its sender whether the
post already landed (Slack: message metadata carrying the entry id), and is acknowledged if so.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass, replace
from typing import Any

from redis.exceptions import RedisError, ResponseError

from bot.delivery import RateLimited, Senders, Target
from bot.engine import Engine
from bot.messages import Reply
from bot.roleplay_replies import weekly_channel_reply, weekly_invite_reply
from bot.store import MemberRef
from bot.tasks import raise_if_cancelling
from bot.team_data import Scope
from exercises.schedule_math import iso_week

log = logging.getLogger(__name__)

STREAM = "oars:{outbox}"  # every outbox key shares the {outbox} hash tag: one Cluster slot for the Lua
GROUP = "oars-senders"
DEAD_STREAM = "oars:{outbox}:dead"
ATTEMPTS = "oars:{outbox}:attempts"


def sent_key_for(entry_id: str) -> str:
    """Marks an entry whose send succeeded, so a reclaimed copy is acked instead of resent."""
    return f"oars:{{outbox}}:sent:{entry_id}"


def drill_key_for(entry_id: str) -> str:
    """The drill a channel entry posted, kept until acknowledged (see `Outbox._landed_before`)."""
    return f"oars:{{outbox}}:drill:{entry_id}"


def fired_key_for(key: str, local_date: str) -> str:
    """Claims one firing of a schedule or reminder per local date (same slot as the stream)."""
    return f"oars:{{outbox}}:fired:{key}:{local_date}"


MAXLEN = 100_000
CHANNEL_KIND, INVITE_KIND = "roleplay", "roleplay_invite"  # a weekly role-play's post and DMs (bot.weekly_roleplay)
REMINDER_FIRING = "reminder:"  # a reminder's firing key is this + the member pid (see bot.scheduler)
INVITE_FIRING = "roleplay:"  # a weekly role-play invitation's: this + the member pid + ":" + ISO week
SENT_TTL = 3 * 24 * 3600
FIRED_TTL = 4 * 24 * 3600
# Seconds between two posts to one channel/conversation (Slack ~1/s per channel, Teams 7/s).
PACE: dict[str, float] = {"slack": 1.0, "teams": 1 / 7,
                          # a weekly role-play's DMs, per workspace: well inside Slack's and Teams' app-wide limits
                          "slack:roleplay_invite": 0.25, "teams:roleplay_invite": 0.1}


def invite_fired_key_for(pid: str, local_date: str) -> str:
    """Claims a member's weekly role-play invitation once per ISO week (deleted by `forget me`)."""
    return fired_key_for(f"{INVITE_FIRING}{pid}", iso_week(local_date))


# Claim the firing and enqueue it atomically: a crash can't leave a claim without its outbox entry.
_ENQUEUE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  local args = {'XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*'}
  for i = 4, #ARGV do args[#args + 1] = ARGV[i] end
  return redis.call(unpack(args))
end
return false
"""


@dataclass(frozen=True)
class OutboxItem:
    """One due post: a channel drill (`kind` 'channel'), a member's DM reminder ('reminder'), a manager's
    weekly report ('digest', `user` the manager, `channel` the channel reported on or '' for the workspace), or
    a weekly role-play: the channel's post ('roleplay', `skill` its focus) and each member's DM invitation
    ('roleplay_invite', `key` the member pid, `channel` the channel it is for)."""

    kind: str
    key: str  # schedule id, or the member pid for reminders
    platform: str
    workspace: str
    channel: str = ""
    user: str = ""
    skill: str = ""
    due: str = ""  # ISO UTC instant it was due
    day: str = ""  # local date it counts for

    def to_fields(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_fields(cls, raw: dict[str, str]) -> OutboxItem:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in raw.items() if k in names})


def consumer_name() -> str:
    """Unique per process: a restarted process must not inherit (and ignore) its predecessor's pending list."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


async def enqueue(redis: Any, fired_key: str, item: OutboxItem, fired_ttl: int = FIRED_TTL,
                  maxlen: int = MAXLEN) -> str | None:
    """Claim `fired_key` (SET NX) and XADD the item; the entry id, or None when already claimed."""
    flat: list[str] = []
    for field, value in item.to_fields().items():
        flat += [field, value]
    result = await redis.eval(_ENQUEUE, 2, fired_key, STREAM, item.due or "1", fired_ttl, maxlen, *flat)
    return str(result) if result else None


async def forget_member(redis: Any, member: MemberRef) -> int:
    """`forget me`: drop the member's reminder and weekly role-play firings and their undelivered or dead-lettered
    entries."""
    removed = 0
    for prefix in (REMINDER_FIRING, INVITE_FIRING):
        fired = [k async for k in redis.scan_iter(match=fired_key_for(prefix + member.pid, "*"), count=500)]
        if fired:
            removed += await redis.unlink(*fired)
    for stream in (STREAM, DEAD_STREAM):
        start = "-"
        while True:
            entries = await redis.xrange(stream, min=start, count=500)
            mine = [entry_id for entry_id, fields in entries if _belongs(fields, member)]
            if mine:
                if stream == STREAM:
                    await redis.xack(STREAM, GROUP, *mine)
                    await redis.hdel(ATTEMPTS, *mine)
                removed += await redis.xdel(stream, *mine)
            if len(entries) < 500:
                break
            start = "(" + entries[-1][0]
    return removed


def _belongs(fields: dict[str, str], member: MemberRef) -> bool:
    return fields.get("key") == member.pid or (
        fields.get("user") == member.user and fields.get("workspace") == member.workspace
        and fields.get("platform") == member.platform)


class Outbox:
    """Stream consumer: delivers entries through the platform senders, paced, acknowledged after success."""

    def __init__(self, redis: Any, engine: Engine, senders: Senders, consumer: str | None = None, *,
                 min_idle_ms: int = 60_000, block_ms: int = 1000, batch: int = 64, concurrency: int = 32,
                 max_attempts: int = 5, max_rate_limit_waits: int = 20, claim_every: float = 5.0,
                 pace: dict[str, float] | None = None) -> None:
        self.redis = redis
        self.engine = engine
        self.senders = senders
        self.consumer = consumer or consumer_name()
        self.min_idle_ms = min_idle_ms
        self.block_ms = block_ms
        self.batch = batch
        self.max_attempts = max_attempts
        self.max_rate_limit_waits = max_rate_limit_waits
        self.claim_every = claim_every
        self.pace = PACE if pace is None else pace
        self.concurrency = concurrency
        self.delivered = 0
        self._inflight: set[asyncio.Task[bool]] = set()
        self._next_slot: dict[tuple[str, str, str], float] = {}
        self._last_post: dict[tuple[str, str, str], float] = {}  # when the channel's latest send started
        self._blocked_until: dict[str, float] = {}

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except ResponseError as err:
            if "BUSYGROUP" not in str(err):
                raise

    async def run(self) -> None:
        """Deliver until cancelled; survives Redis outages by retrying. Cancelling leaves in-flight entries
        pending, so another consumer reclaims them."""
        last_claim = 0.0
        try:
            while True:
                raise_if_cancelling()
                try:
                    await self.ensure_group()
                    while True:
                        raise_if_cancelling()  # a cancel that a Redis call swallowed (see bot.tasks)
                        if time.monotonic() - last_claim >= self.claim_every:
                            last_claim = time.monotonic()
                            await self.reclaim()
                        await self.read_once()
                except (RedisError, OSError):
                    raise_if_cancelling()
                    log.warning("outbox: redis unavailable, retrying", exc_info=True)
                    await asyncio.sleep(1.0)
        finally:
            for task in self._inflight:
                task.cancel()

    async def read_once(self, block_ms: int | None = None) -> int:
        """Read as many new entries as there are free delivery slots and start delivering them; the number read.

        Deliveries run in the background so one slow or rate-limited post never holds up the rest.
        """
        free = self.concurrency - len(self._inflight)
        if free <= 0:
            await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
            return 0
        response = await self.redis.xreadgroup(GROUP, self.consumer, {STREAM: ">"}, count=min(free, self.batch),
                                               block=self.block_ms if block_ms is None else block_ms)
        entries = [entry for _, stream_entries in response or [] for entry in stream_entries]
        for entry_id, fields in entries:
            task = asyncio.create_task(self._guarded(entry_id, fields, fresh=True))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
        return len(entries)

    async def reclaim(self) -> int:
        """Take over entries pending longer than `min_idle_ms` (their consumer died or failed) and deliver them."""
        delivered, cursor = 0, "0-0"
        while True:
            result = await self.redis.xautoclaim(STREAM, GROUP, self.consumer, self.min_idle_ms,
                                                 start_id=cursor, count=self.batch)
            cursor, entries = result[0], result[1]
            live = [(entry_id, fields) for entry_id, fields in entries if fields]
            for entry_id, fields in entries:
                if not fields:  # trimmed away before anyone delivered it
                    log.error("outbox entry %s vanished before delivery", entry_id)
                    await self.redis.xack(STREAM, GROUP, entry_id)
            results = await asyncio.gather(*(self._guarded(entry_id, fields) for entry_id, fields in live))
            delivered += sum(results)
            if cursor in ("0-0", b"0-0") or not entries:
                return delivered

    async def drain(self, idle_rounds: int = 2) -> int:
        """Deliver until the stream has nothing new for `idle_rounds` reads (tests and the benchmark)."""
        await self.ensure_group()
        before, idle = self.delivered, 0
        while idle < idle_rounds:
            got = await self.read_once(block_ms=50)
            idle = idle + 1 if got == 0 and not self._inflight else 0
            if got == 0 and self._inflight:
                await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
        return self.delivered - before

    async def _guarded(self, entry_id: str, fields: dict[str, str], fresh: bool = False) -> bool:
        try:
            sent = await self.deliver(entry_id, fields, fresh)
        except (RedisError, OSError):
            raise_if_cancelling()
            log.warning("outbox: redis error delivering %s; it stays pending", entry_id, exc_info=True)
            return False
        self.delivered += sent
        return sent

    async def deliver(self, entry_id: str, fields: dict[str, str], fresh: bool = False) -> bool:
        """Deliver one entry; True when it was sent (or had been) and is acknowledged.

        `fresh`: first delivery of the entry, so it cannot have been sent before (skips the marker check).
        """
        sent_key = sent_key_for(entry_id)
        if not fresh and await self.redis.exists(sent_key):
            await self._ack(entry_id)
            return True
        item = OutboxItem.from_fields(fields)
        sender = self.senders.get(item.platform)
        if sender is None:
            return await self._failed(entry_id, item, f"no sender for platform {item.platform!r}")
        if not fresh and await self._landed_before(entry_id, item, sender):
            return True
        built = await self._build(item)
        if built is None:  # member paused or stopped reminders since it was enqueued
            await self._ack(entry_id)
            return False
        target, reply, drill_id = built
        if drill_id:  # so a reclaimed copy that finds this post can still tie its thread to the drill
            await self.redis.set(drill_key_for(entry_id), drill_id, ex=SENT_TTL)
        try:
            message_id = await self._send(sender, replace(target, key=entry_id), reply, item.kind)
        except Exception as err:  # any platform failure: leave pending, retried after min_idle_ms
            log.warning("outbox: sending %s failed: %s", entry_id, err, exc_info=True)
            return await self._failed(entry_id, item, str(err))
        await self._posted(entry_id, item, message_id, drill_id)
        return True

    async def _landed_before(self, entry_id: str, item: OutboxItem, sender: Any) -> bool:
        """A reclaimed entry: did its first send reach the platform after all (timeout or crash before the
        ack)? Then acknowledge it instead of posting twice."""
        try:
            landed = await sender.find_sent(replace(await self._target(item), key=entry_id))
        except Exception as err:  # a lookup that fails must not block delivery: send (at least once)
            log.warning("outbox: could not check whether %s already landed: %s", entry_id, err)
            return False
        if not landed:
            return False
        log.info("outbox: %s had already landed as %s; not sending it again", entry_id, landed)
        await self._posted(entry_id, item, landed, str(await self.redis.get(drill_key_for(entry_id)) or ""))
        return True

    async def _posted(self, entry_id: str, item: OutboxItem, message_id: str, drill_id: str) -> None:
        if drill_id and message_id:
            await self.engine.remember_channel_post(item.platform, item.workspace, item.channel, message_id,
                                                    drill_id)
        await self._ack(entry_id, sent_key_for(entry_id), message_id or "1")

    async def _target(self, item: OutboxItem) -> Target:
        if item.kind == "reminder":
            member = MemberRef.from_pid(item.key)
            channel = item.channel or (await self.engine.store.profile(member)).dm_channel
            return Target(item.platform, item.workspace, channel or "", user=member.user)
        if item.kind == "digest":  # `channel` is the channel reported on ('' = workspace): sent to the manager's DM
            return Target(item.platform, item.workspace, "", user=item.user)
        if item.kind == INVITE_KIND:  # `channel` is the channel whose weekly role-play it is: sent to the DM
            member = MemberRef.from_pid(item.key)
            dm = (await self.engine.store.profile(member)).dm_channel
            return Target(item.platform, item.workspace, dm or "", user=member.user)
        return Target(item.platform, item.workspace, item.channel)

    async def _build(self, item: OutboxItem) -> tuple[Target, Reply, str] | None:
        if item.kind == "reminder":
            reply = await self.engine.member_drill(MemberRef.from_pid(item.key))
            if reply is None:
                return None
            return await self._target(item), reply, ""
        if item.kind == "digest":
            return await self._target(item), await self.engine.reports.reply(
                Scope(item.platform, item.workspace, item.channel), digest=True), ""
        if item.kind == CHANNEL_KIND:
            return await self._target(item), weekly_channel_reply(item.skill), ""
        if item.kind == INVITE_KIND:  # paused or forgotten since it was enqueued: nothing
            member = MemberRef.from_pid(item.key)
            if (await self.engine.store.profile(member)).paused or \
                    not await self.redis.exists(invite_fired_key_for(item.key, item.day)):  # gone: `forget me`
                return None
            return await self._target(item), weekly_invite_reply(item.skill), ""
        reply, drill = await self.engine.channel_drill((item.skill,) if item.skill else ())
        return await self._target(item), reply, drill.id

    async def _send(self, sender: Any, target: Target, reply: Reply, kind: str = "") -> str:
        waits = 0
        while True:
            await self._pace(target, kind)
            try:
                return str(await sender.send(target, reply))
            except RateLimited as limited:
                waits += 1
                if waits > self.max_rate_limit_waits:
                    raise
                until = time.monotonic() + limited.retry_after
                self._blocked_until[target.platform] = max(self._blocked_until.get(target.platform, 0.0), until)

    async def _pace(self, target: Target, kind: str = "") -> None:
        """Wait for the platform's back-off, then for this channel's next free slot (reserved synchronously).
        A weekly role-play's invitations share one lane per workspace, so a big channel's DMs trickle out.
        A send that wakes late (busy loop) must not bring the next closer than `interval`: each also waits out
        `interval` since the lane's latest send started, and marks its own start with no await before posting."""
        blocked = self._blocked_until.get(target.platform, 0.0) - time.monotonic()
        if blocked > 0:
            await asyncio.sleep(blocked)
        lane = kind == INVITE_KIND
        interval = self.pace.get(f"{target.platform}:{INVITE_KIND}" if lane else target.platform, 0.0)
        if interval <= 0:
            return
        key = (target.platform, target.workspace, f"#{INVITE_KIND}" if lane else target.channel or f"@{target.user}")
        now = time.monotonic()
        slot = max(now, self._next_slot.get(key, 0.0))
        self._next_slot[key] = slot + interval
        if len(self._next_slot) > 50_000:
            self._next_slot = {k: v for k, v in self._next_slot.items() if v > now}
            self._last_post = {k: v for k, v in self._last_post.items() if v > now - interval}
        if slot > now:
            await asyncio.sleep(slot - now)
        while (late := self._last_post.get(key, -interval) + interval - time.monotonic()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(late)  # re-checked: another send of the lane may have started meanwhile
        self._last_post[key] = time.monotonic()

    async def _ack(self, entry_id: str, sent_key: str = "", message_id: str = "") -> None:
        """Acknowledge, in one MULTI with the sent marker when there is one."""
        async with self.redis.pipeline(transaction=True) as pipe:
            if sent_key:
                pipe.set(sent_key, message_id, ex=SENT_TTL)
            pipe.xack(STREAM, GROUP, entry_id)
            pipe.xdel(STREAM, entry_id)
            pipe.delete(drill_key_for(entry_id))  # delivered: nothing of it (a member id for reminders) stays behind
            pipe.hdel(ATTEMPTS, entry_id)
            await pipe.execute()

    async def _failed(self, entry_id: str, item: OutboxItem, reason: str) -> bool:
        """Count a failed attempt; after `max_attempts` park the entry in the dead stream so it stops retrying."""
        attempts = int(await self.redis.hincrby(ATTEMPTS, entry_id, 1))
        if attempts >= self.max_attempts:
            log.error("outbox: giving up on %s (%s %s) after %d attempts: %s", entry_id, item.kind, item.key,
                      attempts, reason)
            await self.redis.xadd(DEAD_STREAM, {**item.to_fields(), "entry": entry_id, "reason": reason[:500]},
                                  maxlen=10_000, approximate=True)
            await self._ack(entry_id)
        return False
