"""`python -m bench sustained`: OARS under a fixed arrival rate (open loop) for a while (#17 targets).

The closed loop of `bench e2e` waits for each reply before sending more, so it can never show a queue building
up. Here messages arrive on a fixed schedule, whatever the server does: at each rate in RATES, every member of
a fresh set (each with an open reflection drill, opened beforehand and not measured) answers once, the
answers spaced 1/rate apart for SECONDS seconds; one answer in five reaches the sentence encoder, as in
`bench e2e`. Same fake Slack Web API and separate redis-server; the load generator and the fake run in this
process, on the same machine as the server.

Printed per rate: answers offered and the rate actually sent, replies per second over the whole run (first
send to last reply), ack p50/p95/p99 and max (Slack wants an ack within 3 s), reply latency p50/p95/p99,
acks over 3 s, acks that were not HTTP 200, false errors (an error reply with Redis healthy: "memory store"
or "went wrong"), polite "busy, send it again" replies (shed load, not an error), and replies lost (none
within 30 s). Targets (#17): >= 150 answers/s with reply p95 < 1 s; at twice that rate no ack over 3 s and
excess load queued or politely shed, never a false error.

Environment: BENCH_SUSTAINED_RATES (answers per second, comma separated; default 150,300),
BENCH_SUSTAINED_SECONDS (per rate, default 20); OARS_WEB_PROCESSES reaches `oars serve` (web processes, default 1).
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench.bench_e2e import answer_text, load
from bench.e2e_support import ReplyWatchingSlack, Server, dm_event, pct, signed, start_oars, start_redis

RATES = [float(r) for r in os.environ.get("BENCH_SUSTAINED_RATES", "150,300").split(",") if r.strip()]
SECONDS = float(os.environ.get("BENCH_SUSTAINED_SECONDS", "20"))
REPLY_WITHIN = 30.0
ERROR_MARKS = ("memory store", "went wrong")


@dataclass
class Outcome:
    sent_at: float
    ack: float | None  # seconds until the HTTP response; None when the request itself failed
    status: int
    answered: float | None  # seconds until the reply reached the fake Slack
    shed: bool = False  # the reply was "busy, send it again"


class ErrorCountingSlack(ReplyWatchingSlack):
    """Also counts every error reply ("something went wrong", "memory store"), not only Redis ones."""

    def __init__(self) -> None:
        super().__init__()
        self.errors = 0
        self.error_texts: dict[str, int] = {}
        self.shed: set[str] = set()  # channels whose awaited reply was a polite "busy, send it again"

    def _answer(self, method: str, args: dict[str, Any], *rest: Any) -> dict[str, Any]:
        if method == "chat.postMessage":
            text = str(args.get("text", ""))
            channel = str(args.get("channel", ""))
            if channel in self.waiters and "a lot of" in text and "send it again" in text:
                self.shed.add(channel)
            if any(mark in text for mark in ERROR_MARKS):
                self.errors += 1
                self.error_texts[text[:100]] = self.error_texts.get(text[:100], 0) + 1
        return super()._answer(method, args, *rest)


async def one(session: aiohttp.ClientSession, fake: ErrorCountingSlack, server: Server, member: int, text: str,
              serial: str) -> Outcome:
    reply = fake.expect(f"D{member}")
    body = dm_event(member, text, serial)
    sent = time.perf_counter()
    ack: float | None = None
    status = 0
    try:
        async with session.post(server.url, data=body.encode(), headers=signed(body)) as response:
            await response.read()
            status = response.status
        ack = time.perf_counter() - sent
    except aiohttp.ClientError:
        pass
    try:
        answered: float | None = await asyncio.wait_for(reply, REPLY_WITHIN) - sent
    except TimeoutError:
        fake.waiters.pop(f"D{member}", None)
        answered = None
    return Outcome(sent, ack, status, answered, f"D{member}" in fake.shed)


async def open_loop(session: aiohttp.ClientSession, fake: ErrorCountingSlack, server: Server, rate: float,
                    first_member: int, rng: random.Random) -> None:
    count = max(1, int(rate * SECONDS))
    members = list(range(first_member, first_member + count))
    opened = await load(session, fake, server, members, ["drill reflection"] * count, f"o{rate:g}-", 40, False,
                        max_seconds=300)
    texts = [answer_text(m, rng) for m in members]
    await asyncio.sleep(1.0)  # let the openings' background work (reactions) settle
    errors = fake.errors
    tasks: list[asyncio.Task[Outcome]] = []
    start = time.perf_counter()
    for i, (member, text) in enumerate(zip(members, texts, strict=True)):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(session, fake, server, member, text, f"s{rate:g}-{member}")))
    send_seconds = time.perf_counter() - start
    outcomes = await asyncio.gather(*tasks)
    replied = [o for o in outcomes if o.answered is not None]
    graded = [o for o in replied if not o.shed]
    end = max((o.sent_at + (o.answered or 0.0) for o in replied), default=time.perf_counter())
    acks = [o.ack for o in outcomes if o.ack is not None]
    latencies = [o.answered for o in graded if o.answered is not None]
    failed_acks = sum(1 for o in outcomes if o.ack is None or o.status != 200)
    print(f"{rate:4.0f}/s offered: {count} sent at {count / send_seconds:5.1f}/s; graded {len(graded)} "
          f"({len(graded) / max(1e-9, end - start):5.1f}/s), shed politely {len(replied) - len(graded)}, "
          f"lost {len(outcomes) - len(replied)}, false errors {fake.errors - errors}; graded reply p50/p95/p99 "
          f"{pct(latencies, .5):5.2f}/{pct(latencies, .95):5.2f}/{pct(latencies, .99):5.2f} s; ack p50/p95/p99 "
          f"{1000 * pct(acks, .5):4.0f}/{1000 * pct(acks, .95):4.0f}/{1000 * pct(acks, .99):4.0f} ms, max "
          f"{max(acks, default=0):4.2f} s, over 3 s {sum(a > 3 for a in acks)}, not 200 {failed_acks}"
          + (f" ({opened.lost} drills not opened)" if opened.lost else ""), flush=True)


async def run_all() -> None:
    rng = random.Random(17)
    fake = ErrorCountingSlack()
    await fake.start()
    workdir = tempfile.TemporaryDirectory(prefix="oars-sustained-")
    redis_proc, redis_url = start_redis(Path(workdir.name))
    oars = start_oars(fake, redis_url)
    try:
        connector = aiohttp.TCPConnector(limit=2000)
        async with aiohttp.ClientSession(connector=connector) as session:
            warm = list(range(1, 21))  # load the grader and encoder, open connections; not measured
            await load(session, fake, oars, warm, ["drill reflection"] * len(warm), "wd", 10, False)
            await load(session, fake, oars, warm, [answer_text(i, rng) for i in warm], "wa", 10, False)
            print(f"sustained: open loop, {SECONDS:.0f} s per rate, 1 in 5 answers reaching the encoder; "
                  f"oars serve with its defaults, {os.environ.get('OARS_WEB_PROCESSES', '1')} web process(es) "
                  f"(OARS_WEB_PROCESSES)", flush=True)
            for number, rate in enumerate(RATES):
                await open_loop(session, fake, oars, rate, 100_000 * (number + 1), rng)
            print(f"oars serve RSS {oars.web_rss_mib():.0f} MiB (its web processes summed)", flush=True)
            for text, times in fake.error_texts.items():
                print(f"  error reply x{times}: {text}")
    finally:
        oars.stop()
        redis_proc.kill()
        redis_proc.wait()
        await fake.stop()
        workdir.cleanup()


def main() -> None:
    started = time.perf_counter()
    asyncio.run(run_all())
    print(f"(bench sustained took {time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
