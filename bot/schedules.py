"""Channel drill schedules as plain data in Redis, and the managers' `schedule …` chat commands.

Keys:
  oars:schedule:<id>   hash  id, platform, workspace, channel, at (HH:MM), tz, days (spec), skill, paused,
                             created_by, created_at (ISO, UTC), kind (drill, digest or roleplay; a weekly
                             role-play keeps its focus, a case, setting or skill as `roleplay` takes it, in `skill`)
  oars:schedules       set   every schedule id
Every change publishes on `oars:changes`, so each scheduler process rebuilds its jobs from these keys:
schedules are data, never pickled jobs.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, replace
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Settings
from bot.messages import Inbound, Reply
from bot.store import CHANGES_CHANNEL, MemberRef, Store
from bot.text import quote_user_text
from exercises.roleplay import find_cases
from exercises.schedule_math import (
    DEFAULT_DAYS,
    ScheduleError,
    format_days,
    is_days,
    is_time,
    join_meridiem,
    looks_like_days,
    next_fire,
    parse_days,
    parse_skill,
    parse_time,
    parse_zone,
)
from exercises.vocabulary import SKILL_ALIASES, SKILL_TITLES, normalise_name

SCHEDULE_INDEX = "oars:schedules"
PLATFORMS = ("slack", "teams")

HELP = (
    "*Channel drills* (managers)\n"
    "• `schedule daily 09:30 Europe/Berlin` posts a team drill here at 09:30 Berlin time, Monday to Friday\n"
    "• add days and a skill: `schedule daily 09:30 Europe/Berlin mon,wed,fri reflections`; "
    "days can be `mon-fri`, `mon,wed`, `weekdays`, `weekends` or `daily` (every day)\n"
    "• without a time zone I use yours (`settings tz …`)\n"
    "• `schedule roleplay fri 14:00 Europe/Berlin` sets a weekly role-play for this channel: a post here, and "
    "each member who practises here gets a one-click start in their DM; add a case, setting or skill to "
    "focus it (`schedule roleplay fri 14:00 health`)\n"
    "• `schedule digest mon 09:00 Europe/Berlin` sends you a weekly team report (about this channel, or the "
    "workspace when typed in our direct chat)\n"
    "• `schedule list`, `schedule pause ID`, `schedule resume ID`, `schedule remove ID` (your own schedules, "
    "or any schedule of the channel you type in)"
)


DIGEST_USAGE = ("For a weekly team report, type `schedule digest mon 09:00` (one weekday and a time, optionally a "
                "time zone such as `Europe/Berlin`).")


ROLEPLAY_USAGE = ("For a weekly role-play, type `schedule roleplay fri 14:00` in the channel (one weekday and a time, "
                  "optionally a time zone such as `Europe/Berlin` and a case, setting or skill, like `health` or "
                  "`reflections`).")


def schedule_key(schedule_id: str) -> str:
    return f"oars:schedule:{schedule_id}"


@dataclass(frozen=True)
class Schedule:
    id: str
    platform: str
    workspace: str
    channel: str
    at: str  # "HH:MM", local to tz
    tz: str
    days: str  # canonical spec, e.g. "mon-fri"
    skill: str = ""  # "" = any skill
    paused: bool = False
    created_by: str = ""
    created_at: str = ""
    kind: str = "drill"  # "drill": a channel drill; "digest": the weekly report, sent to `created_by`;
    # "roleplay": a weekly role-play for the channel's members (`skill` holds its focus, "" = any case)

    @property
    def at_time(self) -> time:
        return parse_time(self.at)

    @property
    def day_numbers(self) -> tuple[int, ...]:
        return parse_days(self.days)

    def to_fields(self) -> dict[str, str]:
        return {k: ("1" if v is True else "0" if v is False else str(v)) for k, v in asdict(self).items()}

    @classmethod
    def from_fields(cls, raw: dict[str, str]) -> Schedule:
        return cls(
            id=raw["id"], platform=raw["platform"], workspace=raw["workspace"], channel=raw["channel"],
            at=raw["at"], tz=raw["tz"], days=raw["days"], skill=raw.get("skill", ""),
            paused=raw.get("paused") == "1", created_by=raw.get("created_by", ""),
            created_at=raw.get("created_at", ""), kind=raw.get("kind") or "drill",
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        if self.kind == "digest":
            state = " (paused)" if self.paused else ""
            return f"`{self.id}` weekly digest {self.days} {self.at} {self.tz}{state}"
        if self.kind == "roleplay":
            state = " (paused)" if self.paused else ""
            focus = f"focus ‹{quote_user_text(self.skill, 40)}›" if self.skill else "any case"
            return f"`{self.id}` weekly role-play {self.days} {self.at} {self.tz}, {focus}{state}"
        skill = SKILL_TITLES.get(self.skill, self.skill) if self.skill else "any skill"
        state = " (paused)" if self.paused else ""
        return f"`{self.id}` {self.at} {self.tz}, {self.days}, {skill}{state}"


@dataclass(frozen=True)
class ScheduleSpec:
    """Validated user input for a new schedule."""

    at: str
    tz: str
    days: str
    skill: str


def validate(at: str, tz: str, days: str | None = None, skill: str | None = None) -> ScheduleSpec:
    """The one validation path for chat and CLI; raises ScheduleError naming the problem."""
    when = parse_time(at)
    zone = parse_zone(tz)
    day_numbers = parse_days(days) if days is not None else DEFAULT_DAYS
    return ScheduleSpec(f"{when:%H:%M}", zone, format_days(day_numbers), parse_skill(skill) if skill else "")


class ScheduleStore:
    """CRUD for schedules; every write announces a change to all scheduler processes."""

    def __init__(self, redis: Any, clock: Clock | None = None) -> None:
        self.redis = redis
        self.clock = clock or Clock()

    async def announce(self) -> None:
        await self.redis.publish(CHANGES_CHANNEL, "schedules")

    async def add(self, platform: str, workspace: str, channel: str, spec: ScheduleSpec,
                  created_by: str = "", kind: str = "drill") -> Schedule:
        while True:
            schedule_id = secrets.token_hex(3)
            if await self.redis.sadd(SCHEDULE_INDEX, schedule_id):
                break
        schedule = Schedule(schedule_id, platform, workspace, channel, spec.at, spec.tz, spec.days, spec.skill,
                            False, created_by, self.clock.now().isoformat(), kind)
        await self.redis.hset(schedule_key(schedule_id), mapping=schedule.to_fields())
        await self.announce()
        return schedule

    async def get(self, schedule_id: str) -> Schedule | None:
        raw = await self.redis.hgetall(schedule_key(schedule_id))
        return Schedule.from_fields(raw) if raw else None

    async def all(self) -> list[Schedule]:
        ids = sorted(await self.redis.smembers(SCHEDULE_INDEX))
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for schedule_id in ids:
                pipe.hgetall(schedule_key(schedule_id))
            rows = await pipe.execute()
        return [Schedule.from_fields(row) for row in rows if row]

    async def remove(self, schedule_id: str) -> bool:
        """Not a MULTI: the index and the schedule live in different Cluster slots. The index entry goes first, so
        a crash in between leaves only an orphan hash that no scheduler reads."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.srem(SCHEDULE_INDEX, schedule_id)
            pipe.delete(schedule_key(schedule_id))
            removed, _ = await pipe.execute()
        if removed:
            await self.announce()
        return bool(removed)

    async def forget_creator(self, member: MemberRef) -> int:
        """`forget me`: schedules stay (they belong to the channel) but no longer name who made them; the
        member's weekly digests (sent to them alone) are removed."""
        anonymised = 0
        for schedule in await self.all():
            if (schedule.platform, schedule.workspace, schedule.created_by) == (
                    member.platform, member.workspace, member.user):
                if schedule.kind == "digest":
                    await self.remove(schedule.id)
                else:
                    await self.redis.hset(schedule_key(schedule.id), "created_by", "")
                anonymised += 1
        return anonymised

    async def set_paused(self, schedule_id: str, paused: bool) -> bool:
        if not await self.redis.exists(schedule_key(schedule_id)):
            return False
        await self.redis.hset(schedule_key(schedule_id), "paused", "1" if paused else "0")
        await self.announce()
        return True


