"""All Redis state of the engine. Every member key carries the member id as a hash tag, so every
multi-key operation on one member stays in one Cluster slot.

Keys (see ARCHITECTURE.md):
  oars:m:{pid}:profile   hash   tz, reminder, paused, dm_channel, name, last_tip
  oars:m:{pid}:open      string JSON of the open drill (TTL)
  oars:m:{pid}:history   list   JSON answer records, newest first, bounded
  oars:m:{pid}:streak    hash   current, longest, freezes, last_day
  oars:m:{pid}:skills    hash   skill -> SkillState JSON
  oars:m:{pid}:seen      zset   drill id -> epoch seconds last answered
  oars:m:{pid}:done:<id> string answer idempotency per platform message id (7 days)
  oars:m:{pid}:confirm   string a pending "forget me" confirmation (2 minutes)
  oars:m:{pid}:rev       string revision counter: answers commit only against the state they read
  oars:m:{pid}:inbox:<message id>   delivery claim (leased), then the replies kept for replay (1 day)
  oars:thread:{<platform>:<workspace>:<channel>}:<thread>   drill id posted in a channel thread
  oars:reminders         set    member ids with a personal reminder
  oars:changes           pub/sub channel: schedules or reminders changed
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis

from bot.inbox import CLAIM, INBOX_TTL, KEEP, LEASE_MS, SETTLE, Claim, LeaseKeeper, new_token
from bot.recording import COMMIT, NO_CHECK, AnswerState, Commit
from bot.redis_conn import replica_wait_target
from exercises.practice import SkillState
from exercises.streaks import Streak, practice_at

DONE_TTL = int(timedelta(days=7).total_seconds())
CONFIRM_TTL = 120
THREAD_TTL = int(timedelta(days=3).total_seconds())
REMINDER_INDEX = "oars:reminders"
CHANGES_CHANNEL = "oars:changes"
log = logging.getLogger(__name__)


def _safe(part: str) -> str:
    """Ids go inside a hash tag and SCAN patterns: keep braces and glob characters out."""
    return "".join("_" if ch in "{}*?[]\\ " else ch for ch in part)


@dataclass(frozen=True)
class MemberRef:
    platform: str
    workspace: str
    user: str

    @property
    def pid(self) -> str:
        return f"{_safe(self.platform)}:{_safe(self.workspace)}:{_safe(self.user)}"

    @classmethod
    def from_pid(cls, pid: str) -> MemberRef:
        platform, workspace, user = pid.split(":", 2)
        return cls(platform, workspace, user)


def _profile(raw: dict[str, str]) -> Profile:
    return Profile(
        tz=raw.get("tz", ""),
        reminder=raw.get("reminder", ""),
        paused=raw.get("paused") == "1",
        dm_channel=raw.get("dm_channel", ""),
        name=raw.get("name", ""),
        last_tip=raw.get("last_tip", ""),
    )


@dataclass(frozen=True)
class Profile:
    tz: str = ""
    reminder: str = ""
    paused: bool = False
    dm_channel: str = ""
    name: str = ""
    last_tip: str = ""


@dataclass(frozen=True)
class OpenDrill:
    drill_id: str
    asked_at: str
    attempts: int = 0
    channel: str = ""
    hints: int = 0  # hints already shown, so `hint` moves on to the next one


@dataclass(frozen=True)
class AnswerRecord:
    drill_id: str
    skill: str
    kind: str
    verdict: str
    score: int
    at: str
    message_id: str


@dataclass
class Turn:
    """One message being handled: its claim and the member state read with it (one round trip)."""

    member: MemberRef
    message_id: str
    token: str
    claim: Claim
    profile: Profile
    confirm: str
    state: AnswerState
    kept: str = ""  # the replies already written into the claim (with the answer)
    roleplay: str | None = None  # the open role-play's JSON, read in the same round trip ("" none; None unread)

    @property
    def open_drill(self) -> OpenDrill | None:
        return OpenDrill(**json.loads(self.state.open_raw)) if self.state.open_raw else None


@dataclass(frozen=True)
class Recorded:
    duplicate: bool
    streak: Streak
    skill: SkillState | None


class Store:
    """Typed access to Redis; the engine never builds a key itself."""

    def __init__(self, redis: aioredis.Redis, history_limit: int = 200, drill_ttl_hours: int = 36,
                 lease_ms: int = LEASE_MS, replicas: int = 0, replica_timeout_ms: int = 500) -> None:
        # decode_responses=True: every reply is str, which redis-py's stubs (str | bytes) can't express.
        self.redis: Any = redis
        self.history_limit = history_limit
        self.drill_ttl = int(timedelta(hours=drill_ttl_hours).total_seconds())
        self.lease_ms = lease_ms  # how long a claim outlives a holder that stopped renewing it
        self.leases = LeaseKeeper(redis, lease_ms)
        # An answer is acknowledged only once this many replicas hold it (WAIT), so a failover keeps it.
        self.replicas = replicas
        self.replica_timeout_ms = replica_timeout_ms
        self.erasers: list[Callable[[MemberRef], Awaitable[int]]] = []

    @staticmethod
    def key(member: MemberRef, part: str) -> str:
        return f"oars:m:{{{member.pid}}}:{part}"

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    # --- delivery claims (see bot.inbox) ---------------------------------------------------------
    def inbox_key(self, member: MemberRef, message_id: str) -> str:
        """Under the member's tag: claimed, answered and kept atomically; deleted by `forget me`."""
        return self.key(member, f"inbox:{message_id}")

    async def begin(self, member: MemberRef, message_id: str, token: str) -> Turn:
        """Claim the message and read what handling it needs, in one round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.eval(CLAIM, 1, self.inbox_key(member, message_id), token, self.lease_ms, INBOX_TTL)
            pipe.hgetall(self.key(member, "profile"))
            pipe.get(self.key(member, "confirm"))
            self._queue_answer_state(pipe, member, message_id)
            pipe.get(self.key(member, "roleplay"))  # bot.roleplay routes on it: no round trip of its own
            raw = await pipe.execute()
        return Turn(member, message_id, token, Claim.parse(raw[0]), _profile(raw[1]), str(raw[2] or ""),
                    AnswerState.parse(*raw[3:8]), roleplay=str(raw[8] or ""))

    async def claim_delivery(self, member: MemberRef, message_id: str, token: str = "") -> bool:
        """Claim one message alone (no state read): True when it is ours to handle."""
        raw = await self.redis.eval(CLAIM, 1, self.inbox_key(member, message_id), token or new_token(),
                                    self.lease_ms, INBOX_TTL)
        return Claim.parse(raw).state == "new"

    async def keep_replies(self, member: MemberRef, message_id: str, token: str, payload: str) -> None:
        """Remember what we answered while we send it, in case we die before the platform got it."""
        await self.redis.eval(KEEP, 1, self.inbox_key(member, message_id), token, self.lease_ms, INBOX_TTL, payload)

    async def settle_delivery(self, member: MemberRef, message_id: str, token: str, outcome: str) -> None:
        """'sent': redeliveries stay silent; 'failed': the next one gets the kept replies; 'drop': handle
        it anew. An empty token settles whoever holds the claim."""
        await self.redis.eval(SETTLE, 1, self.inbox_key(member, message_id), token, outcome)

    # --- profile ---------------------------------------------------------------------------------
    async def profile(self, member: MemberRef) -> Profile:
        return _profile(await self.redis.hgetall(self.key(member, "profile")))

    async def update_profile(self, member: MemberRef, **fields: str | bool) -> None:
        mapping = {k: ("1" if v is True else "0" if v is False else v) for k, v in fields.items()}
        await self.redis.hset(self.key(member, "profile"), mapping=mapping)

    async def set_reminder(self, member: MemberRef, hhmm: str) -> None:
        """Set ('' clears) the personal reminder and tell every scheduler process."""
        await self.update_profile(member, reminder=hhmm)
        if hhmm:
            await self.redis.sadd(REMINDER_INDEX, member.pid)
        else:
            await self.redis.srem(REMINDER_INDEX, member.pid)
        await self.announce_change()

    async def reminder_members(self) -> list[MemberRef]:
        return [MemberRef.from_pid(p) for p in sorted(await self.redis.smembers(REMINDER_INDEX))]

    async def announce_change(self) -> None:
        await self.redis.publish(CHANGES_CHANNEL, "changed")

    # --- open drill ------------------------------------------------------------------------------
    async def open_drill(self, member: MemberRef) -> OpenDrill | None:
        raw = await self.redis.get(self.key(member, "open"))
        return OpenDrill(**json.loads(raw)) if raw else None

    async def set_open_drill(self, member: MemberRef, drill: OpenDrill) -> None:
        await self.redis.set(self.key(member, "open"), json.dumps(asdict(drill)), ex=self.drill_ttl)

    async def clear_open_drill(self, member: MemberRef) -> None:
        await self.redis.delete(self.key(member, "open"))

    # --- answers, streak, progress ---------------------------------------------------------------
    def _queue_answer_state(self, pipe: Any, member: MemberRef, message_id: str) -> None:
        pipe.exists(self.key(member, f"done:{message_id}"))
        pipe.get(self.key(member, "open"))
        pipe.get(self.key(member, "rev"))
        pipe.hgetall(self.key(member, "streak"))
        pipe.hgetall(self.key(member, "skills"))

    async def answer_state(self, member: MemberRef, message_id: str) -> AnswerState:
        """Re-read what an answer depends on after a commit found it moved."""
        async with self.redis.pipeline(transaction=False) as pipe:
            self._queue_answer_state(pipe, member, message_id)
            return AnswerState.parse(*await pipe.execute())

    async def commit_answer(self, member: MemberRef, message_id: str, state: AnswerState, commit: Commit) -> str:
        """Apply one answer if `state` still holds: 'ok', 'dup' (this message was recorded) or 'moved'."""
        keys = [self.key(member, part) for part in
                (f"done:{message_id}", "open", "rev", "streak", "skills", "history", "seen")]
        keys.append(self.inbox_key(member, message_id))
        args = commit.args(state, self.history_limit, DONE_TTL, self.drill_ttl, self.lease_ms)
        if not self.replicas:
            return str(await self.redis.eval(COMMIT, len(keys), *keys, *args))
        # WAIT counts the replicas holding the writes of the connection it runs on: one pipeline keeps it on
        # the commit's connection (and on a cluster, the commit's master), still one round trip.
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.eval(COMMIT, len(keys), *keys, *args)
            pipe.execute_command("WAIT", self.replicas, self.replica_timeout_ms,
                                 **replica_wait_target(self.redis, keys[0]))
            outcome, confirmed = await pipe.execute()
        if int(confirmed) < self.replicas:
            log.warning("an answer is on the master, but %s of %s replicas confirmed it within %s ms",
                        confirmed, self.replicas, self.replica_timeout_ms)
        return str(outcome)

    async def record_answer(
        self,
        member: MemberRef,
        answer: AnswerRecord,
        tz: str,
        fold_skill: Callable[[SkillState | None], SkillState],
        close_open: bool,
    ) -> Recorded:
        """Record one graded answer, its streak day and its skill update atomically (no open-drill check).

        Idempotent per platform message id: a redelivered answer changes nothing and reports `duplicate`.
        """
        state = await self.answer_state(member, answer.message_id)
        while True:
            skill = fold_skill(state.skill(answer.skill))
            streak = practice_at(state.streak, datetime.fromisoformat(answer.at), tz)
            commit = Commit(NO_CHECK, streak, answer.skill, skill, asdict(answer), answer.drill_id,
                            datetime.fromisoformat(answer.at).timestamp(), "del" if close_open else "keep")
            outcome = await self.commit_answer(member, answer.message_id, state, commit)
            if outcome == "ok":
                return Recorded(False, streak, skill)
            if outcome == "dup":
                return Recorded(True, state.streak, None)
            state = await self.answer_state(member, answer.message_id)

    async def streak(self, member: MemberRef) -> Streak:
        return Streak.from_fields(await self.redis.hgetall(self.key(member, "streak")))

    async def skills(self, member: MemberRef) -> dict[str, SkillState]:
        raw = await self.redis.hgetall(self.key(member, "skills"))
        return {skill: SkillState.from_json(value) for skill, value in raw.items()}

    async def seen(self, member: MemberRef) -> dict[str, datetime]:
        pairs = await self.redis.zrange(self.key(member, "seen"), 0, -1, withscores=True)
        return {drill_id: datetime.fromtimestamp(score, UTC) for drill_id, score in pairs}

    async def history(self, member: MemberRef, limit: int = 20) -> list[dict[str, object]]:
        rows = await self.redis.lrange(self.key(member, "history"), 0, limit - 1)
        return [json.loads(row) for row in rows]

    # --- forget me -------------------------------------------------------------------------------
    async def ask_confirm(self, member: MemberRef, what: str) -> None:
        await self.redis.set(self.key(member, "confirm"), what, ex=CONFIRM_TTL)

    async def pop_confirm(self, member: MemberRef) -> str | None:
        value = await self.redis.getdel(self.key(member, "confirm"))
        return str(value) if value else None

    def on_forget(self, eraser: Callable[[MemberRef], Awaitable[int]]) -> None:
        """Parts that keep member data outside the member's keys (outbox, schedules, Teams references)
        register how to erase it; they run first, while the member's keys can still point at it."""
        self.erasers.append(eraser)

    async def forget(self, member: MemberRef) -> int:
        """Delete every key of this member (all share the member's hash tag prefix) and every other trace."""
        erased = 0
        for eraser in self.erasers:
            erased += await eraser(member)
        keys = [k async for k in self.redis.scan_iter(match=f"oars:m:{{{member.pid}}}:*", count=500)]
        if keys:
            await self.redis.unlink(*keys)
        if await self.redis.srem(REMINDER_INDEX, member.pid):
            await self.announce_change()
        await self._rewrite_persistence()
        return erased + len(keys)

    async def _rewrite_persistence(self) -> None:
        """Deleted keys live on in the append-only file and the last snapshot until they are rewritten: ask Redis
        to rewrite both now (in the background), so 'forget me' also leaves the disk. Best effort: a managed
        Redis may refuse these commands, and a rewrite already running is fine."""
        for command in (("BGREWRITEAOF",), ("BGSAVE", "SCHEDULE")):
            try:
                await self.redis.execute_command(*command)
            except Exception as exc:  # never fail a forget over housekeeping
                log.info("%s after a forget was not run: %s", command[0], exc)

    # --- channel drills --------------------------------------------------------------------------
    async def remember_thread_drill(
        self, platform: str, workspace: str, channel: str, thread: str, drill_id: str
    ) -> None:
        """A drill posted in a channel: replies in its thread are answers to it."""
        key = f"oars:thread:{{{_safe(platform)}:{_safe(workspace)}:{_safe(channel)}}}:{thread}"
        await self.redis.set(key, drill_id, ex=THREAD_TTL)

    async def thread_drill(self, platform: str, workspace: str, channel: str, thread: str) -> str | None:
        key = f"oars:thread:{{{_safe(platform)}:{_safe(workspace)}:{_safe(channel)}}}:{thread}"
        value = await self.redis.get(key)
        return str(value) if value else None
