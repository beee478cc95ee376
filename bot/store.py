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
  oars:inbox:<platform>:<workspace>:<message id>   delivery dedupe (1 day)
  oars:thread:{<platform>:<workspace>:<channel>}:<thread>   drill id posted in a channel thread
  oars:reminders         set    member ids with a personal reminder
  oars:changes           pub/sub channel: schedules or reminders changed
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from exercises.practice import SkillState
from exercises.streaks import Streak, practice_at

DEDUPE_TTL = int(timedelta(days=1).total_seconds())
DONE_TTL = int(timedelta(days=7).total_seconds())
CONFIRM_TTL = 120
THREAD_TTL = int(timedelta(days=3).total_seconds())
REMINDER_INDEX = "oars:reminders"
CHANGES_CHANNEL = "oars:changes"


# Inbox value: "1" while handling, then the replies JSON; "R:" + JSON once marked for replay.
_MARK_REPLAY = """
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if v == '1' then redis.call('DEL', KEYS[1]) return 1 end
if string.sub(v, 1, 2) ~= 'R:' then redis.call('SET', KEYS[1], 'R:' .. v, 'KEEPTTL') end
return 1
"""
_TAKE_REPLAY = """
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 2) == 'R:' then
  local payload = string.sub(v, 3)
  redis.call('SET', KEYS[1], payload, 'KEEPTTL')
  return payload
end
return false
"""


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


@dataclass(frozen=True)
class AnswerRecord:
    drill_id: str
    skill: str
    kind: str
    verdict: str
    score: int
    at: str
    message_id: str


@dataclass(frozen=True)
class Recorded:
    duplicate: bool
    streak: Streak
    skill: SkillState | None


class Store:
    """Typed access to Redis; the engine never builds a key itself."""

    def __init__(self, redis: aioredis.Redis, history_limit: int = 200, drill_ttl_hours: int = 36) -> None:
        # decode_responses=True: every reply is str, which redis-py's stubs (str | bytes) can't express.
        self.redis: Any = redis
        self.history_limit = history_limit
        self.drill_ttl = int(timedelta(hours=drill_ttl_hours).total_seconds())

    @staticmethod
    def key(member: MemberRef, part: str) -> str:
        return f"oars:m:{{{member.pid}}}:{part}"

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    # --- delivery dedupe -------------------------------------------------------------------------
    async def claim_delivery(self, platform: str, workspace: str, message_id: str) -> bool:
        """First delivery of this platform message wins; retries and redeliveries get False."""
        return bool(await self.redis.set(self._inbox(platform, workspace, message_id), "1", nx=True, ex=DEDUPE_TTL))

    async def release_delivery(self, platform: str, workspace: str, message_id: str) -> None:
        """Let a retry through after we failed to handle the first delivery."""
        await self.redis.delete(self._inbox(platform, workspace, message_id))

    @staticmethod
    def _inbox(platform: str, workspace: str, message_id: str) -> str:
        return f"oars:inbox:{_safe(platform)}:{_safe(workspace)}:{message_id}"

    async def keep_replies(self, platform: str, workspace: str, message_id: str, payload: str) -> None:
        """Remember what we answered (for the dedupe window), in case the platform never got it."""
        await self.redis.set(self._inbox(platform, workspace, message_id), payload, xx=True, keepttl=True)

    async def mark_for_replay(self, platform: str, workspace: str, message_id: str) -> None:
        """Our send failed: the next redelivery gets the kept replies again (or is handled anew)."""
        await self.redis.eval(_MARK_REPLAY, 1, self._inbox(platform, workspace, message_id))

    async def take_replay(self, platform: str, workspace: str, message_id: str) -> str | None:
        """The kept replies if this message was marked for replay (once), else None."""
        value = await self.redis.eval(_TAKE_REPLAY, 1, self._inbox(platform, workspace, message_id))
        return str(value) if value else None

    # --- profile ---------------------------------------------------------------------------------
    async def profile(self, member: MemberRef) -> Profile:
        raw = await self.redis.hgetall(self.key(member, "profile"))
        return Profile(
            tz=raw.get("tz", ""),
            reminder=raw.get("reminder", ""),
            paused=raw.get("paused") == "1",
            dm_channel=raw.get("dm_channel", ""),
            name=raw.get("name", ""),
            last_tip=raw.get("last_tip", ""),
        )

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
    async def record_answer(
        self,
        member: MemberRef,
        answer: AnswerRecord,
        tz: str,
        fold_skill: Callable[[SkillState | None], SkillState],
        close_open: bool,
    ) -> Recorded:
        """Record one graded answer, its streak day and its skill update in one MULTI/EXEC.

        Optimistic (WATCH) so the streak and skill arithmetic stay in Python; idempotent per platform
        message id: a redelivered answer changes nothing and reports `duplicate`.
        """
        done = self.key(member, f"done:{answer.message_id}")
        streak_key, skills_key = self.key(member, "streak"), self.key(member, "skills")
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(done, streak_key, skills_key)
                    old_streak = Streak.from_fields(await pipe.hgetall(streak_key))
                    if await pipe.exists(done):
                        await pipe.unwatch()
                        return Recorded(True, old_streak, None)
                    raw_skill = await pipe.hget(skills_key, answer.skill)
                    skill = fold_skill(SkillState.from_json(raw_skill) if raw_skill else None)
                    streak = practice_at(old_streak, datetime.fromisoformat(answer.at), tz)
                    answered_at = datetime.fromisoformat(answer.at).timestamp()
                    pipe.multi()
                    pipe.set(done, "1", ex=DONE_TTL)
                    pipe.hset(streak_key, mapping=streak.to_fields())
                    pipe.hset(skills_key, answer.skill, skill.to_json())
                    pipe.lpush(self.key(member, "history"), json.dumps(asdict(answer)))
                    pipe.ltrim(self.key(member, "history"), 0, self.history_limit - 1)
                    pipe.zadd(self.key(member, "seen"), {answer.drill_id: answered_at})
                    if close_open:
                        pipe.delete(self.key(member, "open"))
                    await pipe.execute()
                    return Recorded(False, streak, skill)
                except WatchError:
                    continue

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

    async def forget(self, member: MemberRef) -> int:
        """Delete every key of this member (all share the member's hash tag prefix)."""
        keys = [k async for k in self.redis.scan_iter(match=f"oars:m:{{{member.pid}}}:*", count=500)]
        if keys:
            await self.redis.unlink(*keys)
        if await self.redis.srem(REMINDER_INDEX, member.pid):
            await self.announce_change()
        return len(keys)

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
