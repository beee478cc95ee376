"""Posting neutral replies to Slack: messages, ephemerals, reactions, and the scheduler's `Sender`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import fallback_text, reply_blocks
from adapters.slack.users import UserDirectory
from bot.delivery import RateLimited, Target
from bot.messages import Inbound, Reply
from bot.store import MemberRef

log = logging.getLogger(__name__)


def retry_after(headers: Mapping[str, Any] | None) -> float:
    """Seconds from a Retry-After header (Slack sends whole seconds; lists from slack_sdk's http layer)."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def message_payload(reply: Reply) -> dict[str, Any]:
    return {"text": fallback_text(reply), "blocks": reply_blocks(reply), "unfurl_links": False,
            "unfurl_media": False}


class Poster:
    """The Web API calls a reply can need; one instance per client."""

    def __init__(self, client: AsyncWebClient, directory: UserDirectory) -> None:
        self.client = client
        self.directory = directory
        self._side_effects: set[asyncio.Task[None]] = set()

    async def post(self, channel: str, reply: Reply, thread: str | None = None) -> str:
        resp = await self.client.chat_postMessage(channel=channel, thread_ts=thread, **message_payload(reply))
        return str(resp.get("ts") or "")

    async def dm(self, user: str, reply: Reply) -> str:
        return await self.post(await self.directory.dm_channel(user), reply)

    async def ephemeral(self, channel: str, user: str, reply: Reply, thread: str | None = None) -> None:
        await self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread, **message_payload(reply))

    def react_later(self, channel: str, ts: str, name: str) -> None:
        """A reaction is decoration: add it in the background so the reply path never waits for it."""
        task = asyncio.create_task(self.react(channel, ts, name))
        self._side_effects.add(task)
        task.add_done_callback(self._side_effects.discard)

    async def drain(self) -> None:
        """Let pending reactions finish (shutdown)."""
        if self._side_effects:
            await asyncio.gather(*self._side_effects, return_exceptions=True)

    async def react(self, channel: str, ts: str, name: str) -> None:
        """Add a reaction; 'already_reacted' (a redelivery) is fine, other failures are only logged."""
        try:
            await self.client.reactions_add(channel=channel, timestamp=ts, name=name)
        except SlackApiError as exc:
            if exc.response.get("error") != "already_reacted":
                log.warning("reactions.add %s on %s/%s failed: %s", name, channel, ts, exc.response.get("error"))
        except Exception as exc:  # network trouble: a missing checkmark is not worth an error
            log.warning("reactions.add %s on %s/%s failed: %s", name, channel, ts, exc)


async def post_in_dm(poster: Poster, engine: Any, msg: Inbound, reply: Reply, thread: str | None = None) -> str:
    """Post a reply in the member's DM. A role-play is threaded under its intro: the intro's ts is handed to
    the engine, and every later role-play reply names that thread (`extra["thread"]`)."""
    thread = str(reply.extra.get("thread") or "") or thread
    ts = await poster.post(msg.channel, reply, thread=thread)
    if reply.extra.get("thread_root") and ts:
        await engine.roleplay.remember_thread(MemberRef(msg.platform, msg.workspace, msg.user), thread or ts)
    return ts


class SlackSender:
    """`bot.delivery.Sender` for scheduled drills and reminders.

    Its client has no rate-limit retry handler on purpose: the outbox consumer owns retry timing, so
    a 429 becomes `RateLimited(retry_after)` at once instead of sleeping inside the consumer.
    """

    def __init__(self, poster: Poster | None) -> None:
        self._poster = poster

    async def send(self, target: Target, reply: Reply) -> str:
        if self._poster is None:
            raise RuntimeError("Slack is not configured (SLACK_BOT_TOKEN is not set)")
        try:
            if target.channel:
                return await self._poster.post(target.channel, reply, thread=target.thread)
            if target.user:
                return await self._poster.dm(target.user, reply)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise RateLimited(retry_after(exc.response.headers)) from exc
            raise
        raise ValueError(f"target has neither channel nor user: {target}")
