"""Pure translation: Activity fields -> Inbound, and Reply parts -> Adaptive Card JSON."""

from __future__ import annotations

import json
from typing import Any

from adapters.teams.cards import card_for, engine_md, escape_md
from adapters.teams.inbound import inbound_from_json
from adapters.teams.render import to_activity
from bot.messages import Choice, DrillPart, FeedbackPart, ProgressPart, Reply, StreakPart
from tests.adapters.teams.conftest import activity


def inbound(body: dict[str, Any], managers: frozenset[str] = frozenset()) -> Any:
    return inbound_from_json(body, managers)


def test_personal_message_fields() -> None:
    msg = inbound(activity("http://x/", "drill", id="m1"), frozenset({"aad-user-1"}))
    assert (msg.platform, msg.workspace, msg.channel, msg.user) == ("teams", "tenant-1", "a:personal-aad-user-1",
                                                                     "aad-user-1")
    assert msg.message_id == "m1" and msg.is_direct and msg.thread is None and msg.is_manager
    assert msg.user_tz == "Europe/Berlin" and msg.display_name == "Robin Example" and msg.text == "drill"


def test_tenant_fallbacks_and_user_without_aad() -> None:
    body = activity("http://x/", "hi")
    del body["channelData"]
    assert inbound(body).workspace == "tenant-1"  # conversation.tenantId
    del body["conversation"]["tenantId"]
    body["from"] = {"id": "29:plain"}
    msg = inbound(body)
    assert msg.workspace == "default" and msg.user == "29:plain" and not msg.is_manager


def test_channel_reply_thread_and_mentions() -> None:
    body = activity("http://x/", "<at>OARS</at> tip <at>Sam</at> says it's fine", kind="channel",
                    conversation_id="19:c@thread.tacv2;messageid=171",
                    entities=[{"type": "mention", "text": "<at>OARS</at>", "mentioned": {"id": "28:oars-bot"}}])
    msg = inbound(body)
    assert msg.channel == "19:c@thread.tacv2" and msg.thread == "171" and not msg.is_direct
    assert msg.text == "tip Sam says it's fine"


def test_timezone_from_client_info_entity() -> None:
    body = activity("http://x/", "hi", entities=[{"type": "clientInfo", "timezone": "Asia/Tokyo"}])
    del body["localTimezone"]
    assert inbound(body).user_tz == "Asia/Tokyo"


def test_card_submit_values() -> None:
    choice = inbound(activity("http://x/", None, value={"action": "choice:1"}))
    assert choice.action == "choice:1" and choice.text == ""
    answer = inbound(activity("http://x/", None, value={"oars": "answer", "answer": "You feel torn."}))
    assert answer.action is None and answer.text == "You feel torn."
    hint = inbound(activity("http://x/", None, value={"action": "hint", "answer": "draft"}))
    assert hint.action == "hint"


def test_markdown_helpers() -> None:
    assert engine_md("*Drill: Reflections* (clinic)") == "**Drill: Reflections** (clinic)"
    assert engine_md("2 * 3 * 4") == "2 * 3 * 4"
    assert escape_md("[click](http://evil) *now* <b>") == "\\[click\\](http://evil) \\*now\\* \\<b\\>"
    assert escape_md("- not a list") == "\\- not a list"


def _drill_reply(one_click: bool) -> Reply:
    part = DrillPart("d1", "pick_response" if one_click else "reflection", "reflections", "[x](http://e) *hi*",
                     "Reflect it.", "clinic", one_click)
    choices = (Choice("Option A", "choice:0"), Choice("Option B", "choice:1")) if one_click else (
        Choice("Hint", "hint"), Choice("Skip", "skip"))
    return Reply("Your daily drill is here.\n*Drill: Simple reflections* (clinic, level 1)\nx", choices=choices,
                 drill=part)


def test_drill_cards() -> None:
    one = card_for(_drill_reply(True))
    assert one is not None and one["version"] == "1.4"
    assert [a["data"] for a in one["actions"]] == [{"action": "choice:0"}, {"action": "choice:1"}]
    text = json.dumps(one)
    assert "Your daily drill is here." in text and "\\\\[x\\\\]" in text  # prompt escaped
    free = card_for(_drill_reply(False))
    assert free is not None
    assert any(i.get("type") == "Input.Text" and i["id"] == "answer" for i in free["body"])
    assert [a["data"] for a in free["actions"]] == [{"oars": "answer"}, {"action": "hint"}, {"action": "skip"}]


def test_feedback_streak_progress_cards() -> None:
    fb = Reply("*Good one* (3/3)\n• Nice.\nStreak: 2 days (longest 2, freezes held 0)", choices=(
        Choice("Another drill", "another"),), feedback=FeedbackPart("pass", 3, ("Nice.",), "You feel torn."))
    text = json.dumps(card_for(fb))
    assert "Good one (3/3)" in text and "One way to say it" in text and "Streak: 2 days" in text
    streak = card_for(Reply("Your streak: *2 days*.", streak=StreakPart(2, 5, 1)))
    assert streak is not None and streak["body"][1]["type"] == "FactSet"
    progress = card_for(Reply("*Your progress*", progress=ProgressPart((("reflections", 0.6, 4),
                                                                        ("affirmations", 0.0, 0)))))
    assert progress is not None and "4 answered" in json.dumps(progress, ensure_ascii=False)


def test_plain_reply_is_markdown_text() -> None:
    out = to_activity(Reply("*Done.*\nNothing else."))
    assert out.text == "**Done.**\n\nNothing else." and out.text_format == "markdown" and not out.attachments
    with_buttons = to_activity(Reply("Pick one", choices=(Choice("Tip", "tip"),)))
    assert with_buttons.attachments and with_buttons.attachments[0].content["actions"][0]["data"] == {"action": "tip"}


def test_user_text_quoted_by_the_engine_never_becomes_a_link() -> None:
    """#12: `tip [Reset your password](https://evil.example/login)` in a team channel."""
    from bot.replies import tips_reply
    from bot.text import quote_user_text
    from exercises.model import Tip

    query = quote_user_text("[Reset your password](https://evil.example/login) > [again](https://evil.example)", 120)
    reply = tips_reply([Tip("t1", "Reflect first.", ())], query)
    for text in (to_activity(Reply(reply.text)).text, json.dumps(card_for(Reply(reply.text, choices=reply.choices)))):
        assert "[Reset your password](" not in text and "[again](" not in text
    assert "\\[Reset your password\\](https://evil.example/login)" in to_activity(Reply(reply.text)).text
