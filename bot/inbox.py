"""Delivery claims that never outlive the process holding them, and replies kept for replay.

A platform message id is claimed under the member's hash tag (`oars:m:{pid}:inbox:<message id>`), so the
claim, the answer it records and the replies it keeps can change in one Lua call, and `forget me` deletes
every copy of what the member wrote. The value walks through four states:

  L|token|until            being handled by `token`; a lease (Redis clock, ms) renewed while working
  P|token|until|replies    answered, replies being sent; still leased by `token`
  R|replies                the send failed: the next redelivery gets these replies once more
  S                        sent; redeliveries are silent

A redelivery finds a live lease and stays silent (the holder is still working), or an expired one and
takes over: a claim still at `L` is handled anew (answers are idempotent per message id), one at `P` is
answered with the kept replies. So a process killed mid-message loses nothing the platform redelivers.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from redis.exceptions import RedisError

log = logging.getLogger(__name__)

INBOX_TTL = int(timedelta(days=1).total_seconds())
LEASE_MS = 10_000
RENEW_SECONDS = 3.0
MAX_HOLD_SECONDS = 120.0  # stop renewing a claim whose adapter never reported the send

# Shared Lua helpers: parse "K|token|until|rest" and read the server clock.
_LIB = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function parse(v)
  local kind = string.sub(v, 1, 1)
  if kind ~= 'L' and kind ~= 'P' then return kind, nil, 0, nil end
  local a = string.find(v, '|', 3, true)
  if not a then return kind, nil, 0, nil end
  local b = string.find(v, '|', a + 1, true)
  local token = string.sub(v, 3, a - 1)
  if not b then return kind, token, tonumber(string.sub(v, a + 1)) or 0, nil end
  return kind, token, tonumber(string.sub(v, a + 1, b - 1)) or 0, string.sub(v, b + 1)
end
"""

# KEYS[1] inbox; ARGV token, lease ms, ttl s -> {state, replies?}
CLAIM = _LIB + """
local now = now_ms()
local v = redis.call('GET', KEYS[1])
local lease = tostring(now + tonumber(ARGV[2]))
if not v then
  redis.call('SET', KEYS[1], 'L|' .. ARGV[1] .. '|' .. lease, 'EX', ARGV[3])
  return {'new'}
end
local kind, token, untl, rest = parse(v)
if kind == 'L' or kind == 'P' then
  if token and untl > now then return {'busy'} end
  if kind == 'L' or not rest then
    redis.call('SET', KEYS[1], 'L|' .. ARGV[1] .. '|' .. lease, 'KEEPTTL')
    return {'new'}
  end
  redis.call('SET', KEYS[1], 'P|' .. ARGV[1] .. '|' .. lease .. '|' .. rest, 'KEEPTTL')
  return {'replay', rest}
end
if kind == 'R' then
  local rest = string.sub(v, 3)
  redis.call('SET', KEYS[1], 'P|' .. ARGV[1] .. '|' .. lease .. '|' .. rest, 'KEEPTTL')
  return {'replay', rest}
end
return {'done'}
"""

# KEYS[1] inbox; ARGV token, lease ms -> 1 when still ours
RENEW = _LIB + """
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local kind, token, untl, rest = parse(v)
if token ~= ARGV[1] then return 0 end
local lease = tostring(now_ms() + tonumber(ARGV[2]))
if kind == 'L' then redis.call('SET', KEYS[1], 'L|' .. token .. '|' .. lease, 'KEEPTTL') return 1 end
redis.call('SET', KEYS[1], 'P|' .. token .. '|' .. lease .. '|' .. (rest or '[]'), 'KEEPTTL')
return 1
"""

# KEYS[1] inbox; ARGV token, lease ms, ttl s, replies -> keep the replies while we send them
KEEP = _LIB + """
local lease = tostring(now_ms() + tonumber(ARGV[2]))
redis.call('SET', KEYS[1], 'P|' .. ARGV[1] .. '|' .. lease .. '|' .. ARGV[4], 'EX', ARGV[3])
return 1
"""

# KEYS[1] inbox; ARGV token, outcome ('sent' | 'failed' | 'drop')
SETTLE = _LIB + """
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local kind, token, untl, rest = parse(v)
if kind ~= 'L' and kind ~= 'P' then return 0 end
if ARGV[1] ~= '' and token ~= ARGV[1] then return 0 end
if ARGV[2] == 'sent' then redis.call('SET', KEYS[1], 'S', 'KEEPTTL') return 1 end
if kind == 'L' or ARGV[2] == 'drop' or not rest then redis.call('DEL', KEYS[1]) return 1 end
redis.call('SET', KEYS[1], 'R|' .. rest, 'KEEPTTL')
return 1
"""


def new_token() -> str:
    return secrets.token_hex(6)


@dataclass(frozen=True)
class Claim:
    """What claiming a message found: `new` (handle it), `replay` (send `replies`), `busy` or `done`."""

    state: str
    replies: str | None = None

    @classmethod
    def parse(cls, raw: Any) -> Claim:
        return cls(str(raw[0]), str(raw[1]) if len(raw) > 1 else None)


class LeaseKeeper:
    """Renews the claims this process holds, so a live holder keeps them and a dead one loses them fast.

    A timer (not a standing task) wakes every few seconds while anything is held, and renews all held
    claims in one pipelined round trip.
    """

    def __init__(self, redis: Any, lease_ms: int = LEASE_MS) -> None:
        self.redis = redis
        self.lease_ms = lease_ms
        self.renew_seconds = min(RENEW_SECONDS, lease_ms / 3000)
        self._held: dict[str, tuple[str, float]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._renewing: asyncio.Task[None] | None = None

    def hold(self, key: str, token: str) -> None:
        loop = asyncio.get_running_loop()
        self._held[key] = (token, loop.time())
        if self._timer is None or self._loop is not loop:
            self._loop = loop
            self._timer = loop.call_later(self.renew_seconds, self._tick)

    def token(self, key: str) -> str:
        held = self._held.get(key)
        return held[0] if held else ""

    def let_go(self, key: str) -> None:
        self._held.pop(key, None)

    def _tick(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        for key, (_, since) in list(self._held.items()):
            if now - since > MAX_HOLD_SECONDS:
                del self._held[key]
        if not self._held:
            return
        if self._renewing is None or self._renewing.done():
            self._renewing = loop.create_task(self._renew(dict(self._held)))
        self._timer = loop.call_later(self.renew_seconds, self._tick)

    async def _renew(self, held: dict[str, tuple[str, float]]) -> None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key, (token, _) in held.items():
                    pipe.eval(RENEW, 1, key, token, self.lease_ms)
                await pipe.execute()
        except (RedisError, OSError) as exc:  # the next tick tries again; leases outlast a short blip
            log.warning("could not renew %d message claims: %s", len(held), exc)

    async def close(self) -> None:
        self._held.clear()
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        task, self._renewing = self._renewing, None
        if task is not None and not task.done():
            task.cancel()
            # wait(), not `await task` under suppress(CancelledError): that would also swallow a cancel of close()
            await asyncio.wait({task})
