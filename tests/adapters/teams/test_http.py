"""Connector calls share one kept-alive HTTP session (#17), replies and proactive sends alike."""

from __future__ import annotations

from bot.delivery import Target
from bot.messages import Reply
from tests.adapters.teams.conftest import MODULE_LOOP, TENANT, USER_AAD, TeamsHarness

pytestmark = MODULE_LOOP


async def test_replies_and_proactive_sends_reuse_one_connection(teams: TeamsHarness) -> None:
    for text in ("help", "tip", "drill", "streak"):
        assert await teams.say(text)
    await teams.adapter.sender().send(Target("teams", TENANT, "", user=USER_AAD), Reply("Your daily drill"))
    assert len(teams.connector.delivered()) >= 5
    assert len(teams.connector.connections) == 1
