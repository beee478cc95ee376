"""A channel's weekly role-play in Teams, through botbuilder against the fake connector: the scheduler fires it
(twice, as two processes might), the channel gets one post, the member one card in their personal chat, and the
card's button starts the role-play there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.scheduler import Scheduler
from bot.schedules import ScheduleSpec, ScheduleStore
from bot.store import MemberRef
from exercises.roleplay import cases
from tests.adapters.teams.conftest import MODULE_LOOP, TENANT, USER_AAD, TeamsHarness
from tests.bot.team_fixtures import answer_as

pytestmark = MODULE_LOOP
CHANNEL = "19:team-chan@thread.tacv2"


def submits(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in card.get("actions", []) if a["type"] == "Action.Submit"]


async def test_weekly_roleplay_reaches_the_channel_once_and_the_member_in_personal_chat(teams: TeamsHarness) -> None:
    oars = teams.oars
    await teams.say("help")  # the personal chat is known
    install = teams.activity(None, type="installationUpdate", action="add", kind="channel", conversation_id=CHANNEL)
    assert await teams.post(install) == 201
    now = oars.clock.now()
    await oars.engine.team.note_channel_post("teams", TENANT, CHANNEL, "root-1", "q1", now - timedelta(days=2))
    await answer_as(oars.store, USER_AAD, "q1", 3, (now - timedelta(days=1)).date().isoformat(), TENANT, "teams")
    await answer_as(oars.store, "aad-paused", "q1", 3, (now - timedelta(days=1)).date().isoformat(), TENANT, "teams")
    await oars.store.update_profile(MemberRef("teams", TENANT, "aad-paused"), paused=True)
    schedule = await ScheduleStore(oars.store.redis, oars.clock).add(
        "teams", TENANT, CHANNEL, ScheduleSpec("09:00", "UTC", "mon", "health"), "aad-manager", kind="roleplay")
    oars.senders.register("teams", teams.adapter.sender())  # what `oars serve` registers for Teams
    one, two = Scheduler(oars, run_outbox=False, pace={}), Scheduler(oars, run_outbox=False, pace={})
    before = len(teams.connector.posts)
    assert await one.fire(schedule.id, now) is True
    assert await two.fire(schedule.id, now) is False
    await one.outbox.drain()
    posts = teams.connector.posts[before:]
    assert [p.conversation_id for p in posts].count(CHANNEL) == 1
    channel_post = next(p for p in posts if p.conversation_id == CHANNEL)
    assert "This week's role-play" in channel_post.flat
    [invite] = [p for p in posts if p.conversation_id != CHANNEL]  # the paused member got nothing
    assert invite.conversation_id == f"a:personal-{USER_AAD}" and invite.card is not None
    assert "Your weekly role-play is ready" in invite.flat
    start = next(a for a in submits(invite.card) if a["data"] == {"action": "roleplay:health"})
    [intro] = await teams.say(None, value=start["data"])
    assert intro.conversation_id == f"a:personal-{USER_AAD}" and "Role-play" in intro.flat
    opened = await oars.engine.roleplay.current(MemberRef("teams", TENANT, USER_AAD))
    assert opened is not None and cases()[opened.session.case_id].setting == "health"
