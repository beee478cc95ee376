"""`python -m bench startup`: start-up, shutdown and memory of the processes people run (#17 item 4).

Prints, medians of 3: seconds from starting `oars serve` (Slack configured against a fake Web API, Teams
not) until /healthz answers 200, with REDIS_URL and with the embedded Redis; seconds from end of input until
`oars chat` has exited (embedded Redis stop included). Then the RSS of one `oars serve` when healthy, and
after MEMBERS members each opened a drill and 200 of them answered (every per-member cache filled).
Targets: healthy <= 1 s, chat gone <= 0.5 s, RSS <= 200 MiB after 5,000 members.

Environment: BENCH_STARTUP_MEMBERS (default 5000).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.bench_e2e import answer_text, load
from bench.e2e_support import ROOT, ReplyWatchingSlack, start_oars, start_redis

MEMBERS = int(os.environ.get("BENCH_STARTUP_MEMBERS", "5000"))
RUNS = 3


def chat_exit_seconds() -> float:
    """Start `oars chat`, get one reply, close stdin: seconds until the process is gone."""
    with tempfile.TemporaryDirectory(prefix="oars-chat-bench-") as data:
        env = {**os.environ, "OARS_DATA_DIR": data, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--user", "bench", "--json"], cwd=ROOT,
                                env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("help\n")
        proc.stdin.flush()
        proc.stdout.readline()
        started = time.perf_counter()
        proc.stdin.close()
        proc.wait(30)
        return time.perf_counter() - started


async def run_all() -> None:
    fake = ReplyWatchingSlack()
    await fake.start()
    workdir = tempfile.TemporaryDirectory(prefix="oars-startup-")
    redis_proc, redis_url = start_redis(Path(workdir.name))
    try:
        for label, url in (("REDIS_URL", redis_url), ("embedded Redis", None)):
            times = []
            for _ in range(RUNS):
                server = start_oars(fake, url)
                times.append(server.started)
                server.stop()
            print(f"oars serve healthy after   {statistics.median(times):5.2f} s  ({label}; runs "
                  f"{', '.join(f'{t:.2f}' for t in times)}; target <= 1 s)", flush=True)
        exits = [chat_exit_seconds() for _ in range(RUNS)]
        print(f"oars chat gone after EOF   {statistics.median(exits):5.2f} s  (embedded Redis stop included; runs "
              f"{', '.join(f'{t:.2f}' for t in exits)}; target <= 0.5 s)", flush=True)
        server = start_oars(fake, redis_url)
        try:
            print(f"oars serve RSS when healthy {server.rss_mib():5.0f} MiB", flush=True)
            rng = random.Random(4)
            members = list(range(10_000, 10_000 + MEMBERS))
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
                started = time.perf_counter()
                drills = await load(session, fake, server, members, ["drill reflection"] * len(members), "m", 20,
                                    measure=False, max_seconds=600)
                answered = members[:200]
                answers = await load(session, fake, server, answered, [answer_text(m, rng) for m in answered],
                                     "a", 10, measure=False)
            print(f"oars serve RSS after {MEMBERS:,} members {server.rss_mib():5.0f} MiB  ({drills.answers} drills, "
                  f"{answers.answers} answers in {time.perf_counter() - started:.0f} s; target <= 200 MiB; "
                  f"{server.shared_mib():.0f} MiB of it file-backed: shared libraries)",
                  flush=True)
        finally:
            server.stop()
    finally:
        redis_proc.kill()
        redis_proc.wait()
        await fake.stop()
        workdir.cleanup()


def main() -> None:
    asyncio.run(run_all())


if __name__ == "__main__":
    main()
