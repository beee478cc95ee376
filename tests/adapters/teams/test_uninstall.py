"""Teams `installationUpdate` remove: the team's (or the member's) keys are deleted, nothing else."""

from __future__ import annotations

from bot.outbox import STREAM, OutboxItem, enqueue, fired_key_for
from bot.schedules import ScheduleStore, validate
from tests.adapters.teams.conftest import MODULE_LOOP, TENANT, USER_AAD, TeamsHarness

pytestmark = MODULE_LOOP
TEAM = "19:team-general@thread.tacv2"
CHANNEL = "19:team-chan@thread.tacv2"


async def keys(teams: TeamsHarness) -> list[str]:
    return sorted([str(k) async for k in teams.oars.store.redis.scan_iter("*")])


async def test_removing_the_app_from_a_team_forgets_its_channels(teams: TeamsHarness) -> None:
    redis = teams.oars.store.redis
    channel_data = {"tenant": {"id": TENANT}, "team": {"id": TEAM}}
    await teams.say("drill", kind="personal")  # the member's own data stays
    await teams.say("<at>OARS</at> help", kind="channel", conversation_id=f"{CHANNEL};messageid=17",
                    channelData=channel_data, entities=[{"type": "mention", "text": "<at>OARS</at>",
                                                         "mentioned": {"id": "28:oars-bot", "name": "OARS"}}])
    schedule = await ScheduleStore(redis).add("teams", TENANT, CHANNEL, validate("09:30", "UTC"))
    await enqueue(redis, fired_key_for(schedule.id, "2026-03-02"),
                  OutboxItem("channel", schedule.id, "teams", TENANT, channel=CHANNEL, due="2026-03-02T09:30:00Z"))
    await teams.oars.store.remember_thread_drill("teams", TENANT, CHANNEL, "17", "d1")
    before = await keys(teams)
    assert any("team-chan" in k for k in before)

    status = await teams.post(teams.activity(None, type="installationUpdate", action="remove", kind="channel",
                                             conversation_id=TEAM, channelData=channel_data))
    assert status in (200, 201)
    after = await keys(teams)
    assert [k for k in after if "team-chan" in k or "team-general" in k or k.startswith("oars:schedule:")] == []
    assert await redis.smembers("oars:schedules") == set()
    assert [f for _, f in await redis.xrange(STREAM) if f.get("workspace") == TENANT] == []
    assert any(USER_AAD in k for k in after)  # the member's personal data was not the team's to delete


async def test_removing_the_app_from_a_personal_chat_forgets_the_member(teams: TeamsHarness) -> None:
    await teams.say("drill", kind="personal")
    await teams.say("settings reminder 08:00", kind="personal")
    assert any(USER_AAD in k for k in await keys(teams))
    status = await teams.post(teams.activity(None, type="installationUpdate", action="remove", kind="personal"))
    assert status in (200, 201)
    assert [k for k in await keys(teams) if USER_AAD in k] == []
    assert await teams.oars.store.redis.smembers("oars:reminders") == set()
