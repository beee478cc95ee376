"""A whole role-play over Slack: App Home button, DM thread under the intro, report as Block Kit."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from adapters.slack.blocks import reply_blocks
from bot.messages import Reply
from bot.store import MemberRef
from tests.adapters.slack.conftest import SlackEnv
from tests.adapters.slack.fake_slack import TEAM
from tests.exercises.roleplay.scripts import REFLECTIVE


def dm(text: str, ts: str, thread: str | None = None) -> dict[str, Any]:
    event = {"type": "message", "channel_type": "im", "channel": "DU1", "user": "U1", "text": text, "ts": ts,
             "client_msg_id": f"m-{ts}"}
    if thread:
        event["thread_ts"] = thread
    return event


def home_click(action_id: str, value: str, ts: str) -> dict[str, Any]:
    return {
        "type": "block_actions", "user": {"id": "U1", "team_id": TEAM}, "team": {"id": TEAM},
        "container": {"type": "view", "view_id": "VH"}, "trigger_id": "t-rp", "api_app_id": "A1",
        "view": {"id": "VH", "type": "home"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "oars_home_start", "value": value,
                     "action_ts": ts}],
    }


async def thread_of(env: SlackEnv, within: float = 30.0) -> str:
    """The intro's ts, once the adapter has handed it to the engine (Redis state: polled, generous deadline)."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        open_ = await env.engine.roleplay.current(MemberRef("slack", TEAM, "U1"))
        if open_ is not None and open_.thread:
            return open_.thread
        await asyncio.sleep(0.02)
    raise AssertionError("the role-play thread was never remembered")


async def test_whole_session_from_the_home_button_threaded_under_the_intro(slack_env: SlackEnv) -> None:
    fake = slack_env.fake
    await slack_env.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"},
                          event_id="EvH")
    home = json.dumps((await fake.wait_for("views.publish"))[0].args["view"])
    assert "oars:home:roleplay" in home and "Role-play" in home
    await slack_env.interact(home_click("oars:home:roleplay", "roleplay", "700.1"))
    intro = (await fake.wait_for("chat.postMessage"))[0]
    assert intro.args["channel"] == "DU1" and not intro.args.get("thread_ts")
    assert "Role-play" in intro.args["text"]
    root = await thread_of(slack_env)  # the intro's ts, handed back by the adapter after posting
    # The member answers in the thread, then once at top level: every client turn stays in the thread.
    for n, line in enumerate(REFLECTIVE[:4]):
        thread = None if n == 2 else root
        status, _, elapsed = await slack_env.event(dm(line, f"701.{n}", thread), event_id=f"EvR{n}")
        assert status == 200 and elapsed < 3
    turns = (await fake.wait_for("chat.postMessage", 5))[1:]
    assert len(turns) == 4
    for call in turns:
        assert call.args["thread_ts"] == root
        assert any(b["type"] == "section" and b["text"]["text"].startswith(">") for b in call.args["blocks"])
    await slack_env.event(dm("end", "702.1", root), event_id="EvEnd")
    report = (await fake.wait_for("chat.postMessage", 6))[5]
    assert report.args["thread_ts"] == root
    blocks = report.args["blocks"]
    assert blocks[0]["type"] == "header" and "Role-play report" in blocks[0]["text"]["text"]
    text = json.dumps(blocks)
    assert "R:Q" in text and "Empathy" in text and "Best moments" in text
    assert all(len(json.dumps(b)) < 3500 for b in blocks)
    await slack_env.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"},
                          event_id="EvH2")
    home = json.dumps((await fake.wait_for("views.publish", 3))[-1].args["view"])
    assert "Role-plays:* 1 played" in home  # the trend on the App Home


def test_report_blocks_escape_member_quotes() -> None:
    view = {"title": "T", "client": "Sam", "closing": "Bye", "turns": 1, "levels": {}, "facts_found": 0,
            "facts_total": 3, "best": [{"turn": 1, "member": "<!channel> hi & bye", "client": "ok", "why": "w"}],
            "redo": {"turn": 1, "member": "<@U2>", "suggestion": "s", "why": "y"}}
    numbers = {"open_questions": 0, "closed_questions": 0, "simple_reflections": 1, "complex_reflections": 0,
               "affirmations": 0, "mi_adherent": 0, "mi_non_adherent": 0, "rq_ratio": 1.0, "pct_complex": 0.0,
               "pct_open": 0.0, "change_talk": 0, "sustain_talk": 0,
               "globals": {"cultivating_change_talk": 3.0, "softening_sustain_talk": 3.0, "partnership": 3.0,
                           "empathy": 3.0}}
    blocks = reply_blocks(Reply("r", extra={"report": numbers, "report_view": view}))
    text = json.dumps(blocks)
    assert "<!channel>" not in text and "<@U2>" not in text and "&lt;!channel&gt;" in text
    view["redo"] = {"turn": 1, "member": "hm", "why": "y", "try": "Try it on what Sam had just said:",
                    "suggestion": "<!here> fine"}
    text = json.dumps(reply_blocks(Reply("r", extra={"report": numbers, "report_view": view})))
    assert "*Try it on what Sam had just said:* &lt;!here&gt; fine" in text
