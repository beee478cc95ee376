"""Pure schedule arithmetic: parsing times, zones, weekday specs and skills, and computing fire times.

No I/O, so the chat command, the operator CLI and the scheduler validate and compute identically.
Weekdays are ints 0=Monday … 6=Sunday (`date.weekday()`), kept as a sorted tuple.

Local times that do not exist (the spring-forward gap) fire at the same wall-clock offset as the day
before, i.e. one hour later in local time; times that exist twice (fall back) fire on the first one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from exercises.vocabulary import SKILL_ALIASES, normalise_name

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS: tuple[int, ...] = tuple(range(7))
WEEKDAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
DEFAULT_DAYS: tuple[int, ...] = WEEKDAYS  # channel drills are for work days unless told otherwise
_NAMED_SETS: dict[str, tuple[int, ...]] = {
    "daily": ALL_DAYS, "everyday": ALL_DAYS, "all": ALL_DAYS,
    "weekdays": WEEKDAYS, "workdays": WEEKDAYS,
    "weekends": (5, 6), "weekend": (5, 6),
}
_LONG_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TWELVE_HOUR = re.compile(r"^(0?[1-9]|1[0-2])(?:[:.]([0-5]\d))?\s*([ap])\.?m\.?$")
_NAMED_TIMES = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


class ScheduleError(ValueError):
    """Bad schedule input; the message names the problem and is safe to show to the person."""


@cache
def _zones_by_lower() -> dict[str, str]:
    zones = {z.lower(): z for z in available_timezones()}
    zones["utc"] = "UTC"
    return zones


def parse_time(text: str) -> time:
    """'9:30' -> 09:30, and the way people also write times: '7am', '7:30 pm', '12am' (00:00), 'noon',
    'midnight'. A bare '9' is refused: morning or evening is the person's to say."""
    said = text.strip().lower()
    if said in _NAMED_TIMES:
        return _NAMED_TIMES[said]
    if match := _HHMM.match(said):
        return time(int(match.group(1)), int(match.group(2)))
    if match := _TWELVE_HOUR.match(said):
        hour = int(match.group(1)) % 12 + (12 if match.group(3) == "p" else 0)
        return time(hour, int(match.group(2) or 0))
    raise ScheduleError(f"‹{text.strip()[:20]}› isn't a time I can read; use HH:MM like 09:30 or 17:05 "
                        "(or 9:30am).")


def _reads(parse: Callable[[str], object], token: str) -> bool:
    try:
        parse(token)
    except ScheduleError:
        return False
    return True


def is_time(token: str) -> bool:
    """Whether parse_time reads `token` (how a command picks its time out of the other words)."""
    return _reads(parse_time, token)


def is_days(token: str) -> bool:
    """Whether parse_days reads `token` (stricter than looks_like_days, which only decides which error to give)."""
    return _reads(parse_days, token)


def join_meridiem(words: list[str]) -> list[str]:
    """['7', 'pm', 'fri'] -> ['7pm', 'fri']: a time typed as two words becomes one."""
    out: list[str] = []
    for word in words:
        if out and word.lower().replace(".", "") in {"am", "pm"} and out[-1][-1:].isdigit():
            out[-1] += word
        else:
            out.append(word)
    return out


def parse_zone(text: str) -> str:
    """The canonical IANA name for `text` (any case)."""
    zone = _zones_by_lower().get(text.strip().lower())
    if zone is None:
        raise ScheduleError(
            f"‹{text.strip()[:40]}› isn't a time zone I know; use an IANA name like Europe/Berlin or America/New_York."
        )
    return zone


def _day(word: str) -> int:
    if word in DAY_NAMES:
        return DAY_NAMES.index(word)
    if word in _LONG_NAMES:
        return _LONG_NAMES.index(word)
    raise ScheduleError(f"‹{word[:20]}› isn't a weekday; use mon, tue, wed, thu, fri, sat or sun.")


