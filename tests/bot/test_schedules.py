"""`schedule …` chat commands and `oars schedule` operator CLI, against a real Redis."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from bot.cli_schedule import run_schedule
from bot.engine import Engine
from bot.messages import Inbound
from bot.schedules import ScheduleService, ScheduleStore
from bot.store import CHANGES_CHANNEL, MemberRef, Store
from tests.bot.sched_support import settings_for

_n = iter(range(10**6))


def _msg(text: str, workspace: str = "T1", channel: str = "C1", manager: bool = True, direct: bool = False,
         user: str = "U1") -> Inbound:
    return Inbound("slack", workspace, channel, user, text, f"m{next(_n)}", is_direct=direct, is_manager=manager)


@pytest.fixture
def service(store: Store, redis_socket: str, tmp_path: Path, clock) -> ScheduleService:
    return ScheduleService(store, settings_for(redis_socket, tmp_path), clock)


async def _say(service: ScheduleService, text: str, **kw: object) -> str:
    verb, _, args = text.partition(" ")
    assert verb == "schedule"
    replies = await service.handle(_msg(text, **kw), args)  # type: ignore[arg-type]
    assert len(replies) == 1
    return replies[0].text


async def test_daily_in_this_channel_with_days_and_skill(service: ScheduleService) -> None:
    text = await _say(service, "schedule daily 09:30 Europe/Berlin mon,wed,fri reflections")
    assert "Scheduled" in text and "09:30 Europe/Berlin" in text and "mon,wed,fri" in text
    [saved] = await service.schedules.all()
    assert (saved.platform, saved.workspace, saved.channel) == ("slack", "T1", "C1")
    assert (saved.at, saved.tz, saved.days, saved.skill) == ("09:30", "Europe/Berlin", "mon,wed,fri",
                                                             "simple_reflections")
    assert "First drill: Mon 02 Mar 09:30" in text  # the fixed clock is Monday 09:00 in Berlin
    assert saved.id in text


async def test_times_as_people_write_them(service: ScheduleService) -> None:
    await _say(service, "schedule daily 7 pm Europe/Berlin")
    await _say(service, "schedule digest mon 9am Europe/Berlin")
    assert sorted(s.at for s in await service.schedules.all()) == ["09:00", "19:00"]


async def test_defaults_are_weekdays_and_the_managers_zone(service: ScheduleService, store: Store) -> None:
    await store.update_profile(MemberRef("slack", "T1", "U1"), tz="America/New_York")
    await _say(service, "schedule daily 9:05")
    [saved] = await service.schedules.all()
    assert (saved.at, saved.tz, saved.days, saved.skill) == ("09:05", "America/New_York", "mon-fri", "")


@pytest.mark.parametrize(("command", "problem"), [
    ("schedule daily 25:99 Europe/Berlin", "25:99› isn't a time I can read"),
    ("schedule daily 09:30 Mars/Olympus", "Mars/Olympus› isn't a time zone"),
    ("schedule daily 09:30 Europe/Berlin mon-", "incomplete weekday range"),
    ("schedule daily 09:30 Europe/Berlin ,", "no weekdays"),
    ("schedule daily 09:30 Europe/Berlin juggling", "juggling› isn't a time zone, weekday list or skill"),
    ("schedule daily 09:30 Europe/Berlin UTC", "Two time zones"),
    ("schedule weekly 09:30 Europe/Berlin", "needs its days"),
])
async def test_bad_input_names_the_problem_and_schedules_nothing(service: ScheduleService, command: str,
                                                                 problem: str) -> None:
    text = await _say(service, command)
    assert problem in text and "Nothing was scheduled" in text
    assert await service.schedules.all() == []


async def test_not_from_a_dm(service: ScheduleService) -> None:
    assert "inside the channel" in await _say(service, "schedule daily 09:30 UTC", direct=True)


async def test_list_pause_resume_remove_within_the_workspace(service: ScheduleService) -> None:
    await _say(service, "schedule daily 09:30 Europe/Berlin")
    await _say(service, "schedule daily 16:00 UTC weekends", channel="C2")
    await _say(service, "schedule daily 10:00 UTC", workspace="T2")
    ids = {s.workspace + s.channel: s.id for s in await service.schedules.all()}
    listing = await _say(service, "schedule list")
    assert ids["T1C1"] in listing and ids["T1C2"] in listing and ids["T2C1"] not in listing
    assert "this channel" in listing and "in C2" in listing
    assert "Paused" in await _say(service, f"schedule pause {ids['T1C1']}")
    assert (await service.schedules.get(ids["T1C1"])).paused  # type: ignore[union-attr]
    assert "(paused)" in await _say(service, "schedule list")
    assert "Resumed" in await _say(service, f"schedule resume {ids['T1C1']}")
    assert "no schedule" in await _say(service, f"schedule remove {ids['T2C1']}")  # another tenant's
    assert "Removed" in await _say(service, f"schedule remove {ids['T1C1']}")
    assert {s.id for s in await service.schedules.all()} == {ids["T1C2"], ids["T2C1"]}
    assert "Which one" in await _say(service, "schedule remove")
    assert "schedule list" in await _say(service, "schedule help")


async def test_every_change_is_published(service: ScheduleService, redis) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe(CHANGES_CHANNEL)
    await pubsub.get_message(timeout=1.0)  # the subscribe confirmation
    await _say(service, "schedule daily 09:30 UTC")
    [saved] = await service.schedules.all()
    for command in (f"schedule pause {saved.id}", f"schedule resume {saved.id}", f"schedule remove {saved.id}"):
        await _say(service, command)
    seen = []
    for _ in range(4):
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
        seen.append(message and message["channel"])
    assert seen == [CHANGES_CHANNEL] * 4
    await pubsub.aclose()


async def test_engine_delegates_only_for_managers(engine: Engine, service: ScheduleService) -> None:
    engine.schedules = service
    [refused] = await engine.handle(_msg("schedule daily 09:30 UTC", manager=False))
    assert "for managers" in refused.text
    [done] = await engine.handle(_msg("schedule daily 09:30 UTC"))
    assert "Scheduled" in done.text


async def _cli(redis_socket: str, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_schedule(settings_for(redis_socket, tmp_path, now=None), list(args), out, err)
    return code, out.getvalue(), err.getvalue()


async def test_cli_add_list_remove(redis_socket: str, tmp_path: Path, redis) -> None:
    code, out, err = await _cli(redis_socket, tmp_path, "add", "--platform", "slack", "--workspace", "T1",
                                "--channel", "C9", "--at", "7:00", "--tz", "asia/kolkata", "--skill", "empathy")
    assert (code, err) == (0, "")
    schedule_id = out.strip()
    assert len(out.splitlines()) == 1 and schedule_id
    code, out, _ = await _cli(redis_socket, tmp_path, "list", "--json")
    [saved] = json.loads(out)
    assert saved["id"] == schedule_id and saved["at"] == "07:00" and saved["tz"] == "Asia/Kolkata"
    assert saved["days"] == "mon-fri" and saved["skill"] == "express_empathy" and saved["channel"] == "C9"
    code, out, _ = await _cli(redis_socket, tmp_path, "list")
    assert code == 0 and schedule_id in out
    assert (await _cli(redis_socket, tmp_path, "remove", schedule_id))[0] == 0
    code, _, err = await _cli(redis_socket, tmp_path, "remove", schedule_id)
    assert code == 1 and schedule_id in err
    assert json.loads((await _cli(redis_socket, tmp_path, "list", "--json"))[1]) == []


@pytest.mark.parametrize(("args", "problem"), [
    (["--at", "25:99", "--tz", "UTC"], "25:99"),
    (["--at", "09:30", "--tz", "Mars/Olympus"], "Mars/Olympus"),
    (["--at", "09:30", "--tz", "UTC", "--days", ""], "no weekdays"),
    (["--at", "09:30", "--tz", "UTC", "--skill", "juggling"], "juggling"),
    (["--at", "09:30"], "--tz"),
])
async def test_cli_rejects_bad_input(redis_socket: str, tmp_path: Path, redis, args: list[str], problem: str) -> None:
    code, out, err = await _cli(redis_socket, tmp_path, "add", "--platform", "slack", "--workspace", "T1",
                                "--channel", "C1", *args)
    assert (code, out) == (2, "") and problem in err
    assert await ScheduleStore(redis).all() == []


async def test_cli_rejects_unknown_platform_and_action(redis_socket: str, tmp_path: Path, redis) -> None:
    code, _, err = await _cli(redis_socket, tmp_path, "add", "--platform", "irc", "--workspace", "T", "--channel",
                              "C", "--at", "09:30", "--tz", "UTC")
    assert code == 2 and "irc" in err
    assert (await _cli(redis_socket, tmp_path, "frobnicate"))[0] == 2
    await asyncio.sleep(0)


async def test_only_the_creator_or_the_channels_managers_change_a_schedule(service: ScheduleService) -> None:
    """#12: a manager may change the schedules of the channel they type in, and their own anywhere."""
    await _say(service, "schedule daily 09:30 UTC", channel="C1", user="UCREATOR")
    [saved] = await service.schedules.all()
    refused = await _say(service, f"schedule pause {saved.id}", channel="C2", user="UOTHER")
    assert "left it as it is" in refused and not (await service.schedules.get(saved.id)).paused  # type: ignore[union-attr]
    assert "Paused" in await _say(service, f"schedule pause {saved.id}", channel="C1", user="UOTHER")
    assert "Resumed" in await _say(service, f"schedule resume {saved.id}", channel="C9", user="UCREATOR")
    assert "left it as it is" in await _say(service, f"schedule remove {saved.id}", channel="C2", user="UOTHER")
    assert "Removed" in await _say(service, f"schedule remove {saved.id}", channel="C2", user="UCREATOR")


async def test_cli_refuses_an_exact_duplicate_and_confirms_removal(redis_socket: str, tmp_path: Path, redis) -> None:
    args = ["add", "--platform", "slack", "--workspace", "T1", "--channel", "C7", "--at", "09:00", "--tz", "UTC"]
    code, first, _ = await _cli(redis_socket, tmp_path, *args)
    assert code == 0
    code, out, err = await _cli(redis_socket, tmp_path, *args)
    assert (code, out) == (2, "") and first.strip() in err and "already" in err
    code, other, _ = await _cli(redis_socket, tmp_path, *args[:-4], "--at", "10:00", "--tz", "UTC")
    assert code == 0 and other.strip() != first.strip()
    code, out, _ = await _cli(redis_socket, tmp_path, "remove", first.strip())
    assert code == 0 and out.startswith(f"removed {first.strip()}") and "C7" in out
