"""The team report in Slack: text plus a PNG uploaded with files_upload_v2 into the manager's DM."""

from __future__ import annotations

import pytest

from tests.adapters.slack.conftest import SlackEnv
from tests.adapters.slack.fake_slack import TEAM
from tests.bot.team_fixtures import NOW, seed_team

pytestmark = pytest.mark.slack_settings(oars_now=NOW)


def event(text: str, ts: str, user: str, channel: str, channel_type: str = "im") -> dict:
    return {"type": "message", "channel_type": channel_type, "channel": channel, "user": user, "text": text,
            "ts": ts, "client_msg_id": f"msg-{ts}"}


async def test_manager_dm_report_uploads_the_chart(slack_env: SlackEnv) -> None:
    import io

    from PIL import Image

    await seed_team(slack_env.engine.store, "slack", TEAM)
    await slack_env.event(event("report", "200.1", "UMGR", "DUMGR"), event_id="EvR1")
    complete = (await slack_env.fake.wait_for("files.completeUploadExternal"))[0]
    posted = slack_env.fake.calls_to("chat.postMessage")[0]
    assert posted.args["channel"] == "DUMGR" and "Members active: 9 of 10" in posted.args["text"]
    assert complete.args["channel_id"] == "DUMGR"
    url_call = slack_env.fake.calls_to("files.getUploadURLExternal")[0]
    assert url_call.args["filename"].endswith(".png") and "Open questions 67%" in url_call.args["alt_txt"]
    [png] = slack_env.fake.uploads.values()
    assert int(url_call.args["length"]) == len(png)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width >= 600


async def test_report_asked_in_a_channel_goes_to_the_dm(slack_env: SlackEnv) -> None:
    await seed_team(slack_env.engine.store, "slack", TEAM)
    mention = {"type": "app_mention", "channel": "C1", "user": "UMGR", "text": "<@UBOT> report", "ts": "300.1",
               "client_msg_id": "mention-1"}
    await slack_env.event(mention, event_id="EvR2")
    await slack_env.fake.wait_for("files.completeUploadExternal")
    pointer = (await slack_env.fake.wait_for("chat.postEphemeral"))[0]
    assert pointer.args["channel"] == "C1" and "direct messages" in pointer.args["text"]
    assert slack_env.fake.calls_to("chat.postMessage")[0].args["channel"] == "DUMGR"
    assert "channel C1" in slack_env.fake.calls_to("chat.postMessage")[0].args["text"]


async def test_a_member_who_is_not_a_manager_is_told_kindly(slack_env: SlackEnv) -> None:
    await seed_team(slack_env.engine.store, "slack", TEAM)
    status, _, _ = await slack_env.slash("report", user="U05", channel="C1")
    assert status == 200
    reply = (await slack_env.fake.wait_for("response:"))[0]
    assert reply.args["response_type"] == "ephemeral" and "for managers" in reply.args["text"]
    assert not slack_env.fake.calls_to("files.getUploadURLExternal")


async def test_app_home_offers_managers_the_team_report(slack_env: SlackEnv) -> None:
    import json

    await seed_team(slack_env.engine.store, "slack", TEAM)
    await slack_env.event({"type": "app_home_opened", "user": "U05", "channel": "DU05", "tab": "home"},
                          event_id="EvH1")
    member_view = (await slack_env.fake.wait_for("views.publish"))[0].args["view"]
    assert "oars:home:report" not in json.dumps(member_view)
    await slack_env.event({"type": "app_home_opened", "user": "UMGR", "channel": "DUMGR", "tab": "home"},
                          event_id="EvH2")
    manager_view = (await slack_env.fake.wait_for("views.publish", 2))[1].args["view"]
    assert "oars:home:report" in json.dumps(manager_view)
    payload = {
        "type": "block_actions", "user": {"id": "UMGR", "team_id": TEAM}, "team": {"id": TEAM},
        "container": {"type": "view", "view_id": "VH"}, "trigger_id": "t-r", "api_app_id": "A1",
        "view": {"id": "VH", "type": "home"},
        "actions": [{"type": "button", "action_id": "oars:home:report", "block_id": "oars_home_start",
                     "value": "report", "action_ts": "700.1"}],
    }
    await slack_env.interact(payload)
    complete = (await slack_env.fake.wait_for("files.completeUploadExternal"))[0]
    assert complete.args["channel_id"] == "DUMGR"
    assert "Members active: 9 of 10" in slack_env.fake.calls_to("chat.postMessage")[0].args["text"]
