"""Messages over POST /api/messages: personal chat, card submits, channel mentions, redeliveries."""

from __future__ import annotations

from typing import Any

from adapters.teams.references import member_key
from bot.store import MemberRef
from tests.adapters.teams.conftest import MODULE_LOOP, TENANT, USER_AAD, TeamsHarness
from tests.bot.helpers import traces

pytestmark = MODULE_LOOP


def submit_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in card.get("actions", []) if a["type"] == "Action.Submit"]


def has_answer_box(card: dict[str, Any]) -> bool:
    return any(item.get("type") == "Input.Text" and item.get("id") == "answer" for item in card["body"])


async def test_personal_drill_answer_feedback(teams: TeamsHarness) -> None:
    [drill] = await teams.say("drill reflection")
    assert drill.conversation_id == f"a:personal-{USER_AAD}"
    assert drill.authorization is None  # dev mode: no token was fetched or sent
    card = drill.card
    assert card is not None and card["version"] == "1.4" and card["type"] == "AdaptiveCard"
    assert "Drill:" in drill.flat and has_answer_box(card)
    [feedback] = await teams.say("It sounds like you're worried the changes will cost you time you don't have.")
    assert feedback.card is not None
    assert "/3)" in feedback.flat and "One way to say it" in feedback.flat and "Streak:" in feedback.flat


async def test_one_click_choice_submit(teams: TeamsHarness) -> None:
    [drill] = await teams.say("drill pick_response")
    assert drill.card is not None and not has_answer_box(drill.card)
    options = [a for a in submit_actions(drill.card) if str(a["data"].get("action", "")).startswith("choice:")]
    assert len(options) >= 2
    [feedback] = await teams.say(None, value=options[0]["data"])
    assert feedback.card is not None and "/3)" in feedback.flat


async def test_free_text_card_submit(teams: TeamsHarness) -> None:
    [drill] = await teams.say("drill reflection")
    assert drill.card is not None
    [send] = [a for a in submit_actions(drill.card) if a["title"] == "Send answer"]
    value = {**send["data"], "answer": "You're feeling stuck between wanting to change and being tired of trying."}
    [feedback] = await teams.say(None, value=value)
    assert feedback.card is not None and "/3)" in feedback.flat


async def test_button_actions_reach_the_engine(teams: TeamsHarness) -> None:
    [reply] = await teams.say("help")
    assert reply.card is not None and "drill" in reply.flat
    another = next(a for a in submit_actions(reply.card) if a["data"] == {"action": "another"})
    [drill] = await teams.say(None, value=another["data"])
    assert drill.card is not None and "Drill:" in drill.flat


async def test_plain_text_is_markdown(teams: TeamsHarness) -> None:
    await teams.say("forget me")
    [reply] = await teams.say("no")  # "Okay, nothing was deleted.": no parts, no buttons
    assert reply.activity.get("textFormat") == "markdown" and reply.card is None
    assert "nothing was deleted" in reply.text


async def test_same_activity_id_answered_once(teams: TeamsHarness) -> None:
    await teams.say("drill reflection")
    answer = teams.activity("You want to feel more in control of your evenings.", id="dup-1")
    assert await teams.post(answer) == 201
    assert await teams.post(answer) == 201
    feedback = [p for p in teams.connector.posts if "/3)" in p.flat]
    assert len(feedback) == 1


async def test_reply_lost_to_a_connector_error_is_replayed_on_redelivery(teams: TeamsHarness) -> None:
    await teams.say("drill reflection")
    answer = teams.activity("You want your evenings back.", id="lost-1")
    teams.connector.fail_next(403)  # not retried: the send fails and Teams will redeliver
    assert await teams.post(answer) == 500
    assert await teams.post(answer) in (200, 201)
    feedback = [p for p in teams.connector.delivered() if "/3)" in p.flat]
    assert len(feedback) == 1
    history = await teams.oars.store.history(MemberRef("teams", TENANT, USER_AAD))
    assert len(history) == 1


async def test_channel_mention_is_stripped_and_replied_in_thread(teams: TeamsHarness) -> None:
    mention = [{"type": "mention", "text": "<at>OARS</at>", "mentioned": {"id": "28:oars-bot", "name": "OARS"}}]
    posts = await teams.say("<at>OARS</at> help", kind="channel", entities=mention, id="chan-msg-1")
    [reply] = posts
    assert reply.conversation_id == "19:team-chan@thread.tacv2"
    assert reply.reply_to_id == "chan-msg-1"
    assert "drill" in reply.flat


async def test_personal_answers_asked_in_a_channel_go_to_the_personal_chat(teams: TeamsHarness) -> None:
    """#12: a streak asked in a channel is never shown there (the contract above used `streak` before)."""
    mention = [{"type": "mention", "text": "<at>OARS</at>", "mentioned": {"id": "28:oars-bot", "name": "OARS"}}]
    [pointer] = await teams.say("<at>OARS</at> streak", kind="channel", entities=mention, id="chan-msg-2")
    assert pointer.conversation_id == "19:team-chan@thread.tacv2" and "personal chat" in pointer.flat
    assert "streak" not in pointer.flat.lower()
    await teams.say("help")  # now there is a personal chat to use
    [reply] = await teams.say("<at>OARS</at> streak", kind="channel", entities=mention, id="chan-msg-3")
    assert reply.conversation_id == f"a:personal-{USER_AAD}"
    assert reply.card is not None and "Your streak" in reply.flat


async def test_personal_chat_maps_member_to_reference_and_forget_removes_it(teams: TeamsHarness) -> None:
    await teams.say("help")
    redis = teams.oars.store.redis
    assert await redis.get(member_key(TENANT, USER_AAD)) == f"a:personal-{USER_AAD}"
    await teams.say("drill reflection")
    await teams.say("You want your evenings back.")
    await teams.say("forget me")
    await teams.say("yes")
    assert await redis.get(member_key(TENANT, USER_AAD)) is None
    assert await traces(redis, USER_AAD) == []  # no reply copy, no personal conversation reference


async def test_timezone_and_display_name_reach_the_profile(teams: TeamsHarness) -> None:
    await teams.say("help")
    from bot.store import MemberRef

    profile = await teams.oars.store.profile(MemberRef("teams", TENANT, USER_AAD))
    assert profile.tz == "Europe/Berlin" and profile.name == "Robin Example"
