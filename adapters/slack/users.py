"""Who is asking: manager status, time zone and name from users.info, and each member's DM channel.

Cached per process for a few minutes: users.info is Tier 4 but every message would otherwise call it,
and time zones rarely change mid-conversation. Admin status is re-read (`fresh`) whenever it grants
something: a `schedule` command, the schedule shortcut and form. Both caches are bounded (least recently
used out first), so memory stays flat however many members write (#17).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.workspaces import client_for_call
from bot.commands import parse

log = logging.getLogger(__name__)
USER_TTL = 300.0
MAX_CACHED = 2000  # members remembered per process; the rest cost one more Web API call
K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A dict that forgets its least recently used entries beyond `size`."""

    def __init__(self, size: int = MAX_CACHED) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def asks_to_schedule(text: str) -> bool:
    """A `schedule …` command: the one place manager rights matter, so they are checked live."""
    command = parse(text, has_open_drill=True)
    return command is not None and command.name == "schedule"


@dataclass(frozen=True)
class SlackUser:
    id: str
    is_manager: bool
    tz: str | None
    name: str | None


class UserDirectory:
    def __init__(self, client: AsyncWebClient | None, manager_ids: frozenset[str], ttl: float = USER_TTL,
                 size: int = MAX_CACHED) -> None:
        self._default_client = client
        self._managers = manager_ids
        self._ttl = ttl
        self._users: BoundedCache[str, tuple[float, SlackUser]] = BoundedCache(size)
        self._dms: BoundedCache[str, str] = BoundedCache(size)

    @property
    def _client(self) -> AsyncWebClient:
        """The calling workspace's client (adapters/slack/workspaces.py), else the single-token one."""
        return client_for_call(self._default_client)

    def _scoped(self, user_id: str) -> str:
        """Cache per workspace token: an Enterprise Grid user id is the same in every workspace of the org."""
        return f"{self._client.token or ''}|{user_id}"

    async def user(self, user_id: str, fresh: bool = False) -> SlackUser:
        """users.info, cached; on API failure the member is treated as a non-manager without a zone.

        `fresh` skips the cache: manager rights are checked live when they are about to be used (scheduling),
        so an admin demoted a minute ago can't still change channel schedules."""
        now = time.monotonic()
        cached = self._users.get(self._scoped(user_id))
        if cached and now - cached[0] < self._ttl and not fresh:
            return cached[1]
        try:
            resp = await self._client.users_info(user=user_id)
            info = resp.get("user") or {}
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return SlackUser(user_id, user_id in self._managers, None, None)
        profile = info.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or info.get("real_name") or info.get("name")
        user = SlackUser(
            id=user_id,
            is_manager=bool(info.get("is_admin") or info.get("is_owner")) or user_id in self._managers,
            tz=info.get("tz") or None,
            name=name or None,
        )
        self._users.put(self._scoped(user_id), (now, user))
        return user

    async def dm_channel(self, user_id: str) -> str:
        """The bot's DM with this member (conversations.open is idempotent; cached while recently used)."""
        channel = self._dms.get(self._scoped(user_id))
        if channel is None:
            resp = await self._client.conversations_open(users=user_id)
            channel = str((resp.get("channel") or {}).get("id") or "")
            if not channel:
                raise RuntimeError(f"conversations.open returned no channel for {user_id}")
            self._dms.put(self._scoped(user_id), channel)
        return channel
