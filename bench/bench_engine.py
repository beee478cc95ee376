"""Engine round trips on the embedded Redis: drill + graded answer latency, p50/p99, and peak memory.

Run: python -m bench.bench_engine   (prints medians over 3 runs of 300 members each)
"""

from __future__ import annotations

import asyncio
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import OarsApp
from bot.config import Settings
from bot.messages import Inbound

ANSWERS = [
    "It sounds like the waiting has worn you down.",
    "What would make the next step feel doable for you?",
    "You kept going even when it was hard, and that shows real commitment.",
    "It's your call how you take this forward.",
]


async def one_run(members: int, seed: int) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as data:
        app = OarsApp(Settings(redis_url=None, oars_data_dir=Path(data)), rng=random.Random(seed))
        engine = await app.start()
        drill_ms: list[float] = []
        answer_ms: list[float] = []
        try:
            for n in range(members):
                def inbound(text: str, i: int, n: int = n) -> Inbound:
                    return Inbound("console", "bench", f"D{n}", f"U{n}", text, f"{seed}-{n}-{i}")

                started = time.perf_counter()
                await engine.handle(inbound("drill", 0))
                drill_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                await engine.handle(inbound(ANSWERS[n % len(ANSWERS)], 1))
                answer_ms.append((time.perf_counter() - started) * 1000)
        finally:
            await app.stop()
        return drill_ms, answer_ms


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    runs = [asyncio.run(one_run(300, seed)) for seed in (1, 2, 3)]
    for label, index in (("drill", 0), ("answer (graded + recorded)", 1)):
        p50 = statistics.median(pct(run[index], 0.50) for run in runs)
        p99 = statistics.median(pct(run[index], 0.99) for run in runs)
        print(f"engine {label:28s} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (median of 3 runs x 300 members)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the benchmark process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
