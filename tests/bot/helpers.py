"""Small builders for engine tests."""

from __future__ import annotations

import itertools
from typing import Any

from bot.messages import Inbound

_ids = itertools.count(1)


def msg(text: str = "", user: str = "U1", action: str | None = None, message_id: str | None = None,
        channel: str = "D1", **fields: object) -> Inbound:
    """An Inbound as the console or a DM would send it; a fresh message id unless given."""
    return Inbound(
        platform="console", workspace="local", channel=channel, user=user, text=text,
        message_id=message_id or f"m{next(_ids)}", action=action, **fields,  # type: ignore[arg-type]
    )


async def traces(redis: Any, *needles: str) -> list[str]:
    """Every key whose name or value (any type) contains one of `needles`."""
    found = []
    async for key in redis.scan_iter(count=1000):
        kind = await redis.type(key)
        if kind == "string":
            values: list[Any] = [await redis.get(key)]
        elif kind == "hash":
            values = [*(await redis.hgetall(key)).items()]
        elif kind == "list":
            values = await redis.lrange(key, 0, -1)
        elif kind == "set":
            values = list(await redis.smembers(key))
        elif kind == "zset":
            values = await redis.zrange(key, 0, -1)
        elif kind == "stream":
            values = [entry for entry in await redis.xrange(key)]
        else:
            values = []
        if any(needle in f"{key} {values}" for needle in needles):
            found.append(key)
    return found
