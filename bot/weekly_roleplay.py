"""The weekly role-play of a channel (`schedule roleplay …`): who is invited, and the invitations as outbox entries.

When a `roleplay` schedule falls due, the scheduler calls `WeeklyRoleplay.fire`, which enqueues the invitations
before it claims the channel post, so a crash in between is mended by the next firing attempt (every claim is
SET NX):
- each member on the channel's roster gets an outbox entry of kind `roleplay_invite` (a DM offering a one-click
  start), claimed once per member and ISO week in `oars:{outbox}:fired:roleplay:<pid>:<week>`: two processes, a
  retry or a second channel's weekly role-play in the same week never invite anyone twice;
- then the channel post itself (kind `roleplay`) is claimed per schedule and local date like any schedule.
The roster is the channel's team as team reports define it (members who answered one of the channel's drills in
the last four weeks), minus whoever paused. A member who typed `forget me` has no history, so is on no roster;
their pending invitation and its claims go with their other outbox entries (`bot.outbox.forget_member`), and
the sender checks again (paused, or no history left) just before sending.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot.outbox import INVITE_FIRING, INVITE_KIND, OutboxItem, enqueue, fired_key_for
from bot.store import MemberRef, Store
from bot.team_data import TeamData
from exercises.team_report import channel_team

log = logging.getLogger(__name__)
ACTIVE_FOR = timedelta(days=28)
INVITE_FIRED_TTL = 9 * 24 * 3600  # outlives the week it claims


def iso_week(day: str) -> str:
    """'2026-03-02' -> '2026-W10': the week an invitation counts for."""
    year, week, _ = datetime.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def invite_fired_key(member: MemberRef, day: str) -> str:
    return fired_key_for(f"{INVITE_FIRING}{member.pid}", iso_week(day))


class WeeklyRoleplay:
    """Roster and fan-out for one firing of a weekly role-play schedule."""

    def __init__(self, store: Store, team: TeamData) -> None:
        self.store = store
        self.team = team
        self.redis: Any = store.redis

    async def roster(self, platform: str, workspace: str, channel: str, now: datetime) -> list[MemberRef]:
        """Members who answered one of this channel's drills in the last four weeks and have not paused."""
        members = await self.team.activity(platform, workspace, now, include_opted_out=True)
        posts = await self.team.posts(platform, workspace, channel, now - ACTIVE_FOR)
        keys = {m.key for m in channel_team(members, posts)}
        refs = [MemberRef.from_pid(key) for key in sorted(keys)]
        if not refs:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for member in refs:
                pipe.hget(self.store.key(member, "profile"), "paused")
            paused = await pipe.execute()
        return [member for member, flag in zip(refs, paused, strict=True) if flag != "1"]

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

