"""`make faults` (`python -m bench.faults [--quick]`): OARS under bursts, crashes, Redis outages and hostile input.

A real `oars serve` process runs against a real redis-server and the test suite's fake Slack Web API; members
talk to it the way Slack delivers events (signed, acked, redelivered with X-Slack-Retry-Num when no answer
came: at once, then after 12 s and 30 s, Slack's 1 and 5 minutes compressed). Each scenario prints one row:

  requests        event POSTs sent (members' messages, redeliveries, hostile requests)
  acks > 3 s      POSTs answered later than Slack's 3 seconds (refused connections while killed don't count)
  false errors    "nothing was recorded" replies for answers that were recorded, any error reply while Redis
                  was healthy, and 5xx answers to hostile requests
  lost            answers never answered (no feedback, no error), or answered with feedback but not recorded
  doubled         answers recorded or answered with feedback more than once
  keys left       keys (or values) naming a member after their `forget me`

The exit status is 1 unless every count is 0 and, after each Redis outage, the first feedback came within 3 s
of Redis returning. `--quick` is the bounded form the test suite runs (tests/bench/test_faults.py); the default
is the full one (50 members practising at once, 300 answers, kill -9 mid-burst, Redis stopped and frozen for
10 s under load, two clocks with the sender killed mid-send).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis

from bench.fault_harness import (
    SECRET,
    TEAM,
    TOKEN,
    OarsServer,
    RedisServer,
    Row,
    Traffic,
    post_event,
    sign,
)
from tests.adapters.slack.fake_slack import FakeSlack

ANSWER = "It sounds like you're worn out and you want this to get easier."
ERRORS = ("can't reach my memory store", "Something went wrong on my side")
UNSURE = "can't tell whether it was"
REDELIVERY_DELAYS = (0.0, 12.0, 30.0)  # after the first try; Slack's schedule (immediately, 1 min, 5 min)



def opaque(label: str) -> str:
    """A client_msg_id as Slack makes them (a UUID), naming nobody."""
    return str(uuid.UUID(hashlib.md5(label.encode()).hexdigest()))


def dm_posts(fake: FakeSlack, user: str) -> list[str]:
    return [str(c.args.get("text") or "") for c in fake.calls
            if c.method == "chat.postMessage" and c.status == 200 and c.args.get("channel") == f"D{user}"]


def more_posts(fake: FakeSlack, user: str, seen: int) -> Callable[[], bool]:
    """True once the member's DM has more than `seen` posts: our message was answered."""
    return lambda: len(dm_posts(fake, user)) > seen


def is_feedback(text: str) -> bool:
    return "/3)" in text


@dataclass
class Answer:
    msg_id: str
    reply: str = ""  # the first reply seen after sending it


@dataclass
class Member:
    user: str
    answers: list[Answer] = field(default_factory=list)


async def deliver(http: aiohttp.ClientSession, server: OarsServer, traffic: Traffic, user: str, text: str,
                  msg_id: str, answered: Callable[[], bool], patience: float) -> bool:
    """Send one message, redelivering it Slack-style until `answered()`; False when it never was."""
    event_id = "Ev" + hashlib.sha1(msg_id.encode()).hexdigest()[:10].upper()
    for attempt, delay in enumerate((0.0, *REDELIVERY_DELAYS)):
        await asyncio.sleep(delay)
        if attempt and answered():
            return True
        await post_event(http, server, traffic, user, text, msg_id, event_id, retry=attempt)
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if answered():
                return True
            await asyncio.sleep(0.05)
    return answered()


