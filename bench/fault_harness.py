"""The fault suite's harness (bench/faults.py): a redis-server and an `oars serve` process it can stop, freeze and
kill, and Slack-shaped event delivery (signed POSTs, retries counted)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.adapters.slack.fake_slack import FakeSlack
from tests.ports import free_port
from tests.redis_process import RedisProcess

SECRET, TOKEN, TEAM = "faults-signing-secret", "xoxb-faults", "T1"
RECOVERY_TARGET = 3.0  # seconds from Redis's return to the first successful answer


@dataclass
class Row:
    scenario: str
    requests: int = 0
    slow_acks: int = 0
    false_errors: int = 0
    lost: int = 0
    doubled: int = 0
    keys_left: int | None = None
    notes: str = ""
    recovery: float | None = None  # seconds from Redis's return to the first feedback (target: at most 3)

    def zeros(self) -> bool:
        """Every count is zero and, after an outage, service came back within 3 seconds."""
        late = self.recovery is not None and self.recovery > RECOVERY_TARGET
        return not (self.slow_acks or self.false_errors or self.lost or self.doubled or self.keys_left or late)


class RedisServer(RedisProcess):
    """redis-server with append-only persistence in `workdir` (tests/redis_process.py) that can also be frozen."""

    def signal(self, sig: signal.Signals) -> None:
        if self.proc is not None:
            self.proc.send_signal(sig)


class OarsServer:
    """`oars serve` as a child process; its log goes to a file so hostile requests' log volume can be measured."""

    def __init__(self, workdir: Path, redis_port: int, slack: FakeSlack, semantic: bool) -> None:
        self.port = free_port()
        self.log = workdir / "serve.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "OARS_"))}
        self.env.update({"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "OARS_DATA_DIR": str(workdir),
                         "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url,
                         "OARS_SEMANTIC": "1" if semantic else "0", "LOG_LEVEL": "INFO"})
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1",
                                          "--port", str(self.port)], env=self.env, stdout=log, stderr=log)

    async def start(self, http: aiohttp.ClientSession) -> float:
        """Spawn and wait until healthy; seconds it took."""
        started = time.monotonic()
        self.spawn()
        while time.monotonic() - started < 90:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with http.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return time.monotonic() - started
            await asyncio.sleep(0.1)
        raise RuntimeError("oars serve did not become healthy")

    def kill9(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@dataclass
class Traffic:
    """Every event POST and how fast it was acknowledged."""

    requests: int = 0
    slow: int = 0
    refused: int = 0
    server_errors: int = 0
    ts: Any = field(default_factory=lambda: iter(range(1, 10**9)))


def sign(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


async def post_event(http: aiohttp.ClientSession, server: OarsServer, traffic: Traffic, user: str, text: str,
                     msg_id: str, event_id: str, retry: int = 0) -> None:
    event = {"type": "message", "channel_type": "im", "channel": f"D{user}", "user": user, "text": text,
             "ts": f"1700000000.{next(traffic.ts):06d}", "client_msg_id": msg_id}
    body = json.dumps({"token": "x", "team_id": TEAM, "api_app_id": "A1", "event": event, "type": "event_callback",
                       "event_id": event_id, "event_time": int(time.time())}).encode()
    headers = {"Content-Type": "application/json", **sign(body)}
    if retry:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    traffic.requests += 1
    started = time.monotonic()
    try:
        async with http.post(f"{server.url}/slack/events", data=body, headers=headers,
                             timeout=aiohttp.ClientTimeout(total=10)) as response:
            await response.read()
            traffic.server_errors += response.status >= 500
    except (TimeoutError, aiohttp.ClientError, OSError):
        traffic.refused += 1
        return
    traffic.slow += time.monotonic() - started > 3.0