def _time_words(words: list[str]) -> list[str]:
    """The words that are times, or else the ones that look meant as one ('25:00', '9'), so a bad time is
    named rather than answered with the usage line."""
    return [w for w in words if is_time(w)] or [w for w in words if any(c.isdigit() for c in w) and "/" not in w]


class ScheduleService:
    """`schedule …` for managers, in the channel where they type it. Plugged into the engine."""

    def __init__(self, store: Store, settings: Settings, clock: Clock | None = None) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock or Clock()
        self.schedules = ScheduleStore(store.redis, self.clock)

    async def handle(self, msg: Inbound, args: str) -> list[Reply]:
        words = join_meridiem(args.split())
        verb = words[0].lower() if words else "help"
        rest = words[1:]
        if verb in {"daily", "add", "weekly"}:
            return [await self._add(msg, rest, need_days=verb == "weekly")]
        if verb in {"list", "ls"}:
            return [await self._list(msg)]
        if verb in {"remove", "delete", "rm", "pause", "resume"}:
            return [await self._change(msg, verb, rest)]
        if verb == "digest":
            return [await self._digest(msg, rest)]
        if verb in {"roleplay", "role-play", "roleplays"}:
            return [await self._roleplay(msg, rest)]
        if verb == "help":
            return [Reply(HELP, private=True)]
        return [Reply(f"I don't know `schedule {quote_user_text(verb, 20)}`.\n{HELP}", private=True)]

    async def _add(self, msg: Inbound, words: list[str], need_days: bool) -> Reply:
        if msg.platform not in PLATFORMS:
            return Reply("Channel drills post to Slack or Teams channels, so schedule them from there, or use "
                         "`oars schedule add --platform slack --workspace … --channel … --at 09:30 --tz …`.",
                         private=True)
        if msg.is_direct:
            return Reply("Schedule channel drills from inside the channel that should get them.", private=True)
        if not words:
            return Reply(f"When should it post? For example `schedule daily 09:30 Europe/Berlin`.\n{HELP}",
                         private=True)
        try:
            spec = await self._parse(msg, words, need_days)
        except ScheduleError as problem:
            return Reply(f"{problem} Nothing was scheduled.", private=True)
        schedule = await self.schedules.add(msg.platform, msg.workspace, msg.channel, spec, msg.user)
        first = next_fire(self.clock.now(), schedule.at_time, schedule.tz, schedule.day_numbers)
        return Reply(
            f"Scheduled {schedule.describe()}. First drill: {first.astimezone(ZoneInfo(schedule.tz)):%a %d %b %H:%M} "
            f"({schedule.tz}). `schedule remove {schedule.id}` stops it."
        )

    async def _digest(self, msg: Inbound, words: list[str]) -> Reply:
        """`schedule digest mon 09:00 [zone]`: a weekly report to the manager who asked, once per week."""
        if msg.platform not in PLATFORMS:
            return Reply("Weekly digests arrive in Slack or Teams; here, `oars report` prints the same report.",
                         private=True)
        times = _time_words(words)
        if len(times) != 1 or len(words) > 3:
            return Reply(DIGEST_USAGE, private=True)
        rest = [w for w in words if w != times[0]]
        try:
            spec = await self._parse(msg, [times[0], *rest], need_days=True)
            if len(parse_days(spec.days)) != 1:
                raise ScheduleError("A digest is weekly: give one weekday, like `mon`.")
            if spec.skill:
                raise ScheduleError("A digest covers every skill, so leave the skill out.")
        except ScheduleError as problem:
            return Reply(f"{problem} Nothing was scheduled.\n{DIGEST_USAGE}", private=True)
        channel = "" if msg.is_direct else msg.channel
        schedule = await self.schedules.add(msg.platform, msg.workspace, channel, spec, msg.user, kind="digest")
        first = next_fire(self.clock.now(), schedule.at_time, schedule.tz, schedule.day_numbers)
        about = "this channel's team" if channel else "the whole workspace"
        return Reply(f"Weekly digest on: {schedule.describe()}, about {about}, sent to you privately. First one: "
                     f"{first.astimezone(ZoneInfo(schedule.tz)):%a %d %b %H:%M} ({schedule.tz}). "
                     f"`schedule remove {schedule.id}` stops it.", private=True)

    async def _roleplay(self, msg: Inbound, words: list[str]) -> Reply:
        """`schedule roleplay fri 14:00 [zone] [focus]`: a weekly role-play for the channel typed in."""
        if msg.platform not in PLATFORMS:
            return Reply("Weekly role-plays are for Slack or Teams channels; here, type `roleplay` to play one now.",
                         private=True)
        if msg.is_direct:
            return Reply("Schedule a weekly role-play from inside the channel whose members should play it.",
                         private=True)
        times = _time_words(words)
        if len(times) != 1:
            return Reply(ROLEPLAY_USAGE, private=True)
        zones = [w for w in words if "/" in w or w.lower() in {"utc", "gmt"}]
        days = [w for w in words if w not in times and w not in zones and is_days(w)]
        focus = " ".join(w for w in words if w not in times and w not in zones and w not in days)
        try:
            if len(days) != 1 or len(parse_days(days[0])) != 1:
                raise ScheduleError("A weekly role-play needs one weekday, like `fri`.")
            if len(zones) > 1:
                raise ScheduleError(f"Two time zones given (‹{quote_user_text(zones[0], 30)}› and "
                                    f"‹{quote_user_text(zones[1], 30)}›); give one.")
            if focus and find_cases(focus) is None:
                raise ScheduleError(f"I have no role-play for ‹{quote_user_text(focus, 40)}›; try a setting such as "
                                    "`health` or `sales`, a skill such as `reflections`, or a case from "
                                    "`roleplay list`.")
            tz = zones[0] if zones else await self._member_tz(msg)
            spec = replace(validate(times[0], tz, days[0]), skill=focus.strip().lower())
        except ScheduleError as problem:
            return Reply(f"{problem} Nothing was scheduled.\n{ROLEPLAY_USAGE}", private=True)
        schedule = await self.schedules.add(msg.platform, msg.workspace, msg.channel, spec, msg.user, kind="roleplay")
        first = next_fire(self.clock.now(), schedule.at_time, schedule.tz, schedule.day_numbers)
        return Reply(f"Weekly role-play on: {schedule.describe()}. First one: "
                     f"{first.astimezone(ZoneInfo(schedule.tz)):%a %d %b %H:%M} ({schedule.tz}). I'll post an "
                     "invitation here, and everyone who practises in this channel gets a one-click start in their "
                     f"DM (not those who paused). `schedule remove {schedule.id}` stops it.")

    async def _member_tz(self, msg: Inbound) -> str:
        profile = await self.store.profile(MemberRef(msg.platform, msg.workspace, msg.user))
        return profile.tz or self.settings.oars_default_tz

    async def _parse(self, msg: Inbound, words: list[str], need_days: bool) -> ScheduleSpec:
        at, tokens = words[0], words[1:]
        tz: str | None = None
        days: str | None = None
        skill: str | None = None
        for token in tokens:
            lowered = token.lower()
            if "/" in token or lowered in {"utc", "gmt"}:
                tz = _once(tz, token, "time zone")
            elif normalise_name(token) in SKILL_ALIASES:
                skill = _once(skill, token, "skill")
            elif looks_like_days(token):
                days = token if days is None else f"{days},{token}"
            else:
                raise ScheduleError(f"‹{quote_user_text(token, 30)}› isn't a time zone, weekday list or skill I know.")
        if need_days and days is None:
            raise ScheduleError("A weekly schedule needs its days, like `mon` or `mon,thu`.")
        if tz is None:
            tz = await self._member_tz(msg)
        return validate(at, tz, days, skill)

    async def _list(self, msg: Inbound) -> Reply:
        mine = [s for s in await self.schedules.all() if (s.platform, s.workspace) == (msg.platform, msg.workspace)]
        if not mine:
            return Reply("No channel drills are scheduled in this workspace. `schedule help` shows how.",
                         private=True)
        lines: list[str] = []
        for kind, title in (("drill", "*Scheduled channel drills*"), ("roleplay", "*Weekly role-plays*")):
            shown = [s for s in mine if s.kind == kind]
            lines += [title] if shown else []
            lines += [f"• {s.describe()} (this channel)" for s in shown if s.channel == msg.channel]
            lines += [f"• {s.describe()} in {s.channel}" for s in shown if s.channel != msg.channel]
        digests = [s for s in mine if s.kind == "digest" and s.created_by == msg.user]
        if digests:
            lines.append("*Your weekly digests*")
            lines += [f"• {s.describe()} about {'channel ' + s.channel if s.channel else 'the workspace'}"
                      for s in digests]
        if not lines:
            return Reply("No channel drills are scheduled in this workspace. `schedule help` shows how.",
                         private=True)
        return Reply("\n".join(lines), private=True)

    async def _change(self, msg: Inbound, verb: str, words: list[str]) -> Reply:
        if len(words) != 1:
            return Reply(f"Which one? `schedule {verb} ID`; `schedule list` shows the ids.", private=True)
        schedule = await self.schedules.get(words[0].strip("`"))
        if schedule is None or (schedule.platform, schedule.workspace) != (msg.platform, msg.workspace):
            return Reply(f"There's no schedule `{quote_user_text(words[0], 20)}` in this workspace. "
                         "`schedule list` shows the ids.", private=True)
        if not may_change(schedule, msg):
            return Reply(f"`{schedule.id}` posts in another channel and someone else set it up, so I left it as "
                         "it is. Change it from inside that channel, or ask whoever created it.", private=True)
        if verb == "pause":
            await self.schedules.set_paused(schedule.id, True)
            return Reply(f"Paused `{schedule.id}`. `schedule resume {schedule.id}` turns it back on.")
        if verb == "resume":
            await self.schedules.set_paused(schedule.id, False)
            return Reply(f"Resumed `{schedule.id}`.")
        await self.schedules.remove(schedule.id)
        if schedule.kind == "roleplay":
            return Reply(f"Removed `{schedule.id}`; no more weekly role-plays from it.")
        return Reply(f"Removed `{schedule.id}`; no more drills from it.")


def may_change(schedule: Schedule, msg: Inbound) -> bool:
    """Who may pause, resume or remove a schedule: its creator, or a manager in the channel it posts to
    (a channel's drills are its own business, not every admin's from anywhere)."""
    if schedule.created_by and schedule.created_by == msg.user:
        return True
    return msg.is_manager and not msg.is_direct and schedule.channel == msg.channel


def _once(current: str | None, token: str, what: str) -> str:
    if current is not None:
        raise ScheduleError(f"Two {what}s given (‹{current}› and ‹{token}›); give one.")
    return token
