"""Buttons, the App Home tab and the manager's schedule modal.

Buttons carry the neutral `Choice.value` back as `Inbound.action`; home settings controls and the
modal become the same text commands a member could type, so the engine has one path for each.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import SCHEDULE_CALLBACK, context, home_view, parse_schedule_state, schedule_modal
from adapters.slack.outbound import Poster, message_payload, post_in_dm
from adapters.slack.users import UserDirectory, asks_to_schedule
from bot.engine import Engine
from bot.messages import Inbound
from bot.roleplay_replies import trend_lines
from bot.store import MemberRef

log = logging.getLogger(__name__)
PLATFORM = "slack"


def _team(body: dict[str, Any]) -> str:
    return str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")


class Interactive:
    def __init__(self, engine: Engine, poster: Poster, directory: UserDirectory) -> None:
        self.engine = engine
        self.poster = poster
        self.directory = directory

    def register(self, app: AsyncApp) -> None:
        app.action(re.compile(r"^oars:\d+$"))(self.on_choice)
        app.action(re.compile(r"^oars:home:"))(self.on_home_action)
        app.event("app_home_opened")(self.on_home_opened)
        app.shortcut(SCHEDULE_CALLBACK)(self.on_schedule_shortcut)
        app.view(SCHEDULE_CALLBACK)(self.on_schedule_submit)
        app.action(re.compile(".*"))(self.on_other_action)

    async def _inbound(self, team: str, channel: str, user: str, text: str, message_id: str,
                       **extra: Any) -> Inbound:
        who = await self.directory.user(user, fresh=asks_to_schedule(text))
        return Inbound(platform=PLATFORM, workspace=team, channel=channel, user=user, text=text,
                       message_id=message_id, is_manager=who.is_manager, user_tz=who.tz,
                       display_name=who.name, **extra)

    # --- reply buttons ---------------------------------------------------------------------------
    async def on_choice(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        """A reply button: in the bot DM the answer is a normal message; elsewhere it stays ephemeral."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        user = str((body.get("user") or {}).get("id", ""))
        container = body.get("container") or {}
        channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        in_dm = channel.startswith("D") and not container.get("is_ephemeral")
        thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        msg = await self._inbound(
            _team(body), channel, user, "", f"action:{action.get('action_ts', '')}:{user}",
            is_direct=channel.startswith("D"), action=str(action.get("value") or ""),
            thread=None if channel.startswith("D") or not thread else str(thread),
        )
        replies = await self.engine.handle(msg)
        if in_dm and replies:
            await self._retire_buttons(channel, body.get("message") or {}, action)
        for reply in replies:
            if in_dm:
                await post_in_dm(self.poster, self.engine, msg, reply, thread=str(thread) if thread else None)
            else:
                await respond(response_type="ephemeral", replace_original=False, **message_payload(reply))
        await self.engine.delivered(msg)

    async def _retire_buttons(self, channel: str, message: dict[str, Any], action: dict[str, Any]) -> None:
        """Replace the clicked message's buttons with what was chosen, so nobody clicks an answered drill."""
        blocks = message.get("blocks")
        if not message.get("ts") or not isinstance(blocks, list):
            return
        label = str((action.get("text") or {}).get("text") or "")
        kept = [b for b in blocks if not (isinstance(b, dict) and b.get("block_id") == "oars_choices")]
        if len(kept) == len(blocks):
            return
        if label:
            kept.append(context(f"You chose: {label}"))
        try:
            await self.poster.client.chat_update(channel=channel, ts=str(message["ts"]), blocks=kept,
                                                 text=str(message.get("text") or label or "OARS"))
        except SlackApiError as error:  # an old or deleted message: the answer itself still went through
            log.info("could not retire buttons on %s: %s", message.get("ts"), error.response.get("error"))

    async def on_other_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        log.debug("slack action %s ignored", [a.get("action_id") for a in body.get("actions") or []])

    # --- App Home --------------------------------------------------------------------------------
    async def on_home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        await self.publish_home(str(body.get("team_id", "")), str(event["user"]))

    async def publish_home(self, team: str, user: str) -> None:
        member = MemberRef(PLATFORM, team, user)
        who = await self.directory.user(user)
        if not (await self.engine.store.profile(member)).tz and who.tz:
            await self.engine.set_timezone(member, who.tz)
        view = await self.engine.overview(member)
        roleplays = tuple(trend_lines(await self.engine.roleplay.history(member)))
        await self.poster.client.views_publish(
            user_id=user, view=home_view(view.streak, view.progress, view.tz, view.reminder, view.paused, roleplays,
                                         manager=who.is_manager)
        )

    async def on_home_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Home controls: drill/tip buttons act like reply buttons; settings become `settings …` text."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        action_id, user, team = str(action.get("action_id", "")), str(body["user"]["id"]), _team(body)
        text, neutral = "", None
        if action_id in {"oars:home:drill", "oars:home:tip", "oars:home:roleplay", "oars:home:report"}:
            neutral = str(action.get("value") or "")
        elif action_id == "oars:home:tz":
            text = f"settings tz {(action.get('selected_option') or {}).get('value', '')}"
        elif action_id == "oars:home:reminder":
            text = f"settings reminder {action.get('selected_time') or 'off'}"
        elif action_id == "oars:home:pause":
            text = "resume" if action.get("value") == "resume" else "pause"
        else:
            return
        channel = await self.directory.dm_channel(user)
        msg = await self._inbound(team, channel, user, text, f"action:{action.get('action_ts', '')}:{user}",
                                  is_direct=True, action=neutral)
        for reply in await self.engine.handle(msg):
            await post_in_dm(self.poster, self.engine, msg, reply)
        await self.engine.delivered(msg)
        await self.publish_home(team, user)

    # --- manager schedule modal ------------------------------------------------------------------
    async def on_schedule_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user = str(body["user"]["id"])
        who = await self.directory.user(user, fresh=True)
        if who.is_manager:
            await self.poster.client.views_open(trigger_id=body["trigger_id"], view=schedule_modal(who.tz))
            return
        channel = await self.directory.dm_channel(user)
        msg = await self._inbound(_team(body), channel, user, "schedule", f"shortcut:{body.get('trigger_id', '')}",
                                  is_direct=True)
        for reply in await self.engine.handle(msg):
            await self.poster.post(channel, reply)

    async def on_schedule_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The modal saves through the same `schedule daily …` command the text interface uses."""
        text, errors = parse_schedule_state(view.get("state") or {})
        user = str(body["user"]["id"])
        who = await self.directory.user(user, fresh=True)
        if text is None:
            await ack(response_action="errors", errors=errors)
            return
        if not who.is_manager:
            await ack(response_action="errors", errors={"channel": "Only managers and admins can schedule drills."})
            return
        await ack()
        channel = str(view["state"]["values"]["channel"]["value"]["selected_conversation"])
        digest = hashlib.sha256(json.dumps(view.get("state"), sort_keys=True).encode()).hexdigest()[:16]
        msg = await self._inbound(_team(body), channel, user, text, f"view:{view.get('id', '')}:{digest}",
                                  is_direct=False)
        for reply in await self.engine.handle(msg):
            await self.poster.dm(user, reply)
        await self.engine.delivered(msg)
