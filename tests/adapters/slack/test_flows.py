"""End-to-end Slack flows against the real Bolt app, a real (embedded) Redis and a fake Web API."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.delivery import Target
from bot.store import MemberRef
from tests.adapters.slack.conftest import SlackEnv
from tests.adapters.slack.fake_slack import TEAM

ANSWER = "It sounds like you're worn out and you want this to get easier."


async def answer_text(env: SlackEnv, user: str) -> str:
    """A valid answer for whatever drill is open for `user` (a number for one-click drills)."""
    open_drill = await env.engine.store.open_drill(MemberRef("slack", TEAM, user))
    assert open_drill is not None, "no drill open"
    drill = env.engine.catalogue.drill(open_drill.drill_id)
    assert drill is not None
    return "1" if drill.one_click else ANSWER


def dm_event(text: str, ts: str, user: str = "U1", channel: str = "DU1", msg_id: str | None = None) -> dict:
    event = {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text, "ts": ts}
    if msg_id:
        event["client_msg_id"] = msg_id
    return event


async def test_slash_drill_from_dm_acks_fast_and_posts_a_drill(slack_env: SlackEnv) -> None:
    status, _, elapsed = await slack_env.slash("drill")
    assert status == 200 and elapsed < 3
    posted = (await slack_env.fake.wait_for("chat.postMessage"))[0]
    assert posted.args["channel"] == "DU1"  # the bot DM from conversations.open, not the slash channel
    assert any(b["type"] == "section" and b["text"]["text"].startswith(">") for b in posted.args["blocks"])
    assert "Drill" in posted.args["text"]
    assert await slack_env.engine.store.open_drill(MemberRef("slack", TEAM, "U1")) is not None


async def test_slash_in_channel_answers_ephemerally_via_response_url(slack_env: SlackEnv) -> None:
    status, _, _ = await slack_env.slash("", channel="C1")  # empty /oars = help
    assert status == 200
    resp = (await slack_env.fake.wait_for("response:"))[0]
    assert resp.args["response_type"] == "ephemeral"
    assert "OARS" in resp.args["text"] and not slack_env.fake.calls_to("chat.postMessage")


async def test_dm_answer_gets_feedback_and_reaction(slack_env: SlackEnv) -> None:
    await slack_env.event(dm_event("drill", "100.1", msg_id="m-1"), event_id="Ev1")
    await slack_env.fake.wait_for("chat.postMessage")
    answer = await answer_text(slack_env, "U1")
    status, _, elapsed = await slack_env.event(dm_event(answer, "100.2", msg_id="m-2"), event_id="Ev2")
    assert status == 200 and elapsed < 3
    feedback = (await slack_env.fake.wait_for("chat.postMessage", 2))[1]
    assert feedback.args["channel"] == "DU1"
    assert "Streak" in feedback.args["text"]
    reaction = (await slack_env.fake.wait_for("reactions.add"))[0]
    assert reaction.args["name"] == "white_check_mark" and reaction.args["timestamp"] == "100.2"


async def test_escaped_text_is_read_and_quoted_as_the_member_typed_it(slack_env: SlackEnv) -> None:
    """Slack escapes &, < and > in event text: the coach reads 'work & family' and quotes it back once escaped
    (Slack shows '&'), never as '&amp;amp;'; a broadcast typed by hand stays harmless."""
    await slack_env.event(dm_event("tip torn between work &amp; family &lt;!channel&gt;", "150.1", msg_id="m-amp"),
                          event_id="EvAmp")
    text = (await slack_env.fake.wait_for("chat.postMessage"))[0].args["text"]
    assert "work &amp; family" in text and "&amp;amp;" not in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" not in text


async def test_redelivery_is_not_answered_twice(slack_env: SlackEnv) -> None:
    event = dm_event("tip", "200.1", msg_id="m-tip")
    await slack_env.event(event, event_id="EvR")
    await slack_env.fake.wait_for("chat.postMessage")
    status, _, _ = await slack_env.event(event, event_id="EvR", headers={"X-Slack-Retry-Num": "1",
                                                                        "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200
    # A retry that reaches another process has a fresh Bolt but the same client_msg_id: still deduped.
    await slack_env.event(event, event_id="EvR-other", headers={"X-Slack-Retry-Num": "2"})
    await asyncio.sleep(0.5)
    assert len(slack_env.fake.calls_to("chat.postMessage")) == 1


async def test_thread_reply_to_channel_drill_gets_private_feedback_and_reaction(slack_env: SlackEnv) -> None:
    reply, drill = await slack_env.engine.channel_drill(["simple_reflections"])
    ts = await slack_env.adapter.sender().send(Target("slack", TEAM, "C1"), reply)
    await slack_env.engine.remember_channel_post("slack", TEAM, "C1", ts, drill.id)
    root = slack_env.fake.calls_to("chat.postMessage")[0]
    assert root.args["channel"] == "C1" and ts
    event = {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U2", "text": ANSWER,
             "ts": "300.5", "thread_ts": ts, "client_msg_id": "m-thread"}
    status, _, _ = await slack_env.event(event, event_id="EvT")
    assert status == 200
    eph = (await slack_env.fake.wait_for("chat.postEphemeral"))[0]
    assert eph.args["user"] == "U2" and eph.args["channel"] == "C1" and eph.args["thread_ts"] == ts
    reaction = (await slack_env.fake.wait_for("reactions.add"))[0]
    assert reaction.args["timestamp"] == "300.5" and reaction.args["channel"] == "C1"
    assert len(slack_env.fake.calls_to("chat.postMessage")) == 1  # nothing public in the channel


@pytest.mark.slack_settings(slack_feedback_mode="dm")
async def test_thread_feedback_by_dm_when_configured(slack_env: SlackEnv) -> None:
    reply, drill = await slack_env.engine.channel_drill()
    ts = await slack_env.adapter.sender().send(Target("slack", TEAM, "C1"), reply)
    await slack_env.engine.remember_channel_post("slack", TEAM, "C1", ts, drill.id)
    event = {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U2", "text": ANSWER,
             "ts": "301.5", "thread_ts": ts}
    await slack_env.event(event, event_id="EvTD")
    posts = await slack_env.fake.wait_for("chat.postMessage", 2)
    assert posts[1].args["channel"] == "DU2"
    assert not slack_env.fake.calls_to("chat.postEphemeral")


async def test_channel_chatter_and_bot_messages_are_ignored(slack_env: SlackEnv) -> None:
    events = [
        {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U2", "text": "drill", "ts": "1.1"},
        {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U2", "text": "hi",
         "ts": "1.3", "thread_ts": "1.2"},
        {"type": "message", "channel_type": "im", "channel": "DU1", "bot_id": "B9", "text": "drill", "ts": "1.4"},
        {"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "DU1", "ts": "1.5",
         "message": {"text": "drill", "user": "U1"}},
        {"type": "reaction_added", "user": "U1", "reaction": "tada"},  # nothing listens: 200, quietly
    ]
    for n, event in enumerate(events):
        status, _, _ = await slack_env.event(event, event_id=f"EvI{n}")
        assert status == 200
    await asyncio.sleep(0.4)
    assert not slack_env.fake.sent()


async def test_app_mention_in_channel_answers_in_thread(slack_env: SlackEnv) -> None:
    event = {"type": "app_mention", "channel": "C1", "user": "U3", "text": "<@UBOT> tip they are angry", "ts": "400.1",
             "client_msg_id": "m-mention"}
    await slack_env.event(event, event_id="EvM")
    posted = (await slack_env.fake.wait_for("chat.postMessage"))[0]
    assert posted.args["channel"] == "C1" and posted.args["thread_ts"] == "400.1"
    assert "tip" in posted.args["text"].lower()


async def test_personal_answers_to_a_channel_mention_are_ephemeral(slack_env: SlackEnv) -> None:
    """#12: streak, progress, settings and `forget me` asked in a channel are shown to the asker alone."""
    for n, text in enumerate(("streak", "progress", "settings", "forget me", "yes")):
        event = {"type": "app_mention", "channel": "C1", "user": "U3", "text": f"<@UBOT> {text}",
                 "ts": f"401.{n}", "client_msg_id": f"m-personal-{n}"}
        await slack_env.event(event, event_id=f"EvP{n}")
        await slack_env.fake.wait_for("chat.postEphemeral", count=n + 1)
    ephemeral = slack_env.fake.calls_to("chat.postEphemeral")
    assert all(c.args["user"] == "U3" and c.args["channel"] == "C1" for c in ephemeral)
    assert "deleted" in ephemeral[-1].args["text"]
    assert not slack_env.fake.calls_to("chat.postMessage")


