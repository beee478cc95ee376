"""Posting neutral replies to Slack: messages, ephemerals, reactions, and the scheduler's `Sender`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import fallback_text, reply_blocks
from adapters.slack.users import UserDirectory
from adapters.slack.workspaces import NotInstalled, WorkspaceClients, client_for_call
from bot.delivery import RateLimited, Target
from bot.messages import ChartPart, Inbound, Reply
from bot.store import MemberRef

log = logging.getLogger(__name__)
DELIVERY_EVENT = "oars_delivery"  # message metadata type of scheduled posts; payload {"entry": outbox entry id}
LOOKBACK = 100  # recent messages searched for an earlier copy of a reclaimed scheduled post


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

    def __init__(self, client: AsyncWebClient | None, directory: UserDirectory) -> None:
        self._default_client = client
        self.directory = directory
        self._side_effects: set[asyncio.Task[None]] = set()

    @property
    def client(self) -> AsyncWebClient:
        """The calling workspace's client (adapters/slack/workspaces.py), else the single-token one."""
        return client_for_call(self._default_client)

    async def post(self, channel: str, reply: Reply, thread: str | None = None, key: str = "") -> str:
        """Post; `key` (an outbox entry id) rides along as message metadata so the post can be found again."""
        extra: dict[str, Any] = {}
        if key:
            extra["metadata"] = {"event_type": DELIVERY_EVENT, "event_payload": {"entry": key}}
        resp = await self.client.chat_postMessage(channel=channel, thread_ts=thread, **message_payload(reply), **extra)
        ts = str(resp.get("ts") or "")
        if reply.chart is not None:
            await self.upload(channel, reply.chart, thread)
        return ts

    async def upload(self, channel: str, chart: ChartPart, thread: str | None = None) -> None:
        """A reply's picture as a file in the same conversation (files.getUploadURLExternal + complete)."""
        await self.client.files_upload_v2(channel=channel, thread_ts=thread, file=chart.png, filename=chart.filename,
                                          title=chart.title or chart.filename, alt_txt=chart.alt[:1000])

    async def dm(self, user: str, reply: Reply, key: str = "") -> str:
        return await self.post(await self.directory.dm_channel(user), reply, key=key)

    async def find_by_key(self, channel: str, key: str) -> str | None:
        """The ts of a recent message of ours in `channel` carrying `key` in its metadata."""
        resp = await self.client.conversations_history(channel=channel, limit=LOOKBACK, include_all_metadata=True)
        for message in resp.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == DELIVERY_EVENT and payload.get("entry") == key:
                return str(message.get("ts") or "") or None
        return None

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
    """`bot.delivery.Sender` for scheduled drills and reminders, sent with the target workspace's own token.

    Its clients have no rate-limit retry handler on purpose: the outbox consumer owns retry timing, so
    a 429 becomes `RateLimited(retry_after)` at once instead of sleeping inside the consumer.
    """

    def __init__(self, poster: Poster | None, workspaces: WorkspaceClients | None = None) -> None:
        self._poster = poster
        self._workspaces = workspaces

    def _bound(self, workspace: str) -> contextlib.AbstractAsyncContextManager[object]:
        """Calls inside use the workspace's token (without a registry: the poster's own client)."""
        return self._workspaces.bound(workspace) if self._workspaces is not None else contextlib.nullcontext()

    async def send(self, target: Target, reply: Reply) -> str:
        if self._poster is None:
            raise RuntimeError("Slack is not configured (SLACK_BOT_TOKEN or SLACK_CLIENT_ID is not set)")
        try:
            async with self._bound(target.workspace):
                if target.channel:
                    return await self._poster.post(target.channel, reply, thread=target.thread, key=target.key)
                if target.user:
                    return await self._poster.dm(target.user, reply, key=target.key)
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise RateLimited(retry_after(exc.response.headers)) from exc
            raise
        raise ValueError(f"target has neither channel nor user: {target}")

    async def find_sent(self, target: Target) -> str | None:
        """Look in the channel (or DM) for a post tagged with this outbox entry; None if it never landed.

        A failed lookup (missing history scope, not in channel) returns None: the entry is sent again, as
        before (at least once)."""
        if self._poster is None or not target.key:
            return None
        try:
            async with self._bound(target.workspace):
                channel = target.channel or (
                    await self._poster.directory.dm_channel(target.user) if target.user else "")
                return await self._poster.find_by_key(channel, target.key) if channel else None
        except NotInstalled:
            return None
        except SlackApiError as exc:
            log.warning("could not check %s for an earlier post of %s: %s", target.channel or target.user,
                        target.key, exc.response.get("error"))
            return None
