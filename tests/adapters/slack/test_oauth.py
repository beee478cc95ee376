"""Slack OAuth installs: Bolt's flow against the fake Slack, encrypted tokens in Redis, one token per workspace."""

from __future__ import annotations

from pathlib import Path

import redis as sync_redis

from bot.delivery import Target
from bot.messages import Reply
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.oauth_support import KEY_NEW, KEY_OLD, dm, oauth_settings, process


def raw_values(redis_url: str) -> dict[str, str]:
    with sync_redis.Redis.from_url(redis_url, decode_responses=True) as client:
        return {k: str(client.get(k)) for k in client.scan_iter("oars:slack:install:*")}


async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(
        tmp_path: Path, fake_slack: FakeSlack, redis_url: str) -> None:
    fake_slack.add_workspace("TA")
    fake_slack.add_workspace("TB")
    settings = oauth_settings(tmp_path, fake_slack, redis_url)
    async with process(settings) as one, process(settings) as two:
        assert await one.install("TA") == 200
        assert await one.install("TB", finish_on=two) == 200  # the state lives in Redis, not in a process
        exchanges = fake_slack.calls_to("oauth.v2.access")
        assert [c.args["code"] for c in exchanges] == ["code-TA", "code-TB"]
        stored = raw_values(redis_url)
        assert set(stored) == {"oars:slack:install:{slack:TA}", "oars:slack:install:{slack:TB}"}
        for value in stored.values():  # encrypted at rest: no token in the clear
            assert "xoxb-" not in value and "fernet:" in value

        assert await one.event("TA", dm("UA1", "drill", "1.1"), "EvA") == 200
        assert await two.event("TB", dm("UB1", "drill", "1.2"), "EvB") == 200
        posts = await fake_slack.wait_for("chat.postMessage", 2)
        by_channel = {c.args["channel"]: fake_slack.team_of(c) for c in posts}
        assert by_channel == {"DUA1": "TA", "DUB1": "TB"}
        for call in fake_slack.calls:  # every Web API call after the installs carried a workspace token
            if call.method not in {"oauth.v2.access"}:
                assert fake_slack.team_of(call) in {"TA", "TB"}, (call.method, call.token)

        # the scheduler's sender picks the target workspace's token too
        await one.adapter.sender().send(Target("slack", "TB", "C42"), Reply("Drill time"))
        last = fake_slack.calls_to("chat.postMessage")[-1]
        assert last.args["channel"] == "C42" and fake_slack.team_of(last) == "TB"


async def test_a_replayed_or_unknown_state_installs_nothing(tmp_path: Path, fake_slack: FakeSlack,
                                                            redis_url: str) -> None:
    fake_slack.add_workspace("TA")
    async with process(oauth_settings(tmp_path, fake_slack, redis_url)) as one:
        async with one.session.get(f"{one.url}/slack/oauth_redirect",
                                   params={"code": "code-TA", "state": "forged"},
                                   headers={"Cookie": "slack-app-oauth-state=forged"}) as resp:
            assert resp.status >= 400
        assert fake_slack.calls_to("oauth.v2.access") == []
        assert raw_values(redis_url) == {}


async def test_rotating_tokens_are_refreshed_for_requests_and_scheduled_sends(
        tmp_path: Path, fake_slack: FakeSlack, redis_url: str) -> None:
    fake_slack.add_workspace("TR", rotation=True, expires_in=60)  # within Bolt's 2-hour refresh margin
    settings = oauth_settings(tmp_path, fake_slack, redis_url)
    async with process(settings) as one:
        assert await one.install("TR") == 200
        assert "xoxb-TR-1" in fake_slack.tokens
        assert await one.event("TR", dm("UR1", "drill", "2.1"), "EvR1") == 200
        post = (await fake_slack.wait_for("chat.postMessage"))[-1]
        assert post.token == "xoxb-TR-2"  # refreshed before use; the first token no longer works
        refreshes = [c for c in fake_slack.calls_to("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"]
        assert refreshes and refreshes[0].args["refresh_token"] == "xoxe-1-TR-1"
        await one.adapter.sender().send(Target("slack", "TR", "C1"), Reply("Drill time"))
        assert fake_slack.calls_to("chat.postMessage")[-1].token == "xoxb-TR-3"
        assert all("xoxe-" not in v for v in raw_values(redis_url).values())


async def test_old_keys_still_open_tokens_after_a_key_rotation(tmp_path: Path, fake_slack: FakeSlack,
                                                                redis_url: str) -> None:
    fake_slack.add_workspace("TK")
    async with process(oauth_settings(tmp_path, fake_slack, redis_url, oars_secret_key=KEY_OLD)) as one:
        assert await one.install("TK") == 200
    rotated = oauth_settings(tmp_path, fake_slack, redis_url, oars_secret_key=f"{KEY_NEW},{KEY_OLD}")
    async with process(rotated) as two:
        assert await two.event("TK", dm("UK1", "drill", "3.1"), "EvK") == 200
        post = (await fake_slack.wait_for("chat.postMessage"))[-1]
        assert fake_slack.team_of(post) == "TK"
    async with process(oauth_settings(tmp_path, fake_slack, redis_url, oars_secret_key=KEY_NEW)) as three:
        # without the old key the token cannot be read: the workspace is treated as not installed
        assert three.adapter.installations is not None
        assert await three.adapter.installations.find(None, "TK") is None
