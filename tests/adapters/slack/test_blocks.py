"""Block Kit rendering: structure, limits and escaping of every string sent."""

from __future__ import annotations

import json
import random

from adapters.slack.blocks import (
    escape,
    home_view,
    parse_schedule_state,
    reply_blocks,
    schedule_modal,
)
from adapters.slack.handlers import event_message_id, plain_text, strip_mention
from bot import replies
from bot.messages import Choice, FeedbackPart, ProgressPart, Reply, StreakPart
from exercises.catalogue import load_catalogue
from exercises.streaks import Streak
from exercises.vocabulary import SKILLS


def test_escape_neutralises_slack_markup() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_no_block_can_carry_a_mass_mention() -> None:
    hostile = "<!channel> <!here|here> <@U123> <https://evil|x> & stuff"
    reply = Reply(hostile, choices=(Choice(hostile, "another"),),
                  feedback=FeedbackPart("pass", 3, (hostile,), hostile))
    dumped = json.dumps(reply_blocks(reply))
    assert "<!" not in dumped and "<@" not in dumped and "<http" not in dumped
    assert "<" not in json.dumps(reply_blocks(Reply(hostile)))


def test_drill_reply_has_quoted_prompt_and_buttons() -> None:
    catalogue = load_catalogue()
    rng = random.Random(3)
    for drill in rng.sample(list(catalogue.drills.values()), 30):
        reply = replies.drill_reply(drill, "Your daily drill is here.")
        blocks = reply_blocks(reply)
        texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
        assert texts[0] == "Your daily drill is here."
        assert any(t.startswith("> ") for t in texts), texts
        actions = [b for b in blocks if b["type"] == "actions"]
        assert len(actions) == 1
        buttons = actions[0]["elements"]
        assert [b["action_id"] for b in buttons] == [f"oars:{n}" for n in range(len(buttons))]
        assert [b["value"] for b in buttons] == [c.value for c in reply.choices]
        assert all(len(b["text"]["text"]) <= 75 for b in buttons)
        assert all(len(t) <= 3000 for t in texts)


def test_feedback_blocks_show_verdict_model_answer_and_streak() -> None:
    reply = Reply("*Good one* (3/3)\n• Clear reflection\n*One way to say it:* You're tired.\nStreak: 2 days",
                  feedback=FeedbackPart("pass", 3, ("Clear reflection",), "You're tired."),
                  choices=(replies.ANOTHER,), react="white_check_mark")
    blocks = reply_blocks(reply)
    text = json.dumps(blocks)
    assert "Clear reflection" in text and "&gt;" not in text.split("One way")[0]
    assert "> You're tired." in blocks[1]["text"]["text"]
    assert blocks[2]["type"] == "context" and "Streak: 2 days" in json.dumps(blocks[2])


def test_home_view_lists_every_skill_and_settings() -> None:
    progress = ProgressPart(tuple((s, 0.5, 2) if i == 0 else (s, 0.0, 0) for i, s in enumerate(SKILLS)))
    view = home_view(StreakPart(3, 5, 1, True), progress, "Asia/Kolkata", "08:45", paused=True)
    text = json.dumps(view)
    assert view["type"] == "home" and "3 days" in text and "Asia/Kolkata" in text
    assert "Resume reminders" in text and '"initial_time": "08:45"' in text
    assert text.count("not tried yet") == len(SKILLS) - 1


def test_schedule_modal_round_trip() -> None:
    modal = schedule_modal("Europe/Berlin", "C1")
    assert {b["block_id"] for b in modal["blocks"]} == {"channel", "time", "tz", "days", "skill"}
    state = {"values": {
        "channel": {"value": {"selected_conversation": "C1"}},
        "time": {"value": {"selected_time": "07:05"}},
        "tz": {"value": {"selected_option": {"value": "Asia/Tokyo"}}},
        "days": {"value": {"selected_options": [{"value": "sun"}, {"value": "tue"}]}},
        "skill": {"value": {"selected_option": {"value": "any"}}},
    }}
    assert parse_schedule_state(state) == ("schedule daily 07:05 Asia/Tokyo tue,sun", {})
    text, errors = parse_schedule_state({"values": {}})
    assert text is None and set(errors) == {"channel", "time", "tz", "days"}


def test_mentions_and_message_ids() -> None:
    assert strip_mention("<@UBOT> drill reflection", "UBOT") == "drill reflection"
    inline = strip_mention("hey <@UBOT|oars>, tip", "UBOT")
    assert inline.startswith("hey") and inline.endswith("tip") and "<@" not in inline
    assert event_message_id({"client_msg_id": "abc", "ts": "1.2", "channel": "C"}) == "abc"
    assert event_message_id({"ts": "1.2", "channel": "C"}) == "C:1.2"


def test_slack_markup_reaches_the_engine_as_typed() -> None:
    assert plain_text("torn between work &amp; family") == "torn between work & family"
    assert plain_text("x &lt; y &amp;&amp; y &gt; z, and &amp;lt; typed") == "x < y && y > z, and &lt; typed"
    assert plain_text("see <https://x.org/a?b=1&amp;c=2|the page> or <https://y.org>") == (
        "see the page or https://y.org")
    assert plain_text("<@U123|ana> and <@U9> in <#C1|general>") == "@ana and @U9 in #general"
    assert plain_text("<!here> <!channel> <!everyone> <!subteam^S1|@leads>") == "@here @channel @everyone @leads"
    assert plain_text("&lt;!channel&gt; typed by hand") == "<!channel> typed by hand"


def test_streak_reply_renders_as_text() -> None:
    blocks = reply_blocks(replies.streak_reply(Streak(2, 4, 1, None), True))
    assert blocks[0]["type"] == "section" and "2 days" in blocks[0]["text"]["text"]