async def test_button_click_posts_the_next_drill(slack_env: SlackEnv) -> None:
    payload = {
        "type": "block_actions", "user": {"id": "U1", "team_id": TEAM}, "team": {"id": TEAM}, "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "500.1", "channel_id": "DU1", "is_ephemeral": False},
        "channel": {"id": "DU1"}, "trigger_id": "t-b", "response_url": slack_env.fake.response_url("btn"),
        "message": {"ts": "500.1", "text": "x"},
        "actions": [{"type": "button", "action_id": "oars:0", "block_id": "oars_choices", "value": "another",
                     "action_ts": "500.2"}],
    }
    status, _, elapsed = await slack_env.interact(payload)
    assert status == 200 and elapsed < 3
    posted = (await slack_env.fake.wait_for("chat.postMessage"))[0]
    assert posted.args["channel"] == "DU1" and "Drill" in posted.args["text"]
    buttons = next(b for b in posted.args["blocks"] if b["type"] == "actions")["elements"]
    assert all(e["action_id"].startswith("oars:") for e in buttons)


async def test_answered_drill_buttons_are_retired(slack_env: SlackEnv) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Drill*"}},
              {"type": "actions", "block_id": "oars_choices", "elements": [
                  {"type": "button", "action_id": "oars:0", "text": {"type": "plain_text", "text": "Tip"},
                   "value": "tip"}]}]
    payload = {
        "type": "block_actions", "user": {"id": "U1", "team_id": TEAM}, "team": {"id": TEAM}, "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "510.1", "channel_id": "DU1", "is_ephemeral": False},
        "channel": {"id": "DU1"}, "trigger_id": "t-r", "response_url": slack_env.fake.response_url("ret"),
        "message": {"ts": "510.1", "text": "Drill", "blocks": blocks},
        "actions": [{"type": "button", "action_id": "oars:0", "block_id": "oars_choices", "value": "tip",
                     "text": {"type": "plain_text", "text": "Tip"}, "action_ts": "510.2"}],
    }
    status, _, _ = await slack_env.interact(payload)
    assert status == 200
    update = (await slack_env.fake.wait_for("chat.update"))[0].args
    assert update["channel"] == "DU1" and update["ts"] == "510.1"
    assert all(b.get("block_id") != "oars_choices" for b in update["blocks"])
    assert "You chose: Tip" in json.dumps(update["blocks"])


