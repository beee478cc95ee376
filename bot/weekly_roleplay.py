"""The weekly role-play of a channel (`schedule roleplay …`): who is invited, and the invitations as outbox entries.

When a `roleplay` schedule falls due, the scheduler calls `WeeklyRoleplay.fire`, which enqueues the invitations
before it claims the channel post, so a crash in between is mended by the next firing attempt (every claim is
SET NX):
- each member on the channel's roster gets an outbox entry of kind `roleplay_invite` (a DM offering a one-click
  start), claimed once per member and ISO week in `oars:{outbox}:fired:roleplay:<pid>:<week>`: two processes, a
  retry or a second channel's weekly role-play in the same week never invite anyone twice;
- then the channel post itself (kind `roleplay`) is claimed per schedule and local date like any schedule.
The roster is the channel's team as team reports define it (members who answered one of the channel's drills in
the last four weeks) and whoever opted in, minus whoever paused. `forget me` takes a member off every roster;
their pending invitation and its claims go with their other outbox entries (`bot.outbox.forget_member`), and
the sender checks again (paused, or the claim gone with `forget me`) just before sending. Members not yet on the
roster press *Count me in* under the channel's post (or type `roleplay join` there): they join
`oars:roleplay-joined:{platform:workspace}:<channel>`, and get this week's invitation at once if it went out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.messages import Inbound, Reply
from bot.outbox import INVITE_KIND, OutboxItem, enqueue, fired_key_for, invite_fired_key_for
from bot.schedules import Schedule, ScheduleStore
from bot.store import MemberRef, Store, _safe
from bot.team_data import TeamData
from exercises.schedule_math import iso_week, last_fire, local_date, next_fire
from exercises.team_report import Answer, ChannelPost, MemberActivity, channel_team

log = logging.getLogger(__name__)
ACTIVE_FOR = timedelta(days=28)
INVITE_FIRED_TTL = 9 * 24 * 3600  # outlives the week it claims
_BATCH = 200


def invite_fired_key(member: MemberRef, day: str) -> str:
    return invite_fired_key_for(member.pid, day)


def joined_key(platform: str, workspace: str, channel: str) -> str:
    """Who pressed *Count me in* under a channel's weekly role-play post (user ids; the workspace's hash tag)."""
    return f"oars:roleplay-joined:{{{_safe(platform)}:{_safe(workspace)}}}:{channel}"


def _answerers(pids: Sequence[str], histories: Sequence[Sequence[str]], posts: Sequence[ChannelPost]) -> set[str]:
    """The pids among `pids` whose answer records (JSON rows, as bot.store writes them) answer one of `posts`."""
    wanted = {post.drill_id for post in posts}
    members = []
    for pid, rows in zip(pids, histories, strict=True):
        answers = []
        for row in rows:
            try:
                record = json.loads(row)
                if record.get("drill_id") in wanted:
                    answers.append(Answer(str(record["drill_id"]), "", 0, datetime.fromisoformat(str(record["at"]))))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        if answers:
            members.append(MemberActivity(pid, tuple(answers)))
    return {member.key for member in channel_team(members, posts)}


class WeeklyRoleplay:
    """Roster and fan-out for one firing of a weekly role-play schedule."""

    def __init__(self, store: Store, team: TeamData, clock: Clock | None = None) -> None:
        self.store = store
        self.team = team
        self.clock = clock or Clock()
        self.redis: Any = store.redis

    async def roster(self, platform: str, workspace: str, channel: str, now: datetime) -> list[MemberRef]:
        """Members who answered one of this channel's drills in the last four weeks, or pressed *Count me in*
        under its weekly role-play post, and have not paused."""
        keys = await self._channel_team(platform, workspace, channel, now)
        keys |= {MemberRef(platform, workspace, user).pid
                 for user in await self.redis.smembers(joined_key(platform, workspace, channel))}
        refs = [MemberRef.from_pid(key) for key in sorted(keys)]
        if not refs:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for member in refs:
                pipe.hget(self.store.key(member, "profile"), "paused")
            paused = await pipe.execute()
        return [member for member, flag in zip(refs, paused, strict=True) if flag != "1"]

    async def _channel_team(self, platform: str, workspace: str, channel: str, now: datetime) -> set[str]:
        """Pids of whoever answered one of the channel's drills (posted in the last four weeks) in its thread's
        life. Only answer histories are read, and parsed in a worker thread: a big workspace's firing must not
        hold up the event loop that also answers members."""
        posts = await self.team.posts(platform, workspace, channel, now - ACTIVE_FOR)
        if not posts:
            return set()
        refs = await self.team.member_refs(platform, workspace)
        keys: set[str] = set()
        for start in range(0, len(refs), _BATCH):
            chunk = refs[start:start + _BATCH]
            async with self.redis.pipeline(transaction=False) as pipe:
                for member in chunk:
                    pipe.lrange(self.store.key(member, "history"), 0, -1)
                histories = await pipe.execute()
            keys |= await asyncio.to_thread(_answerers, [m.pid for m in chunk], histories, posts)
        return keys

    async def fire(self, post: OutboxItem, fired_key: str, now: datetime) -> str | None:
        """One firing: the invitations first, then the channel post claimed under `fired_key` (the "done" mark,
        so a firing that died half-way is completed by the next attempt); the post's entry id, or None when this
        firing was claimed already."""
        if await self.redis.exists(fired_key):
            return None
        await self.fan_out(post, now)
        return await enqueue(self.redis, fired_key, post)

    async def fan_out(self, post: OutboxItem, now: datetime) -> int:
        """Enqueue one invitation per roster member not yet invited this week; how many were enqueued."""
        invited = 0
        for member in await self.roster(post.platform, post.workspace, post.channel, now):
            item = OutboxItem(INVITE_KIND, member.pid, member.platform, member.workspace, post.channel, member.user,
                              post.skill, post.due, post.day)
            if await enqueue(self.redis, invite_fired_key(member, post.day), item, fired_ttl=INVITE_FIRED_TTL):
                invited += 1
        log.info("weekly role-play %s: %d invitations enqueued", post.key, invited)
        return invited

    # --- opting in from the channel ---------------------------------------------------------------
    async def join(self, member: MemberRef, msg: Inbound) -> list[Reply]:
        """*Count me in* under the channel's post (or `roleplay join` there): on the roster from now on, and, if
        this week's role-play went out already, this week's invitation at once (the same weekly claim)."""
        if msg.is_direct:
            return [Reply("Press *Count me in* under a channel's weekly role-play post to get its invitations. Here "
                          "you can start one any time: type `roleplay`.", private=True)]
        weekly = [s for s in await ScheduleStore(self.redis).all() if s.kind == "roleplay" and not s.paused
                  and (s.platform, s.workspace, s.channel) == (msg.platform, msg.workspace, msg.channel)]
        if not weekly:
            return [Reply("This channel has no weekly role-play at the moment. You can play one any time: DM me "
                          "`roleplay`.", private=True)]
        await self.redis.sadd(joined_key(msg.platform, msg.workspace, msg.channel), member.user)
        if (await self.store.profile(member)).paused:
            return [Reply("You're on the list for this channel's weekly role-play, but you have paused me: `resume` "
                          "in our direct chat brings the invitations (and your reminders) back.", private=True)]
        now = self.clock.now()
        for schedule in weekly:
            sent = await self._this_week(member, schedule, now)
            if sent is not None:
                news = "this week's is on its way to our direct chat" if sent else "this week's is in our direct chat"
                return [Reply(f"You're in: {news}, and a new one comes every week. `pause` stops them.",
                              private=True)]
        first = min((next_fire(now, s.at_time, s.tz, s.day_numbers), s.tz) for s in weekly)
        return [Reply(f"You're in: your first invitation comes to our direct chat on "
                      f"{first[0].astimezone(ZoneInfo(first[1])):%a %d %b at %H:%M} ({first[1]}), then one every week. "
                      "`pause` stops them.", private=True)]

    async def _this_week(self, member: MemberRef, schedule: Schedule, now: datetime) -> bool | None:
        """None when the schedule has not fired yet this week; else whether a new invitation was enqueued."""
        due = last_fire(now, schedule.at_time, schedule.tz, schedule.day_numbers)
        day = local_date(due, schedule.tz).isoformat()
        if iso_week(day) != iso_week(local_date(now, schedule.tz).isoformat()) or \
                not await self.redis.exists(fired_key_for(schedule.id, day)):
            return None
        item = OutboxItem(INVITE_KIND, member.pid, member.platform, member.workspace, schedule.channel, member.user,
                          schedule.skill, due.isoformat(), day)
        return await enqueue(self.redis, invite_fired_key(member, day), item, fired_ttl=INVITE_FIRED_TTL) is not None

    async def forget(self, member: MemberRef) -> int:
        """`forget me`: off every channel's list."""
        removed = 0
        pattern = f"oars:roleplay-joined:{{{_safe(member.platform)}:{_safe(member.workspace)}}}:*"
        async for key in self.redis.scan_iter(match=pattern, count=500):
            removed += int(await self.redis.srem(key, member.user))
        return removed