def parse_days(text: str) -> tuple[int, ...]:
    """'mon-fri', 'mon,wed,fri', 'fri-mon' (wraps), 'weekdays', 'weekends', 'daily' -> sorted weekday ints."""
    spec = "".join(text.lower().split()).replace("_", "")
    if spec in _NAMED_SETS:
        return _NAMED_SETS[spec]
    days: set[int] = set()
    for part in (p for p in spec.split(",") if p):
        if "-" in part:
            first, _, last = part.partition("-")
            if not first or not last:
                raise ScheduleError(f"‹{part[:20]}› is an incomplete weekday range; write it like mon-fri.")
            start, end = _day(first), _day(last)
            days.update((start + i) % 7 for i in range((end - start) % 7 + 1))
        else:
            days.add(_day(part))
    if not days:
        raise ScheduleError("That schedule has no weekdays; give some, like mon-fri, mon,wed,fri or daily.")
    return tuple(sorted(days))


def looks_like_days(text: str) -> bool:
    """Whether a token was meant as a weekday spec (so its error message should be about weekdays)."""
    spec = text.strip().lower()
    if "," in spec or "-" in spec:
        return True
    return spec in _NAMED_SETS or spec in DAY_NAMES or spec in _LONG_NAMES


def format_days(days: tuple[int, ...]) -> str:
    """The shortest spec that parses back to `days`: 'daily', 'mon-fri', 'weekends' or 'mon,wed,fri'."""
    if days == ALL_DAYS:
        return "daily"
    if days == WEEKDAYS:
        return "mon-fri"
    if days == (5, 6):
        return "weekends"
    if len(days) >= 3 and days == tuple(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
    return ",".join(DAY_NAMES[d] for d in days)


def cron_days(days: tuple[int, ...]) -> str:
    """APScheduler CronTrigger `day_of_week` for these days (it uses the same mon..sun names)."""
    return ",".join(DAY_NAMES[d] for d in days)


def parse_skill(text: str) -> str:
    """A skill name or alias ('reflections', 'open-questions') -> the canonical skill."""
    skill = SKILL_ALIASES.get(normalise_name(text))
    if skill is None:
        raise ScheduleError(f"‹{text.strip()[:30]}› isn't a skill I know; try open_questions, reflections, "
                            "affirmations, summaries, empathy or autonomy.")
    return skill


def _fire_on(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local `at` on `day`. PEP 495 fold=0 gives exactly the documented DST rules."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_fire(after: datetime, at: time, tz: str, days: tuple[int, ...]) -> datetime:
    """The first firing strictly after `after` (aware), in UTC."""
    if after.tzinfo is None:
        raise ValueError("`after` must be timezone-aware")
    if not days:
        raise ScheduleError("no weekdays")
    zone = ZoneInfo(tz)
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(9):
        day = start + timedelta(days=offset)
        if day.weekday() in days:
            fire = _fire_on(day, at, zone)
            if fire > after:
                return fire
    raise AssertionError("unreachable: some weekday is always within 8 days")


def last_fire(now: datetime, at: time, tz: str, days: tuple[int, ...]) -> datetime:
    """The most recent firing at or before `now` (aware), in UTC: what a restarted scheduler may owe."""
    if now.tzinfo is None:
        raise ValueError("`now` must be timezone-aware")
    if not days:
        raise ScheduleError("no weekdays")
    zone = ZoneInfo(tz)
    end = now.astimezone(zone).date() + timedelta(days=1)
    for offset in range(9):
        day = end - timedelta(days=offset)
        if day.weekday() in days:
            fire = _fire_on(day, at, zone)
            if fire <= now:
                return fire
    raise AssertionError("unreachable: some weekday is always within 8 days")


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date of a firing in the schedule's zone: the key of its once-per-day claim."""
    return moment.astimezone(ZoneInfo(tz)).date()


def iso_week(day: str) -> str:
    """'2026-03-02' -> '2026-W10': the week a weekly claim (a role-play invitation) counts for."""
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def lateness(due: datetime, now: datetime) -> timedelta:
    return now - due
