"""Conversation references in Redis, so the scheduler can message a Teams conversation later.

Keys:
  oars:teams:ref:{<tenant>:<conversation id>}   JSON of the botbuilder ConversationReference (no user)
  oars:m:{teams:<tenant>:<user>}:teams_ref      the member's personal-chat conversation id

The member key lives under the member's hash tag, so `forget me` (which deletes `oars:m:{pid}:*`)
removes the mapping, and `References.forget` (registered with the store) removes the personal chat's
reference; channel references keep no personal data (the user account is dropped).
"""

from __future__ import annotations

import json
from typing import Any

from bot.store import MemberRef

PLATFORM = "teams"


def _safe(part: str) -> str:
    """Keep braces and glob characters out of the hash tag (Teams ids contain ':' '@' ';')."""
    return "".join("_" if ch in "{}*?[]\\ " else ch for ch in part)


def base_conversation_id(conversation_id: str) -> str:
    """A channel reply's conversation id carries `;messageid=<root>`; the channel is the part before."""
    return conversation_id.split(";messageid=", 1)[0]


def conversation_key(tenant: str, conversation_id: str) -> str:
    return f"oars:teams:ref:{{{_safe(tenant)}:{_safe(base_conversation_id(conversation_id))}}}"


def member_key(tenant: str, user: str) -> str:
    return f"oars:m:{{{MemberRef(PLATFORM, tenant, user).pid}}}:teams_ref"


class References:
    """Reads and writes reference JSON; `redis` is the engine store's redis.asyncio client (str replies)."""

    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def save(self, tenant: str, reference: dict[str, Any], personal_user: str | None = None) -> None:
        """Store the reference for its conversation; for a personal chat also map the member to it."""
        ref = dict(reference)
        conversation = dict(ref.get("conversation") or {})
        conversation_id = base_conversation_id(str(conversation.get("id", "")))
        if not conversation_id:
            return
        conversation["id"] = conversation_id
        ref["conversation"] = conversation
        ref.pop("user", None)
        ref.pop("activityId", None)  # proactive posts start a new message, never reply to an old one
        value = json.dumps(ref, sort_keys=True, separators=(",", ":"))
        key = conversation_key(tenant, conversation_id)
        if await self.redis.get(key) != value:
            await self.redis.set(key, value)
        if personal_user:
            mkey = member_key(tenant, personal_user)
            if await self.redis.get(mkey) != conversation_id:
                await self.redis.set(mkey, conversation_id)

    async def forget(self, member: MemberRef) -> int:
        """`forget me`: the member's personal chat reference goes too (its conversation id is theirs alone)."""
        if member.platform != PLATFORM:
            return 0
        conversation_id = await self.redis.get(member_key(member.workspace, member.user))
        if not conversation_id:
            return 0
        return int(await self.redis.delete(conversation_key(member.workspace, str(conversation_id))))

    async def for_conversation(self, tenant: str, conversation_id: str) -> dict[str, Any] | None:
        raw = await self.redis.get(conversation_key(tenant, conversation_id))
        return json.loads(raw) if raw else None

    async def for_member(self, tenant: str, user: str) -> dict[str, Any] | None:
        """The member's personal chat, if they ever talked to the bot there (and were not forgotten)."""
        conversation_id = await self.redis.get(member_key(tenant, user))
        if not conversation_id:
            return None
        return await self.for_conversation(tenant, str(conversation_id))
