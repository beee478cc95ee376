"""Role-play turns through the engine on the embedded Redis: start, member turn (coded, client answers,
state written), and the report, as p50/p99 latency.

Run: python -m bench roleplay   (medians over 3 runs of 40 members x 12 turns)
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_engine import pct
from bot.app import OarsApp
from bot.config import Settings
from bot.messages import Inbound

LINES = (
    "It sounds like part of you is fed up with it, and part of you wants things to be easier.",
    "What would you like to be different?",
    "You should just sort it out.",
    "Do you do that every week?",
    "You've kept going through a hard few months.",
    "It's your call what happens next.",
)


async def one_run(members: int, seed: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"start": [], "turn": [], "last turn + report": []}
    with tempfile.TemporaryDirectory() as data:
        app = OarsApp(Settings(redis_url=None, oars_data_dir=Path(data)), rng=random.Random(seed))
        engine = await app.start()
        try:
            for n in range(members):
                def inbound(text: str, i: int, n: int = n) -> Inbound:
                    return Inbound("console", "bench", f"D{n}", f"U{n}", text, f"{seed}-{n}-{i}")

                started = time.perf_counter()
                await engine.handle(inbound(f"roleplay seed {seed * 1000 + n}", 0))
                timings["start"].append((time.perf_counter() - started) * 1000)
                for i in range(1, 13):
                    started = time.perf_counter()
                    await engine.handle(inbound(LINES[(n + i) % len(LINES)], i))
                    key = "last turn + report" if i == 12 else "turn"
                    timings[key].append((time.perf_counter() - started) * 1000)
        finally:
            await app.stop()
    return timings


def main() -> None:
    runs = [asyncio.run(one_run(40, seed)) for seed in (1, 2, 3)]
    for label in ("start", "turn", "last turn + report"):
        p50 = statistics.median(pct(run[label], 0.50) for run in runs)
        p99 = statistics.median(pct(run[label], 0.99) for run in runs)
        print(f"roleplay {label:20s} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (median of 3 runs x 40 members)")


if __name__ == "__main__":
    main()
