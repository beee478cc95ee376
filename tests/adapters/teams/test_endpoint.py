"""The HTTP edge: malformed bodies, mounting rules, and Bot Framework auth when an app id is set."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from adapters.teams import TeamsAdapter
from bot.app import OarsApp
from tests.adapters.teams.conftest import MODULE_LOOP, TeamsHarness, teams_settings

pytestmark = MODULE_LOOP


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"id": "x", "text": "drill"}', "application/json", 400),  # missing type
        (b'["message"]', "application/json", 400),
        (b'{"type": "message", "conversation": "not-an-object"}', "application/json", 400),
        (b'{"type": "message", "id": "1", "conversation": {"id": "c"}}', "application/json", 400),  # no serviceUrl
        (b'{"type": "message"}', "text/plain", 415),
    ],
)
async def test_malformed_activity_is_rejected_and_nothing_crashes(
    teams: TeamsHarness, raw: bytes, content_type: str, status: int
) -> None:
    assert await teams.post(None, raw=raw, headers={"Content-Type": content_type}) == status
    assert teams.connector.posts == []
    [reply] = await teams.say("help")  # still serving
    assert "drill" in reply.flat


async def test_other_activity_types_are_accepted_quietly(teams: TeamsHarness) -> None:
    assert await teams.post(teams.activity(None, type="typing")) == 201
    assert await teams.post(teams.activity(None, type="messageReaction")) == 201
    assert teams.connector.posts == []


async def test_install_in_personal_chat_greets_and_stores_reference(teams: TeamsHarness) -> None:
    body = teams.activity(None, type="conversationUpdate",
                          membersAdded=[{"id": "28:oars-bot"}, {"id": "29:aad-user-1"}])
    assert await teams.post(body) == 201
    [welcome] = teams.connector.posts
    assert "OARS" in welcome.text and welcome.activity["textFormat"] == "markdown"
    ref = await teams.adapter.references.for_member("tenant-1", "aad-user-1")
    assert ref is not None and ref["conversation"]["id"] == "a:personal-aad-user-1" and "user" not in ref


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/api/messages"


async def test_not_mounted_without_app_id_or_dev_flag(oars: OarsApp, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    adapter = TeamsAdapter(oars.engine, teams_settings(tmp_path, oars_teams_dev=False))
    app = web.Application()
    with caplog.at_level(logging.INFO, logger="adapters.teams"):
        assert adapter.mount(app) is False
    assert any("not mounted" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)
    runner, url = await _serve(app)
    try:
        async with aiohttp.ClientSession() as http, http.post(url, json={"type": "message"}) as response:
            assert response.status == 404
    finally:
        await runner.cleanup()


async def test_with_app_id_a_request_without_authorization_is_401(
    oars: OarsApp, tmp_path: Path, connector: object
) -> None:
    settings = teams_settings(tmp_path, oars_teams_dev=False, microsoft_app_id="00000000-0000-0000-0000-000000000001",
                              microsoft_app_password="secret")
    adapter = TeamsAdapter(oars.engine, settings)
    app = web.Application()
    assert adapter.mount(app)
    runner, url = await _serve(app)
    try:
        body = {"type": "message", "id": "1", "serviceUrl": "http://127.0.0.1:9/", "channelId": "msteams",
                "from": {"id": "29:u"}, "conversation": {"id": "a:1", "conversationType": "personal"},
                "recipient": {"id": "28:b"}, "text": "drill"}
        async with aiohttp.ClientSession() as http, http.post(url, json=body) as response:
            assert response.status == 401
    finally:
        await runner.cleanup()
