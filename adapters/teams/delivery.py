"""Outbound sends to Teams: per-conversation pacing, retries with backoff, and the proactive Sender.

Teams throttles per bot per conversation (roughly 7 messages a second, less over longer windows), and
answers 429 when exceeded; 412/502/504 are transient too. Every send, reply or proactive, goes
through `Outbox.send` so both paths obey the same pacing.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ConversationAccount, ConversationReference

from adapters.teams.references import References, base_conversation_id
from adapters.teams.render import to_activity
from bot.delivery import RateLimited, Target
from bot.messages import Reply

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_STATUSES = frozenset({412, 429, 502, 504})


class NoConversation(LookupError):
    """No stored conversation reference for a target: the bot was never installed or talked to there."""


class TokenBucket:
    """At most `rate` sends per second on average, bursts up to `capacity`."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens = capacity
        self.updated = time.monotonic()
        self.lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self.lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


def status_of(exc: BaseException) -> int | None:
    """HTTP status of a connector error (msrest keeps the aiohttp response on `.response`)."""
    response = getattr(exc, "response", None)
    for attr in ("status_code", "status"):
        value = getattr(response, attr, None)
        if isinstance(value, int):
            return value
    return None


def retry_after_of(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        value = float(headers.get("Retry-After", ""))
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


class Outbox:
    """Paces per conversation and retries transient statuses; after `tries` raises RateLimited."""

    def __init__(self, rate: float = 7.0, tries: int = 4, base_delay: float = 0.5, max_delay: float = 8.0,
                 rng: random.Random | None = None, max_buckets: int = 5000) -> None:
        self.rate, self.tries = rate, tries
        self.base_delay, self.max_delay = base_delay, max_delay
        self.rng = rng or random.Random()
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def bucket(self, conversation_id: str) -> TokenBucket:
        key = base_conversation_id(conversation_id)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.rate)
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(key)
        return bucket

    async def send(self, conversation_id: str, attempt: Callable[[], Awaitable[T]]) -> T:
        delay = self.base_delay
        for number in range(1, self.tries + 1):
            await self.bucket(conversation_id).acquire()
            try:
                return await attempt()
            except Exception as exc:
                status = status_of(exc)
                if status not in RETRY_STATUSES:
                    raise
                wait = retry_after_of(exc)
                wait = min(self.max_delay, wait if wait is not None else delay)
                wait *= self.rng.uniform(0.75, 1.25)  # jitter: spread retries of concurrent senders
                if number == self.tries:
                    log.warning("teams send to %s still %s after %d tries", conversation_id, status, number)
                    raise RateLimited(wait) from exc
                log.info("teams send to %s got %s, retry %d in %.2fs", conversation_id, status, number, wait)
                await asyncio.sleep(wait)
                delay = min(self.max_delay, delay * 2)
        raise AssertionError("unreachable")


class TeamsSender:
    """`bot.delivery.Sender` for Teams: a Reply to a stored conversation via continue_conversation."""

    def __init__(self, cloud: CloudAdapter, references: References, outbox: Outbox, app_id: str) -> None:
        self.cloud = cloud
        self.references = references
        self.outbox = outbox
        self.app_id = app_id

    async def reference_for(self, target: Target) -> dict[str, Any]:
        ref = None
        if target.channel:
            ref = await self.references.for_conversation(target.workspace, target.channel)
        if ref is None and target.user:
            ref = await self.references.for_member(target.workspace, target.user)
        if ref is None:
            raise NoConversation(f"no Teams conversation stored for {target.workspace}/{target.channel or target.user}")
        return ref

    async def send(self, target: Target, reply: Reply) -> str:
        """Posts top-level (or into `target.thread`); returns the new activity id."""
        ref = await self.reference_for(target)
        return await self.send_activity(ref, to_activity(reply), target.thread)

    async def find_sent(self, target: Target) -> str | None:
        """Teams offers no lookup by our own tag: a reclaimed entry is sent again (at least once)."""
        return None

    async def send_activity(self, ref: dict[str, Any], activity: Activity, thread: str | None = None) -> str:
        reference = ConversationReference().deserialize(ref)
        base = base_conversation_id(str(reference.conversation.id))
        conversation_id = f"{base};messageid={thread}" if thread else base
        sent: list[str] = []

        async def post(turn_context: TurnContext) -> None:
            connector = turn_context.turn_state[self.cloud.BOT_CONNECTOR_CLIENT_KEY]
            outgoing = Activity().deserialize(activity.serialize())
            outgoing.channel_id = reference.channel_id
            outgoing.service_url = reference.service_url
            outgoing.from_property = reference.bot
            outgoing.conversation = ConversationAccount(
                id=conversation_id, conversation_type=reference.conversation.conversation_type,
                tenant_id=reference.conversation.tenant_id, is_group=reference.conversation.is_group,
            )
            response = await connector.conversations.send_to_conversation(conversation_id, outgoing)
            sent.append(str(getattr(response, "id", "") or ""))

        async def attempt() -> str:
            sent.clear()
            await self.cloud.continue_conversation(reference, post, self.app_id)
            return sent[-1] if sent else ""

        return await self.outbox.send(base, attempt)