async def test_app_home_is_published(slack_env: SlackEnv) -> None:
    await slack_env.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"},
                          event_id="EvH")
    view = (await slack_env.fake.wait_for("views.publish"))[0].args
    assert view["user_id"] == "U1" and view["view"]["type"] == "home"
    text = json.dumps(view["view"])
    assert "Streak" in text and "Open questions" in text and "Europe/Berlin" in text
    # A settings control from the home tab goes through the engine and republishes.
    payload = {
        "type": "block_actions", "user": {"id": "U1", "team_id": TEAM}, "team": {"id": TEAM},
        "container": {"type": "view", "view_id": "VH"}, "trigger_id": "t-h", "api_app_id": "A1",
        "view": {"id": "VH", "type": "home"},
        "actions": [{"type": "timepicker", "action_id": "oars:home:reminder", "block_id": "oars_home_settings",
                     "selected_time": "08:45", "action_ts": "600.1"}],
    }
    await slack_env.interact(payload)
    views = await slack_env.fake.wait_for("views.publish", 2)
    assert "08:45" in json.dumps(views[1].args["view"])
    profile = await slack_env.engine.store.profile(MemberRef("slack", TEAM, "U1"))
    assert profile.reminder == "08:45"


def _modal_state(days: list[str]) -> dict:
    return {"values": {
        "channel": {"value": {"type": "conversations_select", "selected_conversation": "C9"}},
        "time": {"value": {"type": "timepicker", "selected_time": "09:30"}},
        "tz": {"value": {"type": "static_select", "selected_option": {"value": "Europe/Berlin"}}},
        "days": {"value": {"type": "checkboxes", "selected_options": [{"value": d} for d in days]}},
        "skill": {"value": {"type": "static_select", "selected_option": {"value": "summaries"}}},
    }}


async def test_schedule_modal_opens_and_saves_through_the_schedule_command(slack_env: SlackEnv) -> None:
    await slack_env.slash("schedule", user="UMGR", channel="C5", trigger="trig-modal")
    opened = (await slack_env.fake.wait_for("views.open"))[0].args
    assert opened["trigger_id"] == "trig-modal" and opened["view"]["callback_id"] == "oars_schedule"

    def submit(days: list[str]) -> dict:
        return {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "UMGR", "team_id": TEAM},
                "api_app_id": "A1", "trigger_id": "t-v",
                "view": {"id": "VS1", "type": "modal", "callback_id": "oars_schedule", "hash": "h1",
                         "state": _modal_state(days)}}

    status, body, _ = await slack_env.interact(submit([]))
    assert status == 200 and json.loads(body)["response_action"] == "errors"
    assert "days" in json.loads(body)["errors"]
    status, _, _ = await slack_env.interact(submit(["fri", "mon"]))
    assert status == 200
    dm = (await slack_env.fake.wait_for("chat.postMessage"))[0]
    assert dm.args["channel"] == "DUMGR" and "Scheduled" in dm.args["text"]
    (msg, args), = slack_env.schedules.received
    assert args == "daily 09:30 Europe/Berlin mon,fri summaries"
    assert msg.channel == "C9" and msg.is_manager and msg.user == "UMGR"


