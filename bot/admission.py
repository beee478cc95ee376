"""How many messages the engine handles at once: the rest wait their turn, or are turned away politely.

Past its capacity, a server that starts every arriving message at once gets slower for all of them: each
handler holds a pooled Redis connection while the event loop crawls, the pool runs dry, and members read
"I can't reach my memory store" although Redis is fine (`python -m bench sustained` at 150 answers/s: 280
of 750 answers, #17). Here at most `limit` messages are inside the engine at a time (by default half the
Redis pool, so the scheduler, outbox and lease renewals always find a connection); the others wait in
arrival order without holding anything. A message whose expected wait (messages ahead x the recent time
per message / limit), plus the time since its request arrived when the HTTP server noted it (`arrived`: an
overloaded event loop delays a message before it gets here), is over `max_wait` seconds is not queued: it
gets `BUSY` at once, with nothing read or recorded, instead of an answer a minute late or a false error.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

# time.monotonic() when the platform's request reached us (set by the HTTP server; None elsewhere): a message
# that already waited for the event loop counts that time against `max_wait` too.
arrived: ContextVar[float | None] = ContextVar("oars_arrived", default=None)


class Busy(RuntimeError):
    """The queue is long enough that this message would wait more than `max_wait` seconds: not handled."""


class Admission:
    """`async with admission.slot(): ...` around handling one message; raises Busy when it should be shed."""

    def __init__(self, limit: int = 32, max_wait: float = 10.0) -> None:
        self.limit = max(1, limit)
        self.max_wait = max_wait
        self.seconds_per_message = 0.05  # a moving average of time inside, updated by every message
        self._measured = False
        self._inside = 0
        self._waiting = 0
        self._turns = asyncio.Semaphore(self.limit)

    @property
    def inside(self) -> int:
        return self._inside

    @property
    def waiting(self) -> int:
        return self._waiting

    def expected_wait(self) -> float:
        """Seconds the next message would wait for its turn, from the recent time per message."""
        if self._inside < self.limit:
            return 0.0
        return (self._waiting + 1) * self.seconds_per_message / self.limit

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        since = arrived.get()
        waited = 0.0 if since is None else max(0.0, time.monotonic() - since)
        if waited + self.expected_wait() > self.max_wait:
            raise Busy(f"{self._waiting} messages waiting, expected wait {self.expected_wait():.1f}s after "
                       f"{waited:.1f}s since arrival")
        self._waiting += 1
        try:
            await self._turns.acquire()
        finally:
            self._waiting -= 1
        self._inside += 1
        started = time.perf_counter()
        try:
            yield
        finally:
            self._inside -= 1
            self._turns.release()
            weight = 0.2 if self._measured else 1.0  # the first measurement replaces the guess
            self.seconds_per_message += weight * (time.perf_counter() - started - self.seconds_per_message)
            self._measured = True
