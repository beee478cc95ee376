"""Reading (and the few writes behind) team reports: member activity from Redis, as `exercises.team_report` input.

Everything personal stays under the member's own hash tag, so `forget me` (which deletes `oars:m:{pid}:*`)
removes a member from every future report without a separate clean-up:
  oars:m:{pid}:history   the answer records the engine writes anyway (drill, skill, score, time)
  oars:m:{pid}:tips      list   "epoch|topic skill" of each `tip <situation>`, newest first, capped
  oars:m:{pid}:profile   field `reports` = "out" while the member has opted out of reports
  oars:m:{pid}:roleplays the role-play summaries bot.roleplay keeps (question and reflection counts)
Channel posts carry no personal data:
  oars:posts:{platform:workspace}   zset  "channel|thread|drill id" -> epoch posted (kept 120 days)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.store import MemberRef, Store
from exercises.streaks import Streak, as_of, local_day
from exercises.team_report import (
    Answer,
    ChannelPost,
    MemberActivity,
    RoleplayRun,
    TeamReport,
    build_report,
    channel_team,
    windows,
)

log = logging.getLogger(__name__)
POSTS_KEEP = timedelta(days=120)
TIPS_KEEP = 50
OPT_FIELD = "reports"
_BATCH = 200


def posts_key(platform: str, workspace: str) -> str:
    prefix = MemberRef(platform, workspace, "").pid.rstrip(":")
    return f"oars:posts:{{{prefix}}}"


@dataclass(frozen=True)
class Scope:
    """Whose report: a workspace, or one channel's team within it."""

    platform: str
    workspace: str
    channel: str = ""


def _roleplays(rows: Sequence[str]) -> list[RoleplayRun]:
    """The counts team figures need from each finished role-play (`oars:m:{pid}:roleplays`, bot.roleplay)."""
    runs = []
    for row in rows:
        try:
            data = json.loads(row)
            opened, closed = int(data["open_questions"]), int(data["closed_questions"])
            runs.append(RoleplayRun(datetime.fromisoformat(str(data["at"])),
                                    int(data["simple_reflections"]) + int(data["complex_reflections"]),
                                    opened + closed, opened))
        except (ValueError, KeyError, TypeError):
            log.debug("unreadable role-play summary skipped")
    return runs


class TeamData:
    """Redis side of reports; the arithmetic lives in `exercises.team_report`."""

    def __init__(self, store: Store, default_tz: str = "UTC") -> None:
        self.store = store
        self.redis: Any = store.redis
        self.default_tz = default_tz

    # --- writes ----------------------------------------------------------------------------------
    async def note_channel_post(self, platform: str, workspace: str, channel: str, thread: str, drill_id: str,
                                at: datetime) -> None:
        key = posts_key(platform, workspace)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {f"{channel}|{thread}|{drill_id}": at.timestamp()})
            pipe.zremrangebyscore(key, "-inf", (at - POSTS_KEEP).timestamp())
            await pipe.execute()

    async def note_tip(self, member: MemberRef, topic: str, at: datetime) -> None:
        """Remember the topic (a skill name, never the words typed) of a tip someone asked for."""
        key = self.store.key(member, "tips")
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.lpush(key, f"{int(at.timestamp())}|{topic}")
            pipe.ltrim(key, 0, TIPS_KEEP - 1)
            await pipe.execute()

    async def set_opted_out(self, member: MemberRef, out: bool) -> None:
        await self.redis.hset(self.store.key(member, "profile"), OPT_FIELD, "out" if out else "in")

    async def opted_out(self, member: MemberRef) -> bool:
        return bool(await self.redis.hget(self.store.key(member, "profile"), OPT_FIELD) == "out")

    # --- reads -----------------------------------------------------------------------------------
    async def member_refs(self, platform: str, workspace: str) -> list[MemberRef]:
        """Every member who has practised in this workspace (one SCAN over answer histories): asking for a
        report or only saying hello does not put someone on the team."""
        prefix = MemberRef(platform, workspace, "").pid
        pattern = f"oars:m:{{{prefix}*}}:history"
        found = []
        async for key in self.redis.scan_iter(match=pattern, count=1000):
            pid = str(key)[len("oars:m:{"):-len("}:history")]
            found.append(MemberRef.from_pid(pid))
        return sorted(found, key=lambda m: m.pid)

    async def activity(self, platform: str, workspace: str, now: datetime) -> list[MemberActivity]:
        """Each member's answers, streak and tip topics, leaving out whoever opted out of reports."""
        refs = await self.member_refs(platform, workspace)
        out: list[MemberActivity] = []
        for start in range(0, len(refs), _BATCH):
            chunk = refs[start:start + _BATCH]
            async with self.redis.pipeline(transaction=False) as pipe:
                for member in chunk:
                    pipe.hmget(self.store.key(member, "profile"), "tz", OPT_FIELD)
                    pipe.lrange(self.store.key(member, "history"), 0, -1)
                    pipe.hgetall(self.store.key(member, "streak"))
                    pipe.lrange(self.store.key(member, "tips"), 0, -1)
                    pipe.lrange(self.store.key(member, "roleplays"), 0, -1)
                rows = await pipe.execute()
            for index, member in enumerate(chunk):
                (tz, opted), history, streak, tips, roleplays = rows[5 * index:5 * index + 5]
                if opted == "out":
                    continue
                activity = self._member(member, tz or self.default_tz, history, streak, tips, now)
                out.append(replace(activity, roleplays=tuple(_roleplays(roleplays))))
        return out

    def _member(self, member: MemberRef, tz: str, history: Sequence[str], streak_fields: dict[str, str],
                tips: Sequence[str], now: datetime) -> MemberActivity:
        answers = []
        for row in history:
            try:
                record = json.loads(row)
                answers.append(Answer(str(record["drill_id"]), str(record["skill"]), int(record["score"]),
                                      datetime.fromisoformat(str(record["at"]))))
            except (ValueError, KeyError, TypeError):
                log.debug("unreadable history record skipped")
        asked = []
        for row in tips:
            epoch, _, topic = str(row).partition("|")
            if epoch.isdigit() and topic:
                asked.append((datetime.fromtimestamp(int(epoch), UTC), topic))
        streak = Streak.from_fields(streak_fields or {})
        try:
            current = as_of(streak, local_day(now, tz)).current
        except (KeyError, ValueError):
            current = as_of(streak, local_day(now, "UTC")).current
        return MemberActivity(member.pid, tuple(answers), current, tuple(asked))

    async def posts(self, platform: str, workspace: str, channel: str, since: datetime) -> list[ChannelPost]:
        raw = await self.redis.zrangebyscore(posts_key(platform, workspace), since.timestamp() - 1, "+inf",
                                             withscores=True)
        out = []
        for entry, score in raw:
            where, _, rest = str(entry).partition("|")
            drill_id = rest.rpartition("|")[2]
            if drill_id and (not channel or where == channel):
                out.append(ChannelPost(where, drill_id, datetime.fromtimestamp(score, UTC)))
        return out

    async def report(self, scope: Scope, now: datetime, weeks: int = 4) -> TeamReport:
        """The team report for a workspace or a channel, as of `now`."""
        since = windows(now, max(2, weeks))[0].start
        members = await self.activity(scope.platform, scope.workspace, now)
        posts = await self.posts(scope.platform, scope.workspace, scope.channel, since - timedelta(days=3))
        if scope.channel:
            members = channel_team(members, [p for p in posts if p.at > since - timedelta(days=3)])
        return build_report(members, now, weeks, posts)
