"""Small builders for engine tests."""

from __future__ import annotations

import itertools

from bot.messages import Inbound

_ids = itertools.count(1)


def msg(text: str = "", user: str = "U1", action: str | None = None, message_id: str | None = None,
        channel: str = "D1", **fields: object) -> Inbound:
    """An Inbound as the console or a DM would send it; a fresh message id unless given."""
    return Inbound(
        platform="console", workspace="local", channel=channel, user=user, text=text,
        message_id=message_id or f"m{next(_ids)}", action=action, **fields,  # type: ignore[arg-type]
    )