async def practise(http: aiohttp.ClientSession, server: OarsServer, fake: FakeSlack, traffic: Traffic,
                   member: Member, answers: int, patience: float) -> None:
    """A member's session: ask for a drill, answer it, read the feedback; again. After an error reply they
    send the answer again as a new message, as a person would."""
    for k in range(answers):
        for retry in range(6):
            seen = len(dm_posts(fake, member.user))
            await deliver(http, server, traffic, member.user, "drill reflection", opaque(f"{member.user}-d{k}-{retry}"),
                          more_posts(fake, member.user, seen), patience)
            new = dm_posts(fake, member.user)[seen:]
            if new and not any(e in new[0] for e in ERRORS):
                break
            await asyncio.sleep(1.0)
        for retry in range(6):
            answer = Answer(opaque(f"{member.user}-a{k}-{retry}"))
            member.answers.append(answer)
            seen = len(dm_posts(fake, member.user))
            await deliver(http, server, traffic, member.user, ANSWER, answer.msg_id,
                          more_posts(fake, member.user, seen), patience)
            new = dm_posts(fake, member.user)[seen:]
            answer.reply = new[0] if new else ""
            if answer.reply and not any(e in answer.reply for e in ERRORS):
                break
            await asyncio.sleep(1.0)


async def tally(redis: aioredis.Redis, fake: FakeSlack, members: list[Member], row: Row,
                errors_are_false: bool) -> None:
    """Compare what members were told with what Redis recorded."""
    for member in members:
        raw = await redis.lrange(f"oars:m:{{slack:{TEAM}:{member.user}}}:history", 0, -1)
        recorded = [json.loads(r)["message_id"] for r in raw]
        row.doubled += len(recorded) - len(set(recorded))
        feedback_posts = sum(is_feedback(t) for t in dm_posts(fake, member.user))
        row.doubled += max(0, feedback_posts - len(set(recorded)))
        for answer in member.answers:
            in_history = answer.msg_id in recorded
            if not answer.reply:
                row.lost += 1
            elif is_feedback(answer.reply) and not in_history:
                row.lost += 1
            elif any(e in answer.reply for e in ERRORS) and (in_history or errors_are_false):
                row.false_errors += 1


async def burst(name: str, http: aiohttp.ClientSession, server: OarsServer, fake: FakeSlack, redis: aioredis.Redis,
                members: int, answers: int, during: Callable[[Traffic], Awaitable[None]] | None = None,
                errors_are_false: bool = True, patience: float = 20.0) -> tuple[Row, list[Member]]:
    traffic = Traffic()
    tag = hashlib.sha1(name.encode()).hexdigest()[:4].upper()
    people = [Member(f"U{tag}{i:03d}") for i in range(members)]
    sessions = [practise(http, server, fake, traffic, m, answers, patience) for m in people]
    extra = [during(traffic)] if during else []
    await asyncio.gather(*sessions, *extra)
    row = Row(name, traffic.requests, traffic.slow)
    await tally(redis, fake, people, row, errors_are_false)
    row.false_errors += traffic.server_errors
    row.notes = f"{sum(len(m.answers) for m in people)} answers sent, {traffic.refused} refused while down"
    return row, people


HOSTILE: list[tuple[bytes, str, dict[str, str] | None]] = [
    (b'{"type": "event_callback", ', "application/json", None),
    (b'{"a": "\xff\xfe"}', "application/json", None),
    (b"payload=garbage", "application/x-www-form-urlencoded", None),
    (b"command=%2Foars&text=drill&team_id=T1", "application/x-www-form-urlencoded", None),
    (b"command=%2Foars&text=drill", "application/x-www-form-urlencoded", {"X-Slack-Request-Timestamp": "12ab"}),
    (b"x" * 500_000, "application/x-www-form-urlencoded", {"X-Slack-Signature": "v0=" + "0" * 64}),
    (b'{"type": "event_callback"}', "application/json", {"X-Slack-Signature": "v0=bad"}),
]


async def hostile(http: aiohttp.ClientSession, server: OarsServer, count: int) -> tuple[int, int, int, int]:
    """(requests, slow, non-4xx answers, log bytes written) for `count` hostile requests."""
    before = server.log.stat().st_size
    slow = bad = 0

    async def one(i: int) -> None:
        nonlocal slow, bad
        body, content_type, override = HOSTILE[i % len(HOSTILE)]
        headers = {"Content-Type": content_type, **sign(body), **(override or {})}
        started = time.monotonic()
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            async with http.post(f"{server.url}/slack/events", data=body, headers=headers,
                                 timeout=aiohttp.ClientTimeout(total=10)) as response:
                bad += not 400 <= response.status < 500
        slow += time.monotonic() - started > 3.0

    await asyncio.gather(*(one(i) for i in range(count)))
    await asyncio.sleep(0.5)
    return count, slow, bad, server.log.stat().st_size - before


