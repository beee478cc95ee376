"""`python -m bench e2e`: the cost of an answer, OARS side by side with a bare Bolt app (#17 item 5).

Both servers run as child processes of this benchmark, against the same fake Slack Web API (in this
process), under the same load: `CONCURRENCY` members at a time each send a DM and wait for the reply
before sending the next (closed loop). For OARS every measured message is an answer to an open reflection
drill (opened beforehand, not measured), and one answer in five shares no word with the drill, so it
reaches the sentence encoder; the bare app answers every DM with a fixed text. OARS uses a separate
redis-server (its CPU is not counted for either). Printed per server, medians of `RUNS` runs: server CPU
(the server's whole process tree) per answer, answers per second, reply latency p50/p95/p99 (request sent
until the reply reached Slack), ack p99/max, lost replies; then both ratios.

Environment: BENCH_E2E_ANSWERS (per run, default 200), BENCH_E2E_CONCURRENCY (10), BENCH_E2E_RUNS (3),
BENCH_E2E_MAX_SECONDS (per run, 90), OARS_GRADER_MODE / OARS_GRADER_WORKERS (passed to `oars serve`).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.e2e_support import (
    ReplyWatchingSlack,
    Sample,
    Server,
    free_port,
    oars_env,
    pct,
    send,
    start_oars,
    start_redis,
    start_server,
)

ANSWERS = int(os.environ.get("BENCH_E2E_ANSWERS", "200"))
CONCURRENCY = int(os.environ.get("BENCH_E2E_CONCURRENCY", "10"))
RUNS = int(os.environ.get("BENCH_E2E_RUNS", "3"))
MAX_SECONDS = float(os.environ.get("BENCH_E2E_MAX_SECONDS", "90"))
BURST = int(os.environ.get("BENCH_E2E_BURST", "300"))
ENCODER_EVERY = 5  # one answer in five reaches the encoder

REFLECTIONS = (
    "It sounds like you're worn out and you want this to get easier.",
    "You feel stuck between what you want and what you have to do.",
    "You're frustrated that nobody seems to listen to you.",
    "It's been a long stretch and you're tired of waiting for it to change.",
    "Part of you wants to change this, and part of you isn't sure it's worth it.",
    "You care about doing this well, and it worries you that you might not.",
)
UNRELATED = ("sunshine rivers mountains quietly bicycle orange keyboard elephants wander thoughtful mornings "
             "violin lantern harbour pebbles meadow").split()


def answer_text(serial: int, rng: random.Random) -> str:
    if serial % ENCODER_EVERY == 0:  # no shared word with any drill: the grader asks the encoder
        return "You " + " ".join(rng.choice(UNRELATED) for _ in range(rng.randint(8, 24))) + f" {serial}."
    return REFLECTIONS[serial % len(REFLECTIONS)]


@dataclass
class Run:
    answers: int
    seconds: float
    cpu: float
    samples: list[Sample]

    @property
    def latencies(self) -> list[float]:
        return [s.answered for s in self.samples if s.answered is not None]

    @property
    def lost(self) -> int:
        return sum(1 for s in self.samples if s.answered is None)

    @property
    def cpu_ms_per_answer(self) -> float:
        return 1000 * self.cpu / max(1, self.answers)

    @property
    def throughput(self) -> float:
        return self.answers / self.seconds if self.seconds else 0.0


async def load(session: aiohttp.ClientSession, fake: ReplyWatchingSlack, server: Server, members: list[int],
               texts: list[str], tag: str, concurrency: int, measure: bool = True,
               max_seconds: float = MAX_SECONDS) -> Run:
    """Each of `concurrency` workers sends the next member's message and waits for its reply."""
    queue = list(zip(members, texts, strict=True))[::-1]
    samples: list[Sample] = []
    deadline = time.monotonic() + max_seconds

    async def worker() -> None:
        while queue and time.monotonic() < deadline:
            member, text = queue.pop()
            samples.append(await send(session, fake, server, member, text, f"{tag}{member}"))

    cpu = server.cpu_seconds() if measure else 0.0
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    cpu = server.cpu_seconds() - cpu if measure else 0.0
    return Run(sum(1 for s in samples if s.answered is not None), seconds, cpu, samples)


async def burst(session: aiohttp.ClientSession, fake: ReplyWatchingSlack, server: Server, rng: random.Random
                ) -> None:
    """#12's burst: BURST members with open drills all answer at the same moment."""
    members = list(range(900_000, 900_000 + BURST))
    async with session:
        await load(session, fake, server, members, ["drill reflection"] * BURST, "bd", 2 * CONCURRENCY, False)
        store_down, busy = fake.store_down, fake.busy
        result = await load(session, fake, server, members, [answer_text(m, rng) for m in members], "ba", BURST,
                            max_seconds=120)
    acks = [s.ack for s in result.samples]
    print(f"burst: {BURST} answers at once: acks over 3 s {sum(a > 3 for a in acks)}, ack max {max(acks):.2f} s; "
          f"replies p95 {pct(result.latencies, .95):.1f} s, lost {result.lost}, 'store unreachable' "
          f"{fake.store_down - store_down}, 'busy, send it again' {fake.busy - busy}", flush=True)


