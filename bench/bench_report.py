"""Team report cost: reading and aggregating a workspace (and one channel) of N members from the embedded Redis,
and the chart.

Run: python -m bench.bench_report   (medians of 3 runs; 1,000 members with 40 answers each)
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from bot.app import OarsApp
from bot.config import Settings
from bot.report_chart import render_png
from bot.store import MemberRef
from bot.team_data import Scope, TeamData
from exercises.vocabulary import SKILLS

NOW = datetime.fromisoformat("2026-03-02T09:00:00+01:00")
POSTS = 60


async def seed(app: OarsApp, members: int, answers: int) -> None:
    rng = random.Random(1)
    redis = app.store.redis
    for start in range(0, members, 200):
        async with redis.pipeline(transaction=False) as pipe:
            for n in range(start, min(members, start + 200)):
                member = MemberRef("slack", "TB", f"U{n:05d}")
                pipe.hset(app.store.key(member, "profile"), mapping={"tz": "Europe/Berlin"})
                rows = [json.dumps({"drill_id": f"d{rng.randrange(400)}", "skill": rng.choice(SKILLS),
                                    "kind": "reflection", "verdict": "pass", "score": rng.randrange(4),
                                    "at": (NOW - timedelta(hours=rng.randrange(24 * 28))).isoformat(),
                                    "message_id": f"{n}-{i}"}) for i in range(answers)]
                pipe.rpush(app.store.key(member, "history"), *rows)
                pipe.hset(app.store.key(member, "streak"), mapping={"current": str(rng.randrange(20)),
                                                                    "last_day": "2026-03-01"})
            await pipe.execute()
    team = TeamData(app.store, "Europe/Berlin")
    for n in range(POSTS):  # a channel drill every weekday or so, in three channels
        await team.note_channel_post("slack", "TB", f"C{n % 3}", f"17000000{n:02d}.0001", f"d{rng.randrange(400)}",
                                     NOW - timedelta(hours=11 * n + 5))


async def one_run(members: int, answers: int) -> tuple[float, float, float, bytes]:
    with tempfile.TemporaryDirectory() as data:
        app = OarsApp(Settings(redis_url=None, oars_data_dir=Path(data)))
        await app.start()
        try:
            await seed(app, members, answers)
            team = TeamData(app.store, "Europe/Berlin")
            started = time.perf_counter()
            report = await team.report(Scope("slack", "TB"), NOW)
            report_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            await team.report(Scope("slack", "TB", "C1"), NOW)
            channel_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            png = render_png(report, "Team practice, workspace TB")
            chart_ms = (time.perf_counter() - started) * 1000
        finally:
            await app.stop()
        return report_ms, channel_ms, chart_ms, png


def main() -> None:
    import matplotlib  # noqa: F401  (first import is paid once, not per chart)

    for members in (100, 1000):
        runs = [asyncio.run(one_run(members, 40)) for _ in range(3)]
        report_ms, channel_ms, chart_ms = (statistics.median(float(r[i]) for r in runs) for i in range(3))
        size = len(runs[-1][3])
        print(f"report {members:5d} members x 40 answers, {POSTS} channel drills: workspace {report_ms:7.1f} ms, "
              f"one channel {channel_ms:7.1f} ms, chart {chart_ms:6.1f} ms, PNG {size / 1024:.1f} KiB   (median of 3)")


if __name__ == "__main__":
    main()
