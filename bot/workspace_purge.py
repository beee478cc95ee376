"""Uninstall means gone: delete every key OARS holds for one workspace (or for some of its channels).

Called by an adapter when a platform says the app was removed (Slack `app_uninstalled` / `tokens_revoked`,
Teams `installationUpdate` remove). What goes:

  oars:m:{<platform>:<workspace>:*}:*        every member's keys (profile, history, streak, delivery claims,
                                            …) and their entries in `oars:reminders`
  oars:schedule:<id> (+ `oars:schedules`)   the workspace's channel schedules, and their firing claims
  oars:{outbox} entries, sent and drill markers, attempts and dead letters for the workspace
  oars:{outbox}:fired:<schedule or member>:<date>, and members' weekly role-play invitation claims
  oars:thread:{<platform>:<workspace>:*}:*  channel-drill thread markers
  oars:posts:{<platform>:<workspace>}        channel posts recorded for team reports
  oars:roleplay-joined:{<platform>:<workspace>}:<channel>  who opted in to a channel's weekly role-play

Keys are found with SCAN (on a Cluster, on every primary) and deleted one by one in a non-transactional
pipeline, so nothing here needs its keys in one slot. Platform-specific keys (installations, conversation
references) are the adapter's to delete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.outbox import (
    ATTEMPTS,
    DEAD_STREAM,
    GROUP,
    INVITE_FIRING,
    REMINDER_FIRING,
    STREAM,
    drill_key_for,
    fired_key_for,
    sent_key_for,
)
from bot.schedules import SCHEDULE_INDEX, ScheduleStore, schedule_key
from bot.store import CHANGES_CHANNEL, REMINDER_INDEX, _safe
from bot.weekly_roleplay import joined_key

log = logging.getLogger(__name__)
_PAGE = 500


@dataclass(frozen=True)
class Scope:
    """A workspace, or only some of its channels (a Teams team removed while the tenant keeps the app)."""

    platform: str
    workspace: str
    channels: frozenset[str] | None = None  # None: the whole workspace

    def owns_channel(self, channel: str) -> bool:
        return self.channels is None or channel in self.channels


async def scan_keys(redis: Any, pattern: str) -> list[str]:
    return [str(k) async for k in redis.scan_iter(match=pattern, count=_PAGE)]


async def delete_keys(redis: Any, keys: Iterable[str]) -> int:
    """UNLINK each key on its own (pipelined): safe for keys spread over Cluster slots."""
    batch = list(dict.fromkeys(keys))
    for start in range(0, len(batch), _PAGE):
        async with redis.pipeline(transaction=False) as pipe:
            for key in batch[start:start + _PAGE]:
                pipe.execute_command("UNLINK", key)  # one key each: a ClusterPipeline splits no multi-key command
            await pipe.execute()
    return len(batch)


async def purge(redis: Any, scope: Scope) -> int:
    """Delete the scope's keys and outbox entries; returns how many keys and entries went."""
    platform, workspace = _safe(scope.platform), _safe(scope.workspace)
    removed = 0
    if scope.channels is None:
        removed += await _members(redis, platform, workspace)
        removed += await delete_keys(redis, [f"oars:posts:{{{platform}:{workspace}}}"])
    removed += await _threads(redis, platform, workspace, scope)
    removed += await _joined(redis, scope)
    removed += await _schedules(redis, scope)
    removed += await _outbox(redis, scope)
    await redis.publish(CHANGES_CHANNEL, "schedules")
    log.info("purged %s workspace %s%s: %d keys and entries", scope.platform, scope.workspace,
             "" if scope.channels is None else f" ({len(scope.channels)} channels)", removed)
    return removed


async def _members(redis: Any, platform: str, workspace: str) -> int:
    prefix = f"{platform}:{workspace}:"
    keys = await scan_keys(redis, f"oars:m:{{{prefix}*")
    pids = [str(p) async for p in redis.sscan_iter(REMINDER_INDEX, match=f"{prefix}*", count=_PAGE)]
    if pids:
        await redis.srem(REMINDER_INDEX, *pids)
    for pid in pids:  # the reminder firings of these members
        keys += await scan_keys(redis, fired_key_for(REMINDER_FIRING + pid, "*"))
    keys += await scan_keys(redis, fired_key_for(f"{INVITE_FIRING}{prefix}*", "*"))  # weekly role-play invitations
    return await delete_keys(redis, keys) + len(pids)


async def _threads(redis: Any, platform: str, workspace: str, scope: Scope) -> int:
    keys = await scan_keys(redis, f"oars:thread:{{{platform}:{workspace}:*")
    if scope.channels is not None:
        tagged = {f"oars:thread:{{{platform}:{workspace}:{_safe(c)}}}:" for c in scope.channels}
        keys = [k for k in keys if any(k.startswith(t) for t in tagged)]
    return await delete_keys(redis, keys)


async def _joined(redis: Any, scope: Scope) -> int:
    """Who pressed *Count me in* under the scope's weekly role-plays."""
    if scope.channels is None:
        return await delete_keys(redis, await scan_keys(redis, joined_key(scope.platform, scope.workspace, "*")))
    return await delete_keys(redis, [joined_key(scope.platform, scope.workspace, c) for c in scope.channels])


async def _schedules(redis: Any, scope: Scope) -> int:
    store = ScheduleStore(redis)
    gone = [s for s in await store.all()
            if (s.platform, s.workspace) == (scope.platform, scope.workspace) and scope.owns_channel(s.channel)]
    keys: list[str] = []
    for schedule in gone:
        await redis.srem(SCHEDULE_INDEX, schedule.id)
        keys.append(schedule_key(schedule.id))
        keys += await scan_keys(redis, fired_key_for(schedule.id, "*"))
    return await delete_keys(redis, keys)


def _matches(scope: Scope) -> Callable[[dict[str, str]], bool]:
    def match(fields: dict[str, str]) -> bool:
        if (fields.get("platform"), fields.get("workspace")) != (scope.platform, scope.workspace):
            return False
        return scope.owns_channel(fields.get("channel", "")) if scope.channels is not None else True
    return match


async def _outbox(redis: Any, scope: Scope) -> int:
    """Drop the scope's due deliveries (pending or not), their bookkeeping and dead letters."""
    match = _matches(scope)
    removed = 0
    for stream in (STREAM, DEAD_STREAM):
        ids = [str(entry_id) for entry_id, fields in await _entries(redis, stream) if match(fields)]
        if not ids:
            continue
        async with redis.pipeline(transaction=False) as pipe:
            if stream == STREAM:
                pipe.xack(STREAM, GROUP, *ids)
                pipe.hdel(ATTEMPTS, *ids)
                for entry_id in ids:
                    pipe.execute_command("UNLINK", sent_key_for(entry_id))
                    pipe.execute_command("UNLINK", drill_key_for(entry_id))
            pipe.xdel(stream, *ids)
            await pipe.execute()
        removed += len(ids)
    return removed


async def _entries(redis: Any, stream: str) -> list[tuple[str, dict[str, str]]]:
    """Every entry of a (capped) stream, page by page."""
    out: list[tuple[str, dict[str, str]]] = []
    start = "-"
    while True:
        page = await redis.xrange(stream, min=start, max="+", count=_PAGE)
        if not page:
            return out
        out += page
        if len(page) < _PAGE:
            return out
        start = "(" + str(page[-1][0])

