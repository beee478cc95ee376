"""What reports read and record: tip topics (never the words), channel posts, opt-out, forget me."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.engine import Engine
from bot.store import MemberRef, Store
from bot.team_data import Scope, TeamData, posts_key
from tests.bot.helpers import msg
from tests.bot.team_fixtures import NOW, seed_team


async def test_a_tip_question_records_its_topic_not_its_words(engine: Engine, store: Store) -> None:
    await engine.handle(msg("tip client keeps saying yes but nothing changes", user="ana"))
    await engine.handle(msg("tip", user="ana"))  # a random tip is no question: nothing recorded
    rows = await store.redis.lrange(store.key(MemberRef("console", "local", "ana"), "tips"), 0, -1)
    assert len(rows) == 1
    epoch, _, topic = rows[0].partition("|")
    assert epoch.isdigit() and topic and "yes" not in rows[0]


async def test_channel_posts_are_recorded_without_people(engine: Engine, store: Store) -> None:
    await engine.remember_channel_post("slack", "T1", "C1", "1700000000.1", "some-drill")
    assert await store.redis.zrange(posts_key("slack", "T1"), 0, -1) == ["C1|1700000000.1|some-drill"]


async def test_opted_out_and_forgotten_members_leave_the_report(store: Store) -> None:
    await seed_team(store)
    data = TeamData(store, "Europe/Berlin")
    before = await data.report(Scope("slack", "T1"), NOW)
    assert (before.members, before.members_active) == (10, 9)
    await data.set_opted_out(MemberRef("slack", "T1", "U09"), True)
    await store.forget(MemberRef("slack", "T1", "U08"))
    after = await data.report(Scope("slack", "T1"), NOW)
    assert (after.members, after.members_active, after.drills_answered) == (8, 7, 9)
    assert after.skills["simple_reflections"].mastery is None  # only U07 is left practising it
    await data.set_opted_out(MemberRef("slack", "T1", "U09"), False)
    assert (await data.report(Scope("slack", "T1"), NOW)).members_active == 8


ROOT = Path(__file__).resolve().parents[2]


async def test_matplotlib_loads_only_when_a_chart_is_made() -> None:
    code = ("import sys, bot.engine, bot.outbox, bot.report_commands, bot.cli_report; "
            "print('matplotlib' in sys.modules)")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, cwd=ROOT,
                                                stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    assert out.decode().strip() == "False"
