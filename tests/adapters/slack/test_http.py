"""The HTTP edge: Bolt's signature checks, url_verification, rate limits, the sender, mounting rules."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from adapters.slack import SlackAdapter
from bot.app import OarsApp
from bot.delivery import RateLimited, Target
from bot.messages import Reply
from tests.adapters.slack.conftest import SlackEnv, make_settings, slash_body
from tests.adapters.slack.fake_slack import FakeSlack

FORM = "application/x-www-form-urlencoded"


async def test_bad_signature_is_401_and_nothing_happens(slack_env: SlackEnv) -> None:
    status, _, _ = await slack_env.post(slash_body("drill"), FORM, secret="not-the-secret")
    assert status == 401
    status, _, _ = await slack_env.post(slash_body("drill"), FORM, signed=False)
    assert status == 401
    assert not slack_env.fake.sent()


async def test_stale_timestamp_is_401_even_when_correctly_signed(slack_env: SlackEnv) -> None:
    status, _, _ = await slack_env.post(slash_body("drill"), FORM, timestamp=int(time.time()) - 6 * 60)
    assert status == 401
    status, _, _ = await slack_env.post(slash_body("drill"), FORM, timestamp=int(time.time()) - 60)
    assert status == 200


async def test_url_verification_echoes_the_challenge(slack_env: SlackEnv) -> None:
    body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
    status, text, _ = await slack_env.post(body, "application/json")
    assert status == 200 and "c-123" in text


async def test_429_from_the_web_api_is_waited_out(slack_env: SlackEnv) -> None:
    slack_env.fake.rate_limit_once("chat.postMessage", retry_after=1)
    status, _, elapsed = await slack_env.slash("help")
    assert status == 200 and elapsed < 3
    calls = await slack_env.fake.wait_for("chat.postMessage")
    limited = [c for c in slack_env.fake.calls_to("chat.postMessage", ok_only=False) if c.status == 429]
    assert len(limited) == 1 and len(calls) == 1
    assert calls[0].at - limited[0].at >= 1.0  # Retry-After honoured before the retry


async def test_sender_posts_to_channel_and_dm_and_reports_rate_limits(slack_env: SlackEnv) -> None:
    sender = slack_env.adapter.sender()
    ts = await sender.send(Target("slack", "T1", "C7", thread="99.1"), Reply("Team drill <!channel> & co"))
    post = slack_env.fake.calls_to("chat.postMessage")[0]
    assert ts and post.args["channel"] == "C7" and post.args["thread_ts"] == "99.1"
    assert "<!channel>" not in json.dumps(post.args) and "&lt;!channel&gt; &amp; co" in post.args["text"]
    await sender.send(Target("slack", "T1", "", user="U5"), Reply("Your daily drill"))
    assert slack_env.fake.calls_to("conversations.open")[0].args["users"] == "U5"
    assert slack_env.fake.calls_to("chat.postMessage")[1].args["channel"] == "DU5"
    slack_env.fake.rate_limit_once("chat.postMessage", retry_after=7)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await sender.send(Target("slack", "T1", "C7"), Reply("again"))
    assert info.value.retry_after == 7 and time.monotonic() - started < 1  # no sleeping in the sender


async def test_not_mounted_without_credentials(tmp_path: Path, fake_slack: FakeSlack, redis_url: str,
                                               caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path, fake_slack, redis_url, slack_signing_secret=None)
    oars = OarsApp(settings, rng=random.Random(1))
    engine = await oars.start()
    try:
        web_app = web.Application()
        with caplog.at_level("INFO", logger="adapters.slack"):
            adapter = SlackAdapter(engine, settings)
            adapter.mount(web_app)
        await adapter.close()
        assert not [r for r in web_app.router.routes() if r.resource and r.resource.canonical == "/slack/events"]
        assert "SLACK_SIGNING_SECRET" in caplog.text
        unconfigured = SlackAdapter(engine, make_settings(tmp_path, fake_slack, redis_url, slack_bot_token=None))
        with pytest.raises(RuntimeError):
            await unconfigured.sender().send(Target("slack", "T1", "C1"), Reply("x"))
        await unconfigured.close()
    finally:
        await oars.stop()


async def test_healthy_server_still_serves_other_routes(slack_env: SlackEnv) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{slack_env.url}/slack/events") as resp:
        assert resp.status == 405  # only POST is mounted


async def test_socket_mode_serves_the_same_listeners(tmp_path: Path, fake_slack: FakeSlack, redis_url: str) -> None:
    settings = make_settings(tmp_path, fake_slack, redis_url, slack_app_token="xapp-test", slack_signing_secret=None)
    oars = OarsApp(settings, rng=random.Random(2))
    engine = await oars.start()
    fake_slack.socket_envelopes.append({
        "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
        "payload": {"team_id": "T1", "channel_id": "D1", "user_id": "U1", "command": "/oars", "text": "help",
                    "trigger_id": "trig-sock", "response_url": fake_slack.response_url(), "api_app_id": "A1"},
    })
    adapter = SlackAdapter(engine, settings)
    task = asyncio.create_task(adapter.run_socket_mode())
    try:
        posted = (await fake_slack.wait_for("chat.postMessage"))[0]
        assert posted.args["channel"] == "DU1" and "OARS" in posted.args["text"]
        assert (await fake_slack.wait_for("socket:ack"))[0].args["envelope_id"] == "env-1"
    finally:
        await adapter.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await oars.stop()
