"""Slack events and the `/oars` slash command, translated to `Inbound` and rendered back.

Nothing here decides anything about coaching: it only works out who asked, where, and with which
stable message id, then posts each `Reply` where Slack expects it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import schedule_modal
from adapters.slack.interactive import Interactive
from adapters.slack.outbound import Poster, message_payload, post_in_dm
from adapters.slack.users import UserDirectory, asks_to_schedule
from bot.engine import Engine
from bot.messages import Inbound, Reply

log = logging.getLogger(__name__)
PLATFORM = "slack"
_ALLOWED_SUBTYPES = {None, "file_share", "thread_broadcast", "me_message"}
SENT_TO_DM = "Sent to your direct messages with OARS (Slack shows pictures privately only there)."
_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(\|[^>]*)?>[\s,:]*")


def event_message_id(event: dict[str, Any]) -> str:
    """Stable across Slack's retries and across event types (message.* and app_mention share it)."""
    return str(event.get("client_msg_id") or f"{event.get('channel', '')}:{event.get('ts', '')}")


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """Drop the bot's mention (leading or inline) so the engine sees just the words."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    return _LEADING_MENTION.sub("", text).strip()


_MARKUP = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_BROADCASTS = {"!here": "@here", "!channel": "@channel", "!everyone": "@everyone"}


def plain_text(text: str) -> str:
    """A message as the member typed it: Slack sends links, mentions and broadcasts as `<…>` markup and escapes
    &, < and > as entities. The engine and the grader should read words ('work & family', not 'work &amp;
    family'); every echo is escaped again on the way out (blocks.py, bot.text.quote_user_text)."""

    def shown(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target in _BROADCASTS:
            return _BROADCASTS[target]
        if target.startswith("@"):
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        return label or (target[1:] if target.startswith("!") else target)

    text = _MARKUP.sub(shown, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class SlackHandlers:
    """Registers every listener on the Bolt app; one instance per adapter."""

    def __init__(self, engine: Engine, poster: Poster, directory: UserDirectory, feedback_mode: str) -> None:
        self.engine = engine
        self.poster = poster
        self.directory = directory
        self.feedback_mode = feedback_mode if feedback_mode in {"ephemeral", "dm"} else "ephemeral"
        self.interactive = Interactive(engine, poster, directory)

    def register(self, app: AsyncApp) -> None:
        app.command("/oars")(self.on_command)
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        self.interactive.register(app)
        app.event(re.compile(".*"))(self.on_other_event)  # last: only what nothing above matched

    # --- retries ---------------------------------------------------------------------------------
    # A redelivery (X-Slack-Retry-Num) needs no check of its own: it carries the same message id, and the
    # engine's claim on that id (bot/inbox.py) answers it with silence, or with the kept replies when the first
    # delivery died, in the one Redis round trip a separate "handled" marker would have cost on every message.

    # --- the member -----------------------------------------------------------------------------
    async def inbound(self, team: str, channel: str, user: str, text: str, message_id: str, **extra: Any) -> Inbound:
        text = plain_text(text)
        who = await self.directory.user(user, fresh=asks_to_schedule(text))
        return Inbound(
            platform=PLATFORM, workspace=team, channel=channel, user=user, text=text, message_id=message_id,
            is_manager=who.is_manager, user_tz=who.tz, display_name=who.name, **extra,
        )

    # --- slash command ---------------------------------------------------------------------------
    async def on_command(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        """`/oars …`: ack at once, then answer in the bot DM (from a DM) or ephemerally (in a channel)."""
        await ack()
        team, user = str(body.get("team_id", "")), str(body.get("user_id", ""))
        channel, text = str(body.get("channel_id", "")), str(body.get("text", "")).strip()
        is_direct = channel.startswith("D")
        first = text.split()[0].lower() if text else ""
        if first in {"schedule", "schedules"} and len(text.split()) == 1:
            who = await self.directory.user(user, fresh=True)
            if who.is_manager and body.get("trigger_id"):
                await self.poster.client.views_open(
                    trigger_id=body["trigger_id"],
                    view=schedule_modal(who.tz, None if is_direct else channel),
                )
                return
        if is_direct:
            channel = await self.directory.dm_channel(user)
        msg = await self.inbound(team, channel, user, f"/oars {text}".strip(), f"cmd:{body.get('trigger_id', '')}",
                                 is_direct=is_direct)
        for reply in await self.engine.handle(msg):
            if is_direct:
                await post_in_dm(self.poster, self.engine, msg, reply)
            elif reply.chart is not None:  # a picture can't be ephemeral: it goes to the asker's DM
                await self.poster.dm(user, reply)
                await respond(response_type="ephemeral", replace_original=False, text=SENT_TO_DM)
            else:
                await respond(response_type="ephemeral", replace_original=False, **message_payload(reply))
        await self.engine.delivered(msg)

    # --- messages --------------------------------------------------------------------------------
    async def on_message(self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext) -> None:
        """DMs are conversations with the coach; in channels only replies in a drill's thread count."""
        if event.get("subtype") not in _ALLOWED_SUBTYPES or event.get("bot_id") or not event.get("user"):
            return
        team, user = str(body.get("team_id", "")), str(event["user"])
        channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
        text = str(event.get("text") or "")
        if event.get("channel_type") == "im":
            msg = await self.inbound(team, channel, user, text, event_message_id(event), is_direct=True)
            await self._settled(msg, self._answer_dm(msg, event.get("thread_ts"), ts))
        else:
            thread = event.get("thread_ts")
            if context.bot_user_id and f"<@{context.bot_user_id}" in text:
                return  # the app_mention event for the same message answers it
            if not thread or thread == ts:
                return
            if await self.engine.store.thread_drill(PLATFORM, team, channel, str(thread)) is None:
                return
            msg = await self.inbound(team, channel, user, text, event_message_id(event),
                                     is_direct=False, thread=str(thread))
            await self._settled(msg, self._answer_channel(msg, ts))

    async def on_mention(self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext) -> None:
        """`@OARS drill` in a channel: answered in a thread, private replies only to the asker."""
        if event.get("bot_id") or not event.get("user"):
            return
        team, user = str(body.get("team_id", "")), str(event["user"])
        channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
        text = strip_mention(str(event.get("text") or ""), context.bot_user_id)
        thread = event.get("thread_ts")
        if channel.startswith("D"):
            msg = await self.inbound(team, channel, user, text, event_message_id(event), is_direct=True)
            await self._settled(msg, self._answer_dm(msg, thread, ts))
        else:
            msg = await self.inbound(team, channel, user, text, event_message_id(event), is_direct=False,
                                     thread=str(thread) if thread else None)
            await self._settled(msg, self._answer_channel(msg, ts))

    async def on_other_event(self, event: dict[str, Any]) -> None:
        log.debug("slack event %s ignored", event.get("type"))

    # --- rendering -------------------------------------------------------------------------------
    async def _settled(self, msg: Inbound, sending: Awaitable[bool]) -> bool:
        """Tell the engine whether its replies reached Slack: after a failure a redelivery replays them.

        True when this delivery was answered. A silent one (its message is still being handled elsewhere)
        must not mark the event handled: if that handler dies, Slack's next retry has to get through."""
        try:
            replied = await sending
        except Exception:
            await self.engine.release(msg)
            raise
        if replied:
            await self.engine.delivered(msg)
        return replied

    async def _answer_dm(self, msg: Inbound, thread: Any, ts: str) -> bool:
        answer = await self.engine.handle(msg)
        for reply in answer:
            await post_in_dm(self.poster, self.engine, msg, reply, thread=str(thread) if thread else None)
            if reply.react:
                self.poster.react_later(msg.channel, ts, reply.react)
        return bool(answer)

    async def _answer_channel(self, msg: Inbound, ts: str) -> bool:
        """Private replies go to the member alone (ephemeral in the thread, or a DM); others in thread."""
        thread = msg.thread or ts
        answer = await self.engine.handle(msg)
        for reply in answer:
            if reply.private:
                await self._private(msg, reply, thread)
            else:
                await self.poster.post(msg.channel, reply, thread=thread)
            if reply.react:
                self.poster.react_later(msg.channel, ts, reply.react)
        return bool(answer)

    async def _private(self, msg: Inbound, reply: Reply, thread: str) -> None:
        if reply.chart is not None:  # Slack has no ephemeral files: the whole reply goes to the DM
            await self.poster.dm(msg.user, reply)
            try:
                await self.poster.ephemeral(msg.channel, msg.user, Reply(SENT_TO_DM), thread=thread)
            except SlackApiError:
                log.info("pointer to the DM in %s not shown", msg.channel)
        elif self.feedback_mode == "dm":
            await self.poster.dm(msg.user, reply)
        else:
            try:
                await self.poster.ephemeral(msg.channel, msg.user, reply, thread=thread)
            except SlackApiError as exc:  # e.g. the bot was removed from the channel: still reach them
                log.info("ephemeral to %s in %s failed (%s); sending a DM", msg.user, msg.channel,
                         exc.response.get("error"))
                await self.poster.dm(msg.user, reply)