async def keys_naming(redis: aioredis.Redis, *needles: str) -> int:
    found = 0
    async for key in redis.scan_iter(count=1000):
        kind = await redis.type(key)
        values: Any = []
        if kind == "string":
            values = await redis.get(key)
        elif kind == "hash":
            values = await redis.hgetall(key)
        elif kind == "list":
            values = await redis.lrange(key, 0, -1)
        elif kind == "set":
            values = await redis.smembers(key)
        elif kind == "zset":
            values = await redis.zrange(key, 0, -1)
        elif kind == "stream":
            values = await redis.xrange(key)
        if any(needle in f"{key} {values}" for needle in needles):
            found += 1
            if os.environ.get("OARS_FAULTS_VERBOSE"):
                print("left:", key, str(values)[:200])
    return found


async def run(quick: bool) -> list[Row]:
    members, answers = (6, 2) if quick else (50, 6)
    outage = 2.0 if quick else 10.0
    patience = 12.0 if quick else 20.0
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="oars-faults-") as tmp:
        workdir = Path(tmp)
        store = RedisServer(workdir)
        store.start()
        fake = FakeSlack()
        await fake.start()
        server = OarsServer(workdir, store.port, fake, semantic=not quick)
        redis = aioredis.Redis(port=store.port, decode_responses=True)
        try:
            async with aiohttp.ClientSession() as http:
                await server.start(http)

                row, people = await burst("burst", http, server, fake, redis, members, answers, patience=patience)
                rows.append(row)

                def midway(share: float, people: int) -> Callable[[Traffic], Awaitable[None]]:
                    async def wait(traffic: Traffic) -> None:
                        for _ in range(6000):  # at most two minutes
                            if traffic.requests >= share * people * answers * 2:
                                return
                            await asyncio.sleep(0.02)
                    return wait

                async def crash(traffic: Traffic) -> None:
                    await midway(0.4, max(4, members // 2))(traffic)
                    server.kill9()
                    row_notes.append(f"restart {await server.start(http):.1f}s")

                row_notes: list[str] = []
                row, _ = await burst("kill -9", http, server, fake, redis, max(4, members // 2), answers, crash,
                                     patience=patience)
                row.notes += "; " + "; ".join(row_notes)
                rows.append(row)

                for mode in ("stopped", "frozen"):
                    recovery: list[float] = []

                    async def outage_during(traffic: Traffic, mode: str = mode,
                                            recovery: list[float] = recovery) -> None:
                        await midway(0.3, max(4, members // 2))(traffic)
                        if mode == "stopped":
                            store.kill()
                        else:
                            store.signal(signal.SIGSTOP)
                        await asyncio.sleep(outage)
                        if mode == "stopped":
                            store.start()
                        else:
                            store.signal(signal.SIGCONT)
                        back = time.monotonic()
                        feedback = len([c for c in fake.calls if is_feedback(str(c.args.get("text") or ""))])
                        while time.monotonic() - back < 30:
                            if len([c for c in fake.calls if is_feedback(str(c.args.get("text") or ""))]) > feedback:
                                recovery.append(time.monotonic() - back)
                                return
                            await asyncio.sleep(0.05)

                    row, _ = await burst(f"redis {mode} {outage:.0f}s", http, server, fake, redis,
                                         max(4, members // 2), answers, outage_during, errors_are_false=False,
                                         patience=patience)
                    row.recovery = recovery[0] if recovery else float("inf")
                    row.notes += f"; first feedback {recovery[0]:.1f}s after Redis returned" if recovery else \
                        "; no feedback after Redis returned"
                    rows.append(row)

                requests, slow, bad, logged = await hostile(http, server, 70 if quick else 700)
                row = Row("hostile bodies/headers", requests, slow, bad)
                row.notes = f"{logged / requests:.0f} log bytes per request; 4xx expected"
                rows.append(row)

                gone = people[0].user
                traffic = Traffic()
                for text in ("settings reminder 08:00", "forget me", "yes"):
                    msg_id = opaque(f"{gone}-{text}")
                    seen = len(dm_posts(fake, gone))
                    await deliver(http, server, traffic, gone, text, msg_id,
                                  more_posts(fake, gone, seen), 20.0)
                row = Row("forget me", traffic.requests, traffic.slow, keys_left=await keys_naming(redis, gone))
                rows.append(row)
            if not quick:  # waits for a real minute boundary and a one-minute reclaim: `make faults` only
                server.stop()
                rows.append(await two_clocks(workdir, store.port, fake, redis))
        finally:
            server.stop()
            await redis.aclose()
            store.signal(signal.SIGCONT)
            store.kill()
            await fake.stop()
    return rows


def spawn_clock(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "clock"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


async def two_clocks(workdir: Path, redis_port: int, fake: FakeSlack, redis: aioredis.Redis) -> Row:
    """Two `oars clock` processes; the one posting a scheduled drill is killed -9 mid-send (Slack has the
    post, the sender never hears back). The survivor reclaims the entry a minute later and must find the
    post (message metadata) instead of posting it again."""
    from datetime import UTC, datetime, timedelta

    from bot.schedules import ScheduleStore, validate

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "OARS_"))}
    env.update({"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "OARS_DATA_DIR": str(workdir),
                "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
                "OARS_SEMANTIC": "0", "OARS_LEASE_SECONDS": "5"})
    clocks = [spawn_clock(env) for _ in range(2)]
    row = Row("two clocks, sender killed", notes="")
    try:
        await asyncio.sleep(3.0)
        now = datetime.now(UTC)
        due = (now + timedelta(minutes=1 if now.second < 40 else 2)).replace(second=0, microsecond=0)
        await ScheduleStore(redis).add("slack", TEAM, "CFAULTS", validate(f"{due:%H:%M}", "UTC", "daily"))
        fake.slow_once("chat.postMessage", 25.0)

        def posts() -> list[Any]:
            return [c for c in fake.calls if c.method == "chat.postMessage" and c.args.get("channel") == "CFAULTS"]

        for _ in range(3000):  # up to two and a half minutes
            if posts():
                break
            await asyncio.sleep(0.05)
        if not posts():
            row.lost, row.notes = 1, "the scheduled drill was never posted"
            return row
        pending = await redis.xpending_range("oars:{outbox}", "oars-senders", min="-", max="+", count=10)
        sender = int(str(pending[0]["consumer"]).split("-")[-2]) if pending else 0
        victim = next((c for c in clocks if c.pid == sender), None)
        if victim is not None:
            victim.kill()
            victim.wait()
        started = time.monotonic()
        while time.monotonic() - started < 150:
            if not await redis.xpending_range("oars:{outbox}", "oars-senders", min="-", max="+", count=10):
                break
            await asyncio.sleep(0.5)
        count = len(posts())
        row.requests, row.doubled, row.lost = count, max(0, count - 1), int(count == 0)
        row.notes = (f"killed the sending clock (pid {sender})" if victim else "sender not found") + \
            f"; entry settled {time.monotonic() - started:.0f}s after the kill"
        return row
    finally:
        for clock in clocks:
            if clock.poll() is None:
                clock.send_signal(signal.SIGTERM)
                try:
                    clock.wait(20)
                except subprocess.TimeoutExpired:
                    clock.kill()


def table(rows: list[Row]) -> str:
    head = ("scenario", "requests", "acks > 3 s", "false errors", "lost", "doubled", "keys left", "notes")
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in rows:
        left = "-" if r.keys_left is None else str(r.keys_left)
        lines.append(" | ".join((r.scenario, str(r.requests), str(r.slow_acks), str(r.false_errors), str(r.lost),
                                 str(r.doubled), left, r.notes)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="the bounded form the test suite runs")
    args = parser.parse_args(argv)
    random.seed(1)
    rows = asyncio.run(run(args.quick))
    print(table(rows))
    return 0 if all(r.zeros() for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
