"""`report` for managers (and the channel's scheduler), a polite no for everyone else; `opt out of reports`;
`schedule digest`; the digest through the outbox, exactly once per week with two clocks."""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import random
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import Clock
from bot.engine import Engine
from bot.messages import Inbound, Reply, replies_from_json, replies_to_json
from bot.scheduler import Scheduler
from bot.schedules import ScheduleService, ScheduleStore, validate
from bot.store import MemberRef, Store
from tests.bot.helpers import msg
from tests.bot.sched_support import FakePlatform, eventually, settings_for, start_app
from tests.bot.team_fixtures import NOW, seed_pair, seed_team

_ids = itertools.count(1)


def slack(text: str, user: str = "UMGR", channel: str = "DMGR", direct: bool = True, manager: bool = True,
          workspace: str = "T1") -> Inbound:
    return Inbound("slack", workspace, channel, user, text, f"r{next(_ids)}", is_direct=direct, is_manager=manager)


@pytest.fixture
def team_engine(store: Store, redis_socket: str, tmp_path: Path) -> Engine:
    engine = Engine(store, Clock(NOW), rng=random.Random(5), default_tz="Europe/Berlin")
    engine.schedules = ScheduleService(store, settings_for(redis_socket, tmp_path, NOW), engine.clock)
    return engine


def _png_size(reply: Reply) -> tuple[int, int]:
    from PIL import Image

    assert reply.chart is not None
    with Image.open(io.BytesIO(reply.chart.png)) as image:
        assert image.format == "PNG"
        return image.size


async def test_a_manager_gets_the_workspace_report_with_a_chart(team_engine: Engine, store: Store) -> None:
    await seed_team(store)
    [reply] = await team_engine.handle(slack("report"))
    assert reply.private and "Members active: 9 of 10" in reply.text and "drills answered: 11" in reply.text
    assert "Open questions: 67% (100%)" in reply.text and "Suggested focus:" in reply.text
    width, height = _png_size(reply)
    assert 600 <= width <= 1200 and 300 <= height <= 800
    assert reply.chart is not None and len(reply.chart.png) < 20_000 and "Open questions 67%" in reply.chart.alt
    for user in ("U01", "u01", "U12"):
        assert user not in reply.text
    again = replies_from_json(replies_to_json([reply]))[0]  # kept for replay: the chart survives
    assert again.chart == reply.chart


async def test_a_non_manager_is_refused_politely(team_engine: Engine, store: Store) -> None:
    await seed_team(store)
    for where in (slack("report", user="U05", manager=False),
                  slack("report", user="U05", manager=False, channel="C1", direct=False)):
        [reply] = await team_engine.handle(where)
        assert reply.private and reply.chart is None
        assert "for managers" in reply.text and "progress" in reply.text and "9" not in reply.text


async def test_the_channels_scheduler_sees_that_channel(team_engine: Engine, store: Store) -> None:
    await seed_team(store)
    await ScheduleStore(store.redis).add("slack", "T1", "C1", validate("09:30", "Europe/Berlin"), "ULEAD")
    [reply] = await team_engine.handle(slack("report", user="ULEAD", manager=False, channel="C1", direct=False))
    assert "channel C1" in reply.text and "Members active: 9 of 10" in reply.text and reply.chart is not None
    [elsewhere] = await team_engine.handle(slack("report", user="ULEAD", manager=False, channel="C2", direct=False))
    assert "for managers" in elsewhere.text
    [in_dm] = await team_engine.handle(slack("report", user="ULEAD", manager=False))
    assert "channel C1" in in_dm.text


async def test_opt_out_and_back_in(team_engine: Engine, store: Store) -> None:
    await seed_team(store)
    [what] = await team_engine.handle(slack("opt sideways", user="U09", manager=False))
    assert "opt out of reports" in what.text
    [out] = await team_engine.handle(slack("opt out of reports", user="U09", manager=False))
    assert "left out of team reports" in out.text
    [reply] = await team_engine.handle(slack("report"))
    assert "Members active: 8 of 9" in reply.text
    await team_engine.handle(slack("drill", user="U09", manager=False))
    [back] = await team_engine.handle(slack("opt in", user="U09", manager=False))  # a command, not an answer
    assert "counts in team totals again" in back.text
    [reply] = await team_engine.handle(slack("report"))
    assert "Members active: 9 of 10" in reply.text


async def test_forgotten_members_are_gone_from_the_next_report(team_engine: Engine, store: Store) -> None:
    await seed_team(store)
    await team_engine.handle(slack("forget me", user="U01", manager=False))
    await team_engine.handle(slack("yes", user="U01", manager=False))
    [reply] = await team_engine.handle(slack("report"))
    assert "Members active: 8 of 9" in reply.text


