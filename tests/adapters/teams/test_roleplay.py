"""A whole role-play in a Teams personal chat: started from a card button, answered through the card's
answer box, ended with the report as an Adaptive Card; `progress` shows the trend."""

from __future__ import annotations

from typing import Any

from tests.adapters.teams.conftest import MODULE_LOOP, USER_AAD, TeamsHarness
from tests.exercises.roleplay.scripts import REFLECTIVE

pytestmark = MODULE_LOOP


def submits(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in card.get("actions", []) if a["type"] == "Action.Submit"]


async def test_whole_session_in_personal_chat(teams: TeamsHarness) -> None:
    [help_] = await teams.say("help")
    assert help_.card is not None
    start = next(a for a in submits(help_.card) if a["data"] == {"action": "roleplay"})
    [intro] = await teams.say(None, value=start["data"])
    assert intro.conversation_id == f"a:personal-{USER_AAD}"
    assert intro.card is not None and "Role-play" in intro.flat
    assert any(i.get("type") == "Input.Text" and i.get("id") == "answer" for i in intro.card["body"])
    send = next(a for a in submits(intro.card) if a["title"] == "Send")
    for line in REFLECTIVE[:3]:  # answered through the card's box
        [turn] = await teams.say(None, value={**send["data"], "answer": line})
        assert turn.card is not None and turn.card["body"][0]["style"] == "emphasis"
        assert "engagement" in turn.flat
    [typed] = await teams.say(REFLECTIVE[3])  # or typed as a message
    assert typed.card is not None and "turn 4 of 12" in typed.flat
    end = next(a for a in submits(typed.card) if a["data"] == {"action": "roleplay:end"})
    [report] = await teams.say(None, value=end["data"])
    card = report.card
    assert card is not None and card["version"] == "1.4"
    assert "Role-play report" in report.flat and "R:Q" in report.flat and "Empathy" in report.flat
    assert "Best moment" in report.flat and "Thresholds" in report.flat
    [progress] = await teams.say("progress")
    assert "Role-plays" in progress.flat and "1 played" in progress.flat
