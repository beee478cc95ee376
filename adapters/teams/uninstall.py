"""`installationUpdate` with action `remove`: what OARS kept for that installation is deleted.

  personal scope  the member: every `oars:m:{teams:<tenant>:<user>}:*` key (as `forget me`) and the chat's reference
  team scope      every channel of the team OARS has heard from (`oars:teams:team:{<tenant>:<team>}` lists them):
                  their conversation references, schedules, thread markers and queued deliveries, and the index
  group chat      the same for that one conversation

A tenant's other teams and its members' own data stay: removing the app from one team is not a member's
`forget me`.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.schema import Activity

from adapters.teams.inbound import is_personal, tenant_of, user_of
from adapters.teams.references import _safe, base_conversation_id, conversation_key
from bot.store import MemberRef, Store
from bot.workspace_purge import Scope, delete_keys, purge

log = logging.getLogger(__name__)
PLATFORM = "teams"


def team_index_key(tenant: str, team: str) -> str:
    return f"oars:teams:team:{{{_safe(tenant)}:{_safe(team)}}}"


def team_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team") if isinstance(data.get("team"), dict) else None
    return str(team["id"]) if team and team.get("id") else None


def is_removal(activity: Activity) -> bool:
    return activity.type == "installationUpdate" and (activity.action or "").startswith("remove")


async def remember_channel(redis: Any, activity: Activity) -> None:
    """Note that this channel belongs to its team, so removing the app from the team can find it."""
    team = team_of(activity)
    if team and activity.conversation and activity.conversation.id:
        await redis.sadd(team_index_key(tenant_of(activity), team), base_conversation_id(activity.conversation.id))


async def forget_installation(store: Store, activity: Activity) -> int:
    """Delete what the removed installation leaves behind; returns how many keys and entries went."""
    redis = store.redis
    tenant = tenant_of(activity)
    conversation = base_conversation_id(str(activity.conversation.id)) if activity.conversation else ""
    if is_personal(activity):
        user = user_of(activity)
        removed = await store.forget(MemberRef(PLATFORM, tenant, user)) if user else 0
        removed += await delete_keys(redis, [conversation_key(tenant, conversation)] if conversation else [])
        log.info("teams app removed from a personal chat: the member's data deleted")
        return removed
    team = team_of(activity)
    channels = {conversation} if conversation else set()
    if team:
        channels |= {str(c) for c in await redis.smembers(team_index_key(tenant, team))}
        channels.add(team)  # a team's id is its General channel's conversation id
    removed = await purge(redis, Scope(PLATFORM, tenant, frozenset(channels)))
    keys = [conversation_key(tenant, c) for c in channels] + ([team_index_key(tenant, team)] if team else [])
    removed += await delete_keys(redis, keys)
    log.info("teams app removed from %s: %d channels forgotten", "a team" if team else "a chat", len(channels))
    return removed