async def test_team_of_two_shows_dashes(team_engine: Engine, store: Store) -> None:
    await seed_pair(store)
    [reply] = await team_engine.handle(slack("report", workspace="T2"))
    assert "Members active: – of –" in reply.text and "drills answered: –" in reply.text
    assert "Skill mastery" not in reply.text  # no skill figure about two people


async def test_schedule_digest_validates_and_lists(team_engine: Engine, store: Store) -> None:
    [ok] = await team_engine.handle(slack("schedule digest mon 09:00 Europe/Berlin", channel="C1", direct=False))
    assert "Weekly digest on" in ok.text and "this channel's team" in ok.text and "Mon 09 Mar 09:00" in ok.text
    [digest] = [s for s in await ScheduleStore(store.redis).all() if s.kind == "digest"]
    assert (digest.channel, digest.days, digest.at, digest.created_by) == ("C1", "mon", "09:00", "UMGR")
    for bad in ("schedule digest", "schedule digest mon-fri 09:00", "schedule digest mon 25:00",
                "schedule digest mon 09:00 Mars/Olympus", "schedule digest mon 09:00 reflections"):
        [reply] = await team_engine.handle(slack(bad))
        assert "Nothing was scheduled" in reply.text or "schedule digest mon 09:00" in reply.text, bad
    [listing] = await team_engine.handle(slack("schedule list"))
    assert "Your weekly digests" in listing.text and "weekly digest mon 09:00" in listing.text
    assert "about channel C1" in listing.text
    [console] = await team_engine.handle(msg("schedule digest mon 09:00", is_manager=True))
    assert "oars report" in console.text


async def test_the_digest_fires_exactly_once_a_week_with_two_clocks(redis_socket: str, tmp_path: Path, redis) -> None:
    platform = FakePlatform()
    apps = [await start_app(redis_socket, tmp_path, platform) for _ in range(2)]
    await seed_team(apps[0].store)
    for oars in apps:
        oars.clock.set(NOW - timedelta(days=1))
    digest = await ScheduleStore(apps[0].store.redis, apps[0].clock).add(
        "slack", "T1", "", validate("09:00", "Europe/Berlin", "mon"), "UMGR", kind="digest")
    for oars in apps:
        oars.clock.set(NOW + timedelta(minutes=10))
    clocks = [Scheduler(oars, lease_seconds=0.6) for oars in apps]
    try:
        for clock in clocks:
            await clock.start()
        await eventually(lambda: platform.sent, within=15)
        due = NOW
        fired = await asyncio.gather(*(clock.fire(digest.id, due) for clock in clocks))  # late repeats: no-ops
        assert fired == [False, False]
        await asyncio.sleep(1.0)  # room for a double post to show up
        assert len(platform.sent) == 1, platform.sent
        target, reply = platform.sent[0]
        assert (target.platform, target.workspace, target.channel, target.user) == ("slack", "T1", "", "UMGR")
        assert reply.text.startswith("*Weekly practice digest* for workspace T1") and reply.chart is not None
        assert base64.b64decode(reply.chart.png_base64)[:8] == b"\x89PNG\r\n\x1a\n"
        for oars in apps:
            oars.clock.set(NOW + timedelta(days=7, minutes=5))
        results = await asyncio.gather(*(clock.fire(digest.id, NOW + timedelta(days=7)) for clock in clocks))
        assert sorted(results) == [False, True]
        await eventually(lambda: len(platform.sent) >= 2, within=15)
        await asyncio.sleep(0.5)
        assert len(platform.sent) == 2
    finally:
        for clock in clocks:
            await clock.stop()
        for oars in apps:
            await oars.stop()


def test_member_ref_of_reports_is_opaque() -> None:
    assert MemberRef("slack", "T1", "U1").pid == "slack:T1:U1"


async def test_forget_me_removes_the_managers_digests(store: Store) -> None:
    schedules = ScheduleStore(store.redis)
    digest = await schedules.add("slack", "T1", "", validate("09:00", "UTC", "mon"), "UMGR", kind="digest")
    drill = await schedules.add("slack", "T1", "C1", validate("09:30", "UTC"), "UMGR")
    await schedules.forget_creator(MemberRef("slack", "T1", "UMGR"))
    assert await schedules.get(digest.id) is None  # sent to them alone: gone
    kept = await schedules.get(drill.id)
    assert kept is not None and kept.created_by == ""  # the channel's drills stay, unnamed
