"""Acceptance: the real `oars serve` process, signed Slack requests, the fake Web API."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.adapters.slack.conftest import SECRET, TOKEN, event_body, signed_headers, slash_body
from tests.adapters.slack.fake_slack import FakeSlack
from tests.ports import free_port


def _missing_parts() -> str | None:
    for module in ("adapters.teams", "bot.scheduler", "bot.schedules"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return f"{module} is not importable yet ({exc}); `oars serve` needs it"
    return None



@pytest.fixture
def serve_redis_url() -> str:
    """REDIS_URL of the served process: '' is the embedded Redis (test_acceptance_on_cluster overrides it)."""
    return ""


@pytest.fixture
async def served(tmp_path: Path, fake_slack: FakeSlack, serve_redis_url: str) -> AsyncIterator[str]:
    missing = _missing_parts()
    if missing:
        pytest.skip(missing)
    port = free_port()
    script = Path(sys.executable).with_name("oars")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]
    env = {**os.environ, "SLACK_API_URL": fake_slack.api_url, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_BOT_TOKEN": TOKEN, "SLACK_APP_TOKEN": "", "OARS_DATA_DIR": str(tmp_path / "data"),
           "REDIS_URL": serve_redis_url, "OARS_NOW": "", "OARS_MANAGERS": "", "SLACK_FEEDBACK_MODE": "ephemeral"}
    log = (tmp_path / "serve.log").open("wb")
    proc = await asyncio.create_subprocess_exec(*command, "serve", "--port", str(port), "--host", "127.0.0.1",
                                                env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 30
            while True:
                try:
                    async with session.get(f"{url}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if proc.returncode is not None or time.monotonic() > deadline:
                    raise AssertionError("oars serve did not come up:\n" + (tmp_path / "serve.log").read_text())
                await asyncio.sleep(0.2)
        yield url
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        log.close()


async def _post(session: aiohttp.ClientSession, url: str, body: str, content_type: str,
                extra: dict[str, str] | None = None, signed: bool = True) -> tuple[int, float]:
    headers = signed_headers(body, content_type, extra=extra) if signed else {"Content-Type": content_type}
    start = time.monotonic()
    async with session.post(f"{url}/slack/events", data=body.encode(), headers=headers) as resp:
        await resp.read()
        return resp.status, time.monotonic() - start


async def test_oars_serve_end_to_end(served: str, fake_slack: FakeSlack) -> None:
    url = served
    form = "application/x-www-form-urlencoded"
    async with aiohttp.ClientSession() as session:
        status, elapsed = await _post(session, url, slash_body("drill", channel="D0DM",
                                                               response_url=fake_slack.response_url()), form)
        assert status == 200 and elapsed < 3
        drill = (await fake_slack.wait_for("chat.postMessage"))[0]
        assert "Drill" in drill.args["text"]
        channel = drill.args["channel"]

        one_click = "type its number" in drill.args["text"]
        answer = "1" if one_click else "It sounds like you're worn out and want this to be easier."
        event = {"type": "message", "channel_type": "im", "channel": channel, "user": "U1", "text": answer,
                 "ts": "1700000500.000200", "client_msg_id": "acc-answer-1"}
        body = event_body(event, event_id="EvAcc1")
        status, elapsed = await _post(session, url, body, "application/json")
        assert status == 200 and elapsed < 3
        feedback = (await fake_slack.wait_for("chat.postMessage", 2))[1]
        assert feedback.args["channel"] == channel and "Streak" in feedback.args["text"]

        status, _ = await _post(session, url, body, "application/json", extra={"X-Slack-Retry-Num": "1",
                                                                             "X-Slack-Retry-Reason": "http_timeout"})
        assert status == 200
        await asyncio.sleep(1.0)
        assert len(fake_slack.calls_to("chat.postMessage")) == 2

        status, _ = await _post(session, url, json.dumps({"type": "url_verification", "challenge": "x"}),
                                "application/json", signed=False)
        assert status == 401
        async with session.get(f"{url}/healthz") as resp:
            assert resp.status == 200
