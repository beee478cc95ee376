"""The team report in Teams: an Adaptive Card with the chart as an Image (PNG data URI, under Teams' size cap)."""

from __future__ import annotations

import base64
import io
import json
import random
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.app import OarsApp
from tests.adapters.teams.conftest import MODULE_LOOP, TENANT, USER_AAD, TeamsHarness, teams_settings
from tests.bot.team_fixtures import NOW, seed_team

pytestmark = MODULE_LOOP


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def oars(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[OarsApp]:
    """This module's user is a manager (OARS_MANAGERS) and the time is fixed (OARS_NOW)."""
    app = OarsApp(teams_settings(tmp_path_factory.mktemp("teams-report"), oars_managers=USER_AAD, oars_now=NOW),
                  rng=random.Random(1234))
    await app.start()
    yield app
    await app.stop()


async def test_manager_gets_a_card_with_the_chart(teams: TeamsHarness) -> None:
    from PIL import Image

    await seed_team(teams.oars.store, "teams", TENANT)
    [post] = await teams.say("report")
    card = post.card
    assert card is not None and card["type"] == "AdaptiveCard"
    [image] = [item for item in card["body"] if item["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,") and "Open questions 67%" in image["altText"]
    png = base64.b64decode(image["url"].split(",", 1)[1])
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.format == "PNG" and 600 <= picture.width <= 1200
    assert "Members active: 9 of 10" in post.flat
    assert len(json.dumps(card)) < 28_000  # Teams refuses messages over about 28 KB


async def test_someone_else_is_refused(teams: TeamsHarness) -> None:
    [post] = await teams.say("report", user="aad-someone-else")
    assert "for managers" in post.flat
