"""Connector calls share one kept-alive HTTP session (#17), replies and proactive sends alike."""

from __future__ import annotations

from typing import Any

from msrest.pipeline import Request
from msrest.universal_http import ClientRequest

from adapters.teams.http import _BearerToken
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


class _Credentials:
    """Stands in for botbuilder's app credentials: an app id and a token source."""

    def __init__(self, app_id: str) -> None:
        self.microsoft_app_id = app_id

    def get_access_token(self) -> str:
        return "token-1"


class _Recorder:
    def __init__(self) -> None:
        self.authorization: str | None = None

    async def send(self, request: Any, **kwargs: Any) -> str:
        self.authorization = request.http_request.headers.get("Authorization")
        return "sent"


async def test_the_bot_token_is_sent_only_with_an_app_id() -> None:
    for app_id, expected in (("app-1", "Bearer token-1"), ("", None)):
        policy = _BearerToken(_Credentials(app_id))
        recorder = _Recorder()
        policy.next = recorder  # type: ignore[assignment]
        assert await policy.send(Request(ClientRequest("POST", "http://127.0.0.1/v3/conversations/x"))) == "sent"
        assert recorder.authorization == expected