def median(runs: list[Run], value: str) -> float:
    return statistics.median(float(getattr(r, value)) for r in runs)


def median_of(runs: list[Run], pick: object) -> float:
    return statistics.median(pick(r) for r in runs)  # type: ignore[operator]


def report(name: str, server: Server, runs: list[Run]) -> None:
    print(f"{name:10s} {median(runs, 'cpu_ms_per_answer'):9.2f} ms {median(runs, 'throughput'):9.1f}/s"
          f" {1000 * median_of(runs, lambda r: pct(r.latencies, .50)):7.0f}"
          f" {1000 * median_of(runs, lambda r: pct(r.latencies, .95)):7.0f}"
          f" {1000 * median_of(runs, lambda r: pct(r.latencies, .99)):7.0f} ms"
          f" {1000 * median_of(runs, lambda r: pct([s.ack for s in r.samples], .99)):7.0f}"
          f" {1000 * max(max((s.ack for s in r.samples), default=0) for r in runs):7.0f} ms"
          f" {sum(r.lost for r in runs):5d}   up in {server.started:.2f}s, RSS {server.rss_mib():.0f} MiB",
          flush=True)


async def run_all() -> None:
    rng = random.Random(17)
    fake = ReplyWatchingSlack()
    await fake.start()
    workdir = tempfile.TemporaryDirectory(prefix="oars-e2e-")
    redis_proc, redis_url = start_redis(Path(workdir.name))
    oars = start_oars(fake, redis_url)
    port = free_port()
    bare = start_server("bare bolt", [sys.executable, "-m", "bench.bare_bolt", str(port)],
                        oars_env(fake, None, workdir.name), port, None)
    connector = aiohttp.TCPConnector(limit=4 * CONCURRENCY)

    def session_factory() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=BURST))

    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            oars_runs: list[Run] = []
            bare_runs: list[Run] = []
            warm = list(range(1, 21))  # load the grader and encoder, open connections; not measured
            await load(session, fake, oars, warm, ["drill reflection"] * len(warm), "wd", CONCURRENCY, False)
            await load(session, fake, oars, warm, [answer_text(i, rng) for i in warm], "wa", CONCURRENCY, False)
            await load(session, fake, bare, warm, ["hello"] * len(warm), "wb", CONCURRENCY, False)
            for number in range(RUNS):
                members = list(range(1000 * (number + 1), 1000 * (number + 1) + ANSWERS))
                texts = [answer_text(m, rng) for m in members]
                opened = await load(session, fake, oars, members, ["drill reflection"] * len(members),
                                    f"d{number}-", 2 * CONCURRENCY, False)
                if opened.lost:
                    print(f"  ({opened.lost} drills were not opened in time)", file=sys.stderr)
                await asyncio.sleep(0.5)  # let background work (reactions) settle before measuring
                oars_runs.append(await load(session, fake, oars, members, texts, f"a{number}-", CONCURRENCY))
                await asyncio.sleep(0.5)
                bare_runs.append(await load(session, fake, bare, members, texts, f"b{number}-", CONCURRENCY))
        print(f"e2e: {CONCURRENCY} concurrent members, {ANSWERS} answers per run, 1 in {ENCODER_EVERY} reaching "
              f"the encoder; medians of {RUNS} runs")
        print(f"{'server':10s} {'CPU/answer':>12s} {'answers':>11s} {'p50':>7s} {'p95':>7s} {'p99':>10s}"
              f" {'ack p99':>7s} {'ack max':>10s} {'lost':>5s}")
        report("oars", oars, oars_runs)
        report("bare bolt", bare, bare_runs)
        print(f"(oars RSS includes {oars.shared_mib():.0f} MiB file-backed pages: shared libraries, onnxruntime's "
              "the largest; the model file is read, not mapped)")
        if BURST > 0:  # the session is opened only for a burst that runs (it closes it)
            await burst(session_factory(), fake, oars, rng)
        cpu_ratio = median(oars_runs, "cpu_ms_per_answer") / max(1e-9, median(bare_runs, "cpu_ms_per_answer"))
        rate_ratio = median(oars_runs, "throughput") / max(1e-9, median(bare_runs, "throughput"))
        print(f"ratios: OARS spends {cpu_ratio:.1f}x the bare app's server CPU per answer "
              f"(target <= 6x) at {rate_ratio:.2f}x its throughput (target >= 0.25x)")
    finally:
        oars.stop()
        bare.stop()
        redis_proc.kill()
        redis_proc.wait()
        await fake.stop()
        workdir.cleanup()


def main() -> None:
    started = time.perf_counter()
    asyncio.run(run_all())
    print(f"(bench e2e took {time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
