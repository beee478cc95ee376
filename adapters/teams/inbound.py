"""Activity -> Inbound: the one place that knows where Teams keeps tenant, user, thread and card data."""

from __future__ import annotations

import re
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from adapters.teams.references import PLATFORM, base_conversation_id
from bot.messages import Inbound

_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\u00a0]+")
_HTML_TAG = re.compile(r"<[^>]+>")
_ENTITIES = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&"}
ANSWER_MARKER = "answer"  # `oars` field of a free-text card submit: the typed text is the answer


def tenant_of(activity: Activity) -> str:
    """channelData.tenant.id, else conversation.tenantId (either spelling), else "default"."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant") if isinstance(data.get("tenant"), dict) else {}
    conversation = activity.conversation
    candidates = [
        tenant.get("id") if tenant else None,
        getattr(conversation, "tenant_id", None),
        (getattr(conversation, "additional_properties", None) or {}).get("tenantId"),
    ]
    return next((str(c) for c in candidates if c), "default")


def user_of(activity: Activity) -> str:
    sender = activity.from_property
    if sender is None:
        return ""
    return str(sender.aad_object_id or sender.id or "")


def is_personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return bool(conversation and conversation.conversation_type == "personal")


def thread_of(conversation_id: str) -> str | None:
    """Channel replies arrive with `<channel>;messageid=<root id>`: the root is the thread."""
    _, sep, root = conversation_id.partition(";messageid=")
    return (root or None) if sep else None


def timezone_of(activity: Activity) -> str | None:
    if activity.local_timezone:
        return str(activity.local_timezone)
    for entity in activity.entities or []:
        if getattr(entity, "type", None) == "clientInfo":
            extra = getattr(entity, "additional_properties", None) or {}
            if extra.get("timezone"):
                return str(extra["timezone"])
    return None


def clean_text(activity: Activity) -> str:
    """Text without the bot's @mention; other people's mentions keep their name; HTML reduced to text."""
    text = activity.text or ""
    if activity.recipient is not None and activity.recipient.id and activity.entities:
        text = TurnContext.remove_recipient_mention(activity) or ""
    text = _AT_TAG.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.strip().split("\n"))


def card_submit(activity: Activity) -> tuple[str | None, str | None]:
    """(action, answer text) from an Action.Submit value; (None, None) for ordinary messages."""
    value: Any = activity.value
    if not isinstance(value, dict):
        return None, None
    action = value.get("action")
    answer = value.get("answer")
    if value.get("oars") == ANSWER_MARKER or (answer is not None and not action):
        return None, str(answer or "")
    return (str(action) if action else None), None


def to_inbound(activity: Activity, managers: frozenset[str]) -> Inbound:
    """Translate one message activity; `managers` are user ids allowed to schedule (OARS_MANAGERS)."""
    conversation_id = str(activity.conversation.id if activity.conversation else "")
    user = user_of(activity)
    action, answer = card_submit(activity)
    text = answer if answer is not None else ("" if action else clean_text(activity))
    direct = is_personal(activity)
    return Inbound(
        platform=PLATFORM,
        workspace=tenant_of(activity),
        channel=base_conversation_id(conversation_id),
        user=user,
        text=text,
        message_id=str(activity.id or ""),
        time=activity.timestamp,
        thread=None if direct else thread_of(conversation_id),
        is_direct=direct,
        is_manager=user in managers or (activity.from_property is not None and activity.from_property.id in managers),
        user_tz=timezone_of(activity),
        display_name=activity.from_property.name if activity.from_property else None,
        action=action,
    )


def inbound_from_json(body: dict[str, Any], managers: frozenset[str] = frozenset()) -> Inbound:
    """The same translation from raw activity JSON (tools and tests need no botbuilder import)."""
    return to_inbound(Activity().deserialize(body), managers)
