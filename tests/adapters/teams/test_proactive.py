"""Proactive sends through the Sender: stored references, channel threads, retries and pacing."""

from __future__ import annotations

import time

import pytest

from adapters.teams.delivery import NoConversation, Outbox
from bot.delivery import RateLimited, Target
from bot.messages import Reply
from bot.store import MemberRef
from tests.adapters.teams.conftest import MODULE_LOOP, TENANT, USER_AAD, TeamsHarness

pytestmark = MODULE_LOOP
CHANNEL = "19:team-chan@thread.tacv2"


async def test_proactive_drill_to_personal_chat(teams: TeamsHarness) -> None:
    await teams.say("help")  # first contact stores the reference
    reply = await teams.oars.engine.member_drill(MemberRef("teams", TENANT, USER_AAD))
    assert reply is not None
    sent_id = await teams.adapter.sender().send(Target("teams", TENANT, "", user=USER_AAD), reply)
    post = teams.connector.posts[-1]
    assert sent_id.startswith("act-") and post.conversation_id == f"a:personal-{USER_AAD}"
    assert post.reply_to_id is None and post.card is not None and "Your daily drill is here" in post.flat
    assert post.authorization is None
    # the proactive drill is open: answering it in the chat grades it
    [feedback] = await teams.say("It sounds like you're unsure whether now is the right time.")
    assert "/3)" in feedback.flat


async def test_channel_drill_and_private_feedback(teams: TeamsHarness) -> None:
    await teams.say("help")  # personal chat known: private feedback goes there
    install = teams.activity(None, type="installationUpdate", action="add", kind="channel", conversation_id=CHANNEL)
    assert await teams.post(install) == 201
    engine = teams.oars.engine
    reply, drill = await engine.channel_drill()
    root = await teams.adapter.sender().send(Target("teams", TENANT, CHANNEL), reply)
    assert teams.connector.posts[-1].conversation_id == CHANNEL and teams.connector.posts[-1].reply_to_id is None
    await engine.remember_channel_post("teams", TENANT, CHANNEL, root, drill.id)
    posts = await teams.say("It sounds like you care a lot about getting this right.", kind="channel",
                            conversation_id=f"{CHANNEL};messageid={root}")
    [feedback] = posts
    assert feedback.conversation_id == f"a:personal-{USER_AAD}" and "/3)" in feedback.flat


async def test_send_into_a_thread(teams: TeamsHarness) -> None:
    install = teams.activity(None, type="conversationUpdate", kind="channel", conversation_id=CHANNEL)
    assert await teams.post(install) == 201
    await teams.adapter.sender().send(Target("teams", TENANT, CHANNEL, thread="root-1"), Reply("Reminder"))
    post = teams.connector.posts[-1]
    assert post.conversation_id == f"{CHANNEL};messageid=root-1" and "Reminder" in post.text


async def test_unknown_conversation_raises(teams: TeamsHarness) -> None:
    with pytest.raises(NoConversation):
        await teams.adapter.sender().send(Target("teams", TENANT, "19:never@thread.tacv2"), Reply("hi"))


async def test_429_is_retried_then_succeeds(teams: TeamsHarness) -> None:
    await teams.say("help")
    teams.connector.fail_next(429, 502)
    sent_id = await teams.adapter.sender().send(Target("teams", TENANT, "", user=USER_AAD), Reply("Hello again"))
    attempts = [p for p in teams.connector.posts if p.text == "Hello again"]
    assert [p.status for p in attempts] == [429, 502, 201] and sent_id.startswith("act-")


async def test_persistent_429_raises_rate_limited(teams: TeamsHarness) -> None:
    await teams.say("help")
    tries = teams.adapter.outbox.tries
    teams.connector.fail_next(*([429] * tries))
    with pytest.raises(RateLimited):
        await teams.adapter.sender().send(Target("teams", TENANT, "", user=USER_AAD), Reply("Too fast"))
    assert len([p for p in teams.connector.posts if p.text == "Too fast"]) == tries


async def test_other_errors_are_not_retried(teams: TeamsHarness) -> None:
    await teams.say("help")
    teams.connector.fail_next(403)
    with pytest.raises(Exception) as info:
        await teams.adapter.sender().send(Target("teams", TENANT, "", user=USER_AAD), Reply("Forbidden"))
    assert not isinstance(info.value, RateLimited)
    assert len([p for p in teams.connector.posts if p.text == "Forbidden"]) == 1


async def test_pacing_at_most_seven_per_second_per_conversation() -> None:
    outbox = Outbox(rate=7.0)
    stamps: list[float] = []

    async def attempt() -> str:
        stamps.append(time.monotonic())
        return "ok"

    start = time.monotonic()
    for _ in range(10):
        await outbox.send("conv-a", attempt)
    await outbox.send("conv-b", attempt)  # another conversation has its own bucket
    assert stamps[6] - start < 0.1  # a burst of seven goes at once
    assert stamps[9] - start >= 3 / 7 - 0.02  # then one every 1/7 s
    assert stamps[10] - stamps[9] < 0.05
