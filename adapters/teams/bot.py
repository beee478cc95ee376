"""The ActivityHandler: remembers where it was spoken to, translates messages, renders replies.

Nothing here decides what to say; that is `Engine.handle`.
"""

from __future__ import annotations

import logging

from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.schema import Activity, ChannelAccount

from adapters.teams.delivery import Outbox, TeamsSender
from adapters.teams.inbound import is_personal, tenant_of, to_inbound, user_of
from adapters.teams.references import References
from adapters.teams.render import to_activity
from adapters.teams.uninstall import forget_installation, is_removal, remember_channel
from bot.delivery import RateLimited
from bot.engine import Engine
from bot.messages import Inbound, Reply

log = logging.getLogger(__name__)
WELCOME = Reply(
    "Hi, I'm *OARS*. I help you practise motivational interviewing in small daily reps. "
    "Type `drill` for a practice item, `roleplay` to practise a whole conversation, or `help` for everything.",
)

PERSONAL_ONLY = Reply(
    "That's just for you, so I answer it in our personal chat. Open a chat with OARS and ask me there."
)


class OarsTeamsBot(ActivityHandler):
    def __init__(self, engine: Engine, references: References, sender: TeamsSender, outbox: Outbox,
                 managers: frozenset[str]) -> None:
        self.engine = engine
        self.references = references
        self.sender = sender
        self.outbox = outbox
        self.managers = managers

    async def on_turn(self, turn_context: TurnContext) -> None:
        if is_removal(turn_context.activity):  # uninstall means gone: never store the reference again
            await forget_installation(self.engine.store, turn_context.activity)
            return
        await self._remember(turn_context.activity)
        await super().on_turn(turn_context)

    async def _remember(self, activity: Activity) -> None:
        """Store the conversation reference on every contact (install, update, message)."""
        if not activity.conversation or not activity.conversation.id or not activity.service_url:
            return
        reference = TurnContext.get_conversation_reference(activity).serialize()
        personal_user = (user_of(activity) or None) if is_personal(activity) else None
        try:
            await self.references.save(tenant_of(activity), reference, personal_user)
            await remember_channel(self.engine.store.redis, activity)
        except Exception:  # a lost reference only costs proactive messages; keep answering
            log.warning("could not store Teams conversation reference", exc_info=True)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if not activity.id:
            log.info("teams message without id ignored")
            return
        inbound = to_inbound(activity, self.managers)
        if not inbound.user:
            return
        replies = await self.engine.handle(inbound)
        try:
            for reply in replies:
                await self._deliver(turn_context, inbound, reply)
        except Exception:
            await self.engine.release(inbound)  # Teams redelivers after our 500; answer it then
            raise
        await self.engine.delivered(inbound)

    async def _deliver(self, turn_context: TurnContext, inbound: Inbound, reply: Reply) -> None:
        """Replies go back into the conversation; private ones from a channel go to the personal chat."""
        activity = to_activity(reply)
        try:
            if reply.private and not inbound.is_direct:
                ref = await self.references.for_member(inbound.workspace, inbound.user)
                if ref is not None:
                    await self.sender.send_activity(ref, activity)
                    return
                if reply.feedback is None:  # personal details never go to the channel; drill feedback may
                    activity = to_activity(PERSONAL_ONLY)
            conversation_id = str(turn_context.activity.conversation.id)
            await self.outbox.send(conversation_id, lambda: turn_context.send_activity(activity))
        except RateLimited:
            log.warning("teams reply to %s dropped: still rate limited", inbound.message_id)

    async def on_members_added_activity(self, members_added: list[ChannelAccount],
                                        turn_context: TurnContext) -> None:
        """Greet once when installed in a personal chat (the bot itself is the member added)."""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if is_personal(activity) and any(m.id == bot_id for m in members_added):
            await self.outbox.send(str(activity.conversation.id),
                                   lambda: turn_context.send_activity(to_activity(WELCOME)))
