"""A channel's weekly role-play (`schedule roleplay …`) against a real Redis: the command, one channel post and one
DM invitation per active member per week with two processes, retries and a crash mid fan-out; paused and forgotten
members get nothing; the invitation's button starts the role-play."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import OarsApp
from bot.cli_schedule import run_schedule
from bot.messages import Inbound
from bot.outbox import GROUP, STREAM
from bot.scheduler import Scheduler
from bot.schedules import ScheduleStore
from bot.store import MemberRef
from bot.workspace_purge import Scope, purge
from exercises.roleplay import cases
from exercises.schedule_math import iso_week
from tests.bot.helpers import traces
from tests.bot.sched_support import FakePlatform, settings_for, start_app
from tests.bot.team_fixtures import seed_team, users

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.fromisoformat("2026-03-02T09:30:00+01:00")  # Monday; seed_team's C1 team is U01-U10 and U12
DUE = NOW
C1_TEAM = [*users(1, 10), "U12"]  # U12 opted out of team reports: a role-play invitation reports nothing
_ids = itertools.count(1)


def slack(text: str, user: str = "UMGR", channel: str = "C1", direct: bool = False, manager: bool = True,
          action: str | None = None) -> Inbound:
    return Inbound("slack", "T1", channel, user, text, f"w{next(_ids)}", is_direct=direct, is_manager=manager,
                   action=action)


@pytest.fixture
def platform(redis) -> FakePlatform:
    return FakePlatform()


async def _say(oars: OarsApp, text: str, **kw: object) -> str:
    replies = await oars.engine.handle(slack(text, **kw))  # type: ignore[arg-type]
    assert len(replies) == 1, replies
    return replies[0].text


async def _weekly(oars: OarsApp, words: str = "mon 09:30 Europe/Berlin", channel: str = "C1") -> str:
    oars.clock.set(NOW - timedelta(days=1))
    text = await _say(oars, f"schedule roleplay {words}", channel=channel)
    oars.clock.set(NOW)
    assert "Weekly role-play on" in text, text
    return next(s.id for s in await ScheduleStore(oars.store.redis).all() if s.channel == channel)


def _sent(platform: FakePlatform) -> tuple[list[str], list[str]]:
    """(channels posted to, users invited by DM)."""
    channels = [t.channel for t, _ in platform.sent if not t.user]
    invited = [str(t.user) for t, _ in platform.sent if t.user]
    return channels, invited


async def test_schedule_roleplay_validates_lists_and_changes_like_other_schedules(redis_socket, tmp_path,
                                                                                   platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    text = await _say(oars, "schedule roleplay fri 14:00 Europe/Berlin health")
    assert "Weekly role-play on" in text and "fri 14:00 Europe/Berlin" in text and "Fri 06 Mar 14:00" in text
    [saved] = await ScheduleStore(oars.store.redis).all()
    assert (saved.kind, saved.channel, saved.days, saved.skill, saved.created_by) == (
        "roleplay", "C1", "fri", "health", "UMGR")
    for bad, says in (("schedule roleplay", "schedule roleplay fri 14:00"),
                      ("schedule roleplay 14:00", "one weekday"),
                      ("schedule roleplay mon-fri 14:00", "one weekday"),
                      ("schedule roleplay daily 14:00", "one weekday"),
                      ("schedule roleplay fri 25:00", "25:00› isn't a time I can read"),
                      ("schedule roleplay fri 14:00 Mars/Olympus", "time zone"),
                      ("schedule roleplay fri 14:00 UTC Europe/Berlin", "Two time zones"),
                      ("schedule roleplay fri 14:00 <!channel> juggling", "no role-play for")):
        reply = await _say(oars, bad)
        assert says in reply, (bad, reply)
        assert "<!channel>" not in reply
    assert "Schedule a weekly role-play from inside the channel" in await _say(
        oars, "schedule roleplay fri 14:00", channel="DMGR", direct=True)
    assert "for managers" in await _say(oars, "schedule roleplay fri 14:00", user="U01", manager=False)
    assert len(await ScheduleStore(oars.store.redis).all()) == 1  # nothing else was saved
    await _say(oars, "schedule daily 09:30 Europe/Berlin")  # a drill schedule in the same channel
    listing = await _say(oars, "schedule list")
    assert "*Scheduled channel drills*" in listing and "*Weekly role-plays*" in listing
    assert f"`{saved.id}` weekly role-play fri 14:00 Europe/Berlin, focus ‹health› (this channel)" in listing
    assert "in C1" in await _say(oars, "schedule list", channel="C2")
    assert "someone else set it up" in await _say(oars, f"schedule pause {saved.id}", user="U02", channel="C2")
    assert "Paused" in await _say(oars, f"schedule pause {saved.id}")
    assert "(paused)" in await _say(oars, "schedule list")
    assert "Resumed" in await _say(oars, f"schedule resume {saved.id}")
    assert "no more weekly role-plays" in await _say(oars, f"schedule remove {saved.id}")
    assert "Weekly role-plays" not in await _say(oars, "schedule list")
    await oars.stop()


async def test_the_operator_listing_shows_weekly_roleplays(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await _say(oars, "schedule roleplay fri 14:00 Europe/Berlin team lead")
    await oars.stop()
    out, err = io.StringIO(), io.StringIO()
    assert await run_schedule(settings_for(redis_socket, tmp_path, now=None), ["list", "--json"], out, err) == 0
    [listed] = json.loads(out.getvalue())
    assert (listed["kind"], listed["skill"], listed["days"]) == ("roleplay", "team lead", "fri")
    out = io.StringIO()
    assert await run_schedule(settings_for(redis_socket, tmp_path, now=None), ["list"], out, err) == 0
    assert "roleplay:team-lead  active" in out.getvalue()
    out = io.StringIO()  # a drill at the same time is no duplicate of a weekly role-play
    assert await run_schedule(settings_for(redis_socket, tmp_path, now=None),
                              ["add", "--platform", "slack", "--workspace", "T1", "--channel", "C1", "--at", "14:00",
                               "--tz", "Europe/Berlin", "--days", "fri"], out, err) == 0, err.getvalue()


async def test_one_post_and_one_invitation_per_active_member_with_two_processes(redis_socket, tmp_path, platform,
                                                                                 redis) -> None:
    apps = [await start_app(redis_socket, tmp_path, platform, now=NOW) for _ in range(2)]
    await seed_team(apps[0].store)
    schedule_id = await _weekly(apps[0], "mon 09:30 Europe/Berlin reflections")
    await apps[0].store.update_profile(MemberRef("slack", "T1", "U05"), paused=True)
    assert "Type `yes`" in await _say(apps[0], "forget me", user="U06", channel="D06", direct=True, manager=False)
    await _say(apps[0], "yes", user="U06", channel="D06", direct=True, manager=False)
    one, two = (Scheduler(oars, run_outbox=False, pace={}) for oars in apps)
    results = await asyncio.gather(one.fire(schedule_id, DUE), two.fire(schedule_id, DUE), one.fire(schedule_id, DUE))
    assert sorted(results) == [False, False, True]
    await asyncio.gather(one.outbox.drain(), two.outbox.drain())
    channels, invited = _sent(platform)
    assert channels == ["C1"]
    assert sorted(invited) == [u for u in C1_TEAM if u not in {"U05", "U06"}]  # not paused U05, forgotten U06
    post = next(r for t, r in platform.sent if not t.user)
    assert "This week's role-play" in post.text and "DM me `roleplay reflections`" in post.text
    assert [c.value for c in post.choices] == ["roleplay:join"]  # a channel button can't open a DM role-play
    invite = next(r for t, r in platform.sent if t.user)
    assert "*Your weekly role-play is ready* (focus: reflections)" in invite.text and "`pause`" in invite.text
    assert [c.value for c in invite.choices] == ["roleplay:reflections", "roleplay:how"]
    assert await redis.exists(f"oars:{{outbox}}:fired:roleplay:slack:T1:U01:{iso_week('2026-03-02')}")
    assert not await traces(redis, "U06")  # the forgotten member left no claim, entry or copy anywhere
    for retry in (DUE, DUE + timedelta(minutes=1)):  # a retried or late firing the same day: nothing new
        assert await one.fire(schedule_id, retry) is False
    await one.outbox.drain()
    assert len(platform.sent) == 10
    for oars in apps:
        await oars.stop()


async def test_a_crash_mid_fan_out_neither_loses_nor_doubles(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await seed_team(oars.store)
    schedule_id = await _weekly(oars)
    scheduler = Scheduler(oars, run_outbox=False, pace={})
    item, _ = await scheduler._item(schedule_id, DUE) or (None, "")
    assert item is not None
    assert await scheduler.weekly.fan_out(item, NOW) == len(C1_TEAM)  # the process died before the channel claim
    restarted = Scheduler(await start_app(redis_socket, tmp_path, platform, now=NOW), run_outbox=False, pace={})
    assert await restarted.catch_up() == 1
    await restarted.outbox.drain()
    channels, invited = _sent(platform)
    assert channels == ["C1"] and sorted(invited) == C1_TEAM
    await restarted.oars.stop()
    await oars.stop()


async def test_a_second_weekly_roleplay_in_the_same_week_invites_nobody_twice(redis_socket, tmp_path,
                                                                               platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await seed_team(oars.store)
    await oars.engine.team.note_channel_post("slack", "T1", "C2", "1700000000.000009", "q1",
                                             datetime.fromisoformat("2026-02-27T09:30:00+01:00"))
    first = await _weekly(oars, "mon 09:30 Europe/Berlin", "C1")
    second = await _weekly(oars, "wed 09:30 Europe/Berlin", "C2")  # U01-U06 answered q1 there
    scheduler = Scheduler(oars, run_outbox=False, pace={})
    assert await scheduler.fire(first, DUE)
    assert await scheduler.fire(second, datetime(2026, 3, 4, 9, 30, tzinfo=BERLIN))
    await scheduler.outbox.drain()
    channels, invited = _sent(platform)
    assert channels == ["C1", "C2"] and sorted(invited) == C1_TEAM
    await oars.stop()


async def test_pausing_or_forgetting_after_the_firing_still_stops_the_dm(redis_socket, tmp_path, platform,
                                                                        redis) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await seed_team(oars.store)
    schedule_id = await _weekly(oars)
    scheduler = Scheduler(oars, run_outbox=False, pace={})
    assert await scheduler.fire(schedule_id, DUE)
    assert "paused" in (await _say(oars, "pause", user="U01", channel="D01", direct=True, manager=False)).lower()
    await _say(oars, "forget me", user="U02", channel="D02", direct=True, manager=False)
    await _say(oars, "yes", user="U02", channel="D02", direct=True, manager=False)
    await scheduler.outbox.drain()
    _, invited = _sent(platform)
    assert "U01" not in invited and "U02" not in invited and len(invited) == len(C1_TEAM) - 2
    assert not await traces(redis, "U02")
    assert not await redis.xpending(STREAM, GROUP) or (await redis.xpending(STREAM, GROUP))["pending"] == 0
    await oars.stop()


async def test_the_invitation_button_starts_the_focused_roleplay_in_the_dm(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await seed_team(oars.store)
    schedule_id = await _weekly(oars, "mon 09:30 Europe/Berlin health")
    scheduler = Scheduler(oars, run_outbox=False, pace={})
    assert await scheduler.fire(schedule_id, DUE)
    await scheduler.outbox.drain()
    invite = next(r for t, r in platform.sent if t.user == "U03")
    start = invite.choices[0]
    [intro] = await oars.engine.handle(slack("", user="U03", channel="D03", direct=True, manager=False,
                                             action=start.value))
    opened = await oars.engine.roleplay.current(MemberRef("slack", "T1", "U03"))
    assert "roleplay" in intro.extra and opened is not None
    assert cases()[opened.session.case_id].setting == "health"
    await oars.engine.handle(slack("Hello, what brings you here today?", user="U03", channel="D03", direct=True,
                                   manager=False))
    [again] = await oars.engine.handle(slack("", user="U03", channel="D03", direct=True, manager=False,
                                             action=start.value))  # clicked twice, or last week's invitation
    assert "already" in again.text
    still = await oars.engine.roleplay.current(MemberRef("slack", "T1", "U03"))
    assert still is not None and still.session.seed == opened.session.seed and len(still.session.turns) == 1
    await oars.stop()


async def test_invitations_to_a_workspace_are_paced(redis_socket, tmp_path, platform) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await seed_team(oars.store)
    schedule_id = await _weekly(oars)
    scheduler = Scheduler(oars, run_outbox=False, pace={"slack:roleplay_invite": 0.05})
    assert await scheduler.fire(schedule_id, DUE)
    await scheduler.outbox.drain()
    times = [at for (target, _), at in zip(platform.sent, platform.times, strict=True) if target.user]
    assert len(times) == len(C1_TEAM)
    assert times[-1] - times[0] >= 0.05 * (len(times) - 1) * 0.9


async def test_count_me_in_from_the_channel_post(redis_socket, tmp_path, platform, redis) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await seed_team(oars.store)
    schedule_id = await _weekly(oars)
    scheduler = Scheduler(oars, run_outbox=False, pace={})

    async def join(user: str, channel: str = "C1", typed: bool = False, direct: bool = False) -> str:
        return await _say(oars, "roleplay join" if typed else "", user=user, channel=channel, direct=direct,
                          manager=False, action=None if typed else "roleplay:join")

    assert "Press *Count me in*" in await join("U11", channel="D11", direct=True)
    assert "no weekly role-play" in await join("U11", channel="C9")
    oars.clock.set(NOW - timedelta(minutes=30))
    assert "first invitation comes to our direct chat on Mon 02 Mar at 09:30 (Europe/Berlin)" in await join("U11")
    oars.clock.set(NOW)
    assert await scheduler.fire(schedule_id, DUE)
    assert "on its way" in await join("UNEW", typed=True)  # after the firing: this week's comes at once
    assert "is in our direct chat" in await join("UNEW")  # pressed twice: still one
    await oars.store.update_profile(MemberRef("slack", "T1", "UPAUSED"), paused=True)
    assert "`resume`" in await join("UPAUSED")
    await scheduler.outbox.drain()
    _, invited = _sent(platform)
    assert sorted(invited) == sorted([*C1_TEAM, "U11", "UNEW"])
    await _say(oars, "forget me", user="UNEW", channel="DNEW", direct=True, manager=False)
    await _say(oars, "yes", user="UNEW", channel="DNEW", direct=True, manager=False)
    assert not await traces(redis, "UNEW")
    await oars.stop()


async def test_uninstalling_leaves_no_weekly_roleplay_behind(redis_socket, tmp_path, platform, redis) -> None:
    oars = await start_app(redis_socket, tmp_path, platform, now=NOW)
    await seed_team(oars.store)
    schedule_id = await _weekly(oars)
    await _say(oars, "", user="U11", manager=False, action="roleplay:join")
    assert await Scheduler(oars, run_outbox=False, pace={}).fire(schedule_id, DUE)  # nothing delivered yet
    assert await purge(redis, Scope("slack", "T1")) > 0
    assert not await traces(redis, "roleplay", "slack:T1", "{slack:T1}")
    await oars.stop()