async def test_schedule_from_non_manager_is_refused_by_the_engine(slack_env: SlackEnv) -> None:
    await slack_env.slash("schedule", user="U1", channel="C5")
    resp = (await slack_env.fake.wait_for("response:"))[0]
    assert "managers" in resp.args["text"]
    assert not slack_env.fake.calls_to("views.open") and not slack_env.schedules.received


async def test_schedule_modal_saves_with_the_real_schedule_service(slack_env: SlackEnv) -> None:
    from bot.schedules import ScheduleService, ScheduleStore

    store = slack_env.engine.store
    slack_env.engine.schedules = ScheduleService(store, slack_env.adapter.settings, slack_env.engine.clock)
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "UMGR", "team_id": TEAM},
               "api_app_id": "A1", "trigger_id": "t-v2",
               "view": {"id": "VS2", "type": "modal", "callback_id": "oars_schedule", "hash": "h2",
                        "state": _modal_state(["mon", "wed"])}}
    status, _, _ = await slack_env.interact(payload)
    assert status == 200
    dm = (await slack_env.fake.wait_for("chat.postMessage"))[0]
    assert dm.args["channel"] == "DUMGR" and "Scheduled" in dm.args["text"]
    (saved,) = await ScheduleStore(store.redis).all()
    assert (saved.channel, saved.at, saved.tz, saved.skill) == ("C9", "09:30", "Europe/Berlin", "summaries")
    assert saved.workspace == TEAM and saved.platform == "slack"


async def test_web_api_calls_reuse_one_connection(slack_env: SlackEnv) -> None:
    """#17: one kept-alive session per Web API client, not a new TCP connection per call."""
    for n in range(4):
        await slack_env.event(dm_event("tip", f"300.{n}", msg_id=f"m-keep-{n}"), event_id=f"EvK{n}")
        await slack_env.fake.wait_for("chat.postMessage", n + 1)
    api_calls = [c for c in slack_env.fake.calls if not c.method.startswith(("response:", "socket:"))]
    assert len(api_calls) >= 5  # users.info and chat.postMessage at least
    assert len(slack_env.fake.connections) == 1


async def test_the_reaction_does_not_hold_up_the_reply(slack_env: SlackEnv) -> None:
    """The checkmark is added in the background: the feedback is posted even when reactions.add is slow."""
    await slack_env.event(dm_event("drill reflection", "400.1", msg_id="m-r1"), event_id="EvR1")
    await slack_env.fake.wait_for("chat.postMessage")
    slack_env.fake.delay["reactions.add"] = 2.0
    await slack_env.event(dm_event(ANSWER, "400.2", msg_id="m-r2"), event_id="EvR2")
    started = asyncio.get_running_loop().time()
    await slack_env.fake.wait_for("chat.postMessage", 2)
    assert asyncio.get_running_loop().time() - started < 1.5
    assert not slack_env.fake.calls_to("reactions.add")  # still on its way
    assert (await slack_env.fake.wait_for("reactions.add"))[0].args["name"]


async def test_a_retry_silenced_while_another_process_holds_the_message_still_gets_through_later(
        slack_env: SlackEnv) -> None:
    """#12: a delivery that found the message claimed elsewhere stays silent; if that holder dies, Slack's
    next retry is answered."""
    member = MemberRef("slack", TEAM, "U1")
    store = slack_env.engine.store
    assert await store.claim_delivery(member, "m-held", "another-process")
    event = dm_event("streak", "300.1", msg_id="m-held")
    await slack_env.event(event, event_id="EvHeld")
    await asyncio.sleep(0.3)
    assert not slack_env.fake.calls_to("chat.postMessage")
    await store.settle_delivery(member, "m-held", "another-process", "drop")  # the holder died
    await slack_env.event(event, event_id="EvHeld", headers={"X-Slack-Retry-Num": "1"})
    [posted] = await slack_env.fake.wait_for("chat.postMessage")
    assert "streak" in posted.args["text"].lower()


async def test_a_retry_is_acked_in_time_while_redis_is_stalled(slack_env: SlackEnv) -> None:
    """#12: nothing touches Redis before the ack, so a stalled Redis can't hold it."""
    redis = slack_env.engine.store.redis
    await redis.execute_command("CLIENT", "PAUSE", "2500", "ALL")
    status, _, elapsed = await slack_env.event(dm_event("streak", "301.1", msg_id="m-stalled"), event_id="EvSt",
                                               headers={"X-Slack-Retry-Num": "1"})
    assert status == 200 and elapsed < 2.0
    [posted] = await slack_env.fake.wait_for("chat.postMessage")  # answered once Redis is back
    assert "streak" in posted.args["text"].lower()
