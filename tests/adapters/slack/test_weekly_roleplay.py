"""A channel's weekly role-play in Slack, through the real SDK against the fake Web API: the manager schedules it
with `/oars`, the channel gets one post and each active member a DM whose button starts the role-play there."""

from __future__ import annotations

from typing import Any

import pytest

from bot.outbox import GROUP, STREAM, Outbox, OutboxItem
from bot.schedules import ScheduleService, ScheduleStore
from bot.store import MemberRef
from bot.weekly_roleplay import WeeklyRoleplay
from exercises.roleplay import cases
from tests.adapters.slack.conftest import SlackEnv
from tests.adapters.slack.fake_slack import TEAM
from tests.bot.team_fixtures import NOW, seed_team

pytestmark = pytest.mark.slack_settings(oars_now=NOW)
C1_TEAM = {f"U{n:02d}" for n in range(1, 11)} | {"U12"}  # seed_team: who answered channel C1's drills


def click(user: str, value: str, message_ts: str) -> dict[str, Any]:
    """The invitation's first button, clicked in the member's DM."""
    return {
        "type": "block_actions", "user": {"id": user, "team_id": TEAM}, "team": {"id": TEAM}, "api_app_id": "A1",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": f"D{user}", "is_ephemeral": False},
        "channel": {"id": f"D{user}"}, "trigger_id": "t-w", "message": {"ts": message_ts, "text": "x"},
        "actions": [{"type": "button", "action_id": "oars:0", "block_id": "oars_choices", "value": value,
                     "action_ts": f"{message_ts}1"}],
    }


async def test_weekly_roleplay_post_dms_and_one_click_start(slack_env: SlackEnv) -> None:
    fake, engine = slack_env.fake, slack_env.engine
    await seed_team(engine.store, "slack", TEAM)
    engine.schedules = ScheduleService(engine.store, slack_env.adapter.settings, engine.clock)
    await slack_env.slash("schedule roleplay mon 09:00 Europe/Berlin health", user="UMGR", channel="C1")
    answer = (await fake.wait_for("response:"))[0].args
    assert "Weekly role-play on" in answer["text"], answer
    [schedule] = await ScheduleStore(engine.store.redis).all()
    assert (schedule.kind, schedule.channel, schedule.skill) == ("roleplay", "C1", "health")

    post = OutboxItem("roleplay", schedule.id, "slack", TEAM, "C1", "", schedule.skill, NOW.isoformat(), "2026-03-02")
    weekly = WeeklyRoleplay(engine.store, engine.team)
    fired = f"oars:{{outbox}}:fired:{schedule.id}:2026-03-02"
    assert await weekly.fire(post, fired, NOW) is not None
    assert await weekly.fire(post, fired, NOW) is None  # a second process, or a retry: nothing more
    outbox = Outbox(engine.store.redis, engine, _senders(slack_env), "one", pace={})
    await outbox.drain()
    posts = fake.calls_to("chat.postMessage")
    assert [p.args["channel"] for p in posts].count("C1") == 1
    assert {p.args["channel"] for p in posts if p.args["channel"] != "C1"} == {f"D{u}" for u in C1_TEAM}
    assert len(posts) == 1 + len(C1_TEAM)
    channel_post = next(p for p in posts if p.args["channel"] == "C1")
    assert "This week's role-play" in channel_post.args["text"]
    [join] = next(b for b in channel_post.args["blocks"] if b.get("block_id") == "oars_choices")["elements"]
    assert join["value"] == "roleplay:join"
    invite = next(p for p in posts if p.args["channel"] == "DU03")
    assert invite.args["metadata"]["event_type"] == "oars_delivery"  # findable again if its ack is lost
    buttons = next(b for b in invite.args["blocks"] if b.get("block_id") == "oars_choices")["elements"]
    assert [b["value"] for b in buttons] == ["roleplay:health", "roleplay:how"]
    assert int((await engine.store.redis.xpending(STREAM, GROUP))["pending"]) == 0

    # Someone who never answered a drill here presses *Count me in* under the channel's post.
    joining = {"type": "block_actions", "user": {"id": "U11", "team_id": TEAM}, "team": {"id": TEAM},
               "api_app_id": "A1", "container": {"type": "message", "message_ts": channel_post.args.get("ts", "1.1"),
                                                 "channel_id": "C1", "is_ephemeral": False},
               "channel": {"id": "C1"}, "trigger_id": "t-j", "response_url": fake.response_url("join"),
               "message": {"ts": "1.1", "text": "x"},
               "actions": [{"type": "button", "action_id": "oars:0", "block_id": "oars_choices", "value": join["value"],
                            "action_ts": "790.1"}]}
    status, _, _ = await slack_env.interact(joining)
    assert status == 200
    said = (await fake.wait_for("response:", 2))[-1].args
    assert said["response_type"] == "ephemeral" and "on its way" in said["text"]
    await outbox.drain()
    posts = fake.calls_to("chat.postMessage")
    assert posts[-1].args["channel"] == "DU11" and "Your weekly role-play is ready" in posts[-1].args["text"]

    status, _, _ = await slack_env.interact(click("U03", buttons[0]["value"], "800.1"))
    assert status == 200
    intro = (await fake.wait_for("chat.postMessage", len(posts) + 1))[-1]
    assert intro.args["channel"] == "DU03" and "Role-play" in intro.args["text"]
    opened = await engine.roleplay.current(MemberRef("slack", TEAM, "U03"))
    assert opened is not None and not opened.session.turns and cases()[opened.session.case_id].setting == "health"


def _senders(env: SlackEnv) -> Any:
    from bot.delivery import Senders

    senders = Senders()
    senders.register("slack", env.adapter.sender())
    return senders
