"""Streak arithmetic on the member's local calendar: pure functions over dates.

Rules (practice is what counts, so any verdict counts):
- a day counts when the member answers at least one drill on that local date;
- each 7 consecutive practice days earn one freeze; at most 2 are held;
- each held freeze silently bridges one missed day; a gap longer than the freezes held restarts at 1;
- after a time-zone change, the day gap is read on both calendars (old and new zone) and the kinder
  reading wins, so flying east never breaks a streak and flying west never counts a day twice; but a
  practice on the same day as the last one on the old calendar is that same day, so changing the zone
  (to UTC+14 and back) never adds a day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

FREEZE_EVERY = 7
MAX_FREEZES = 2


@dataclass(frozen=True)
class Streak:
    current: int = 0
    longest: int = 0
    freezes: int = 0
    last_day: date | None = None
    tz: str = ""

    def to_fields(self) -> dict[str, str]:
        return {
            "current": str(self.current),
            "longest": str(self.longest),
            "freezes": str(self.freezes),
            "last_day": self.last_day.isoformat() if self.last_day else "",
            "tz": self.tz,
        }

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Streak:
        last = fields.get("last_day") or ""
        return cls(
            current=int(fields.get("current") or 0),
            longest=int(fields.get("longest") or 0),
            freezes=int(fields.get("freezes") or 0),
            last_day=date.fromisoformat(last) if last else None,
            tz=fields.get("tz") or "",
        )


def local_day(moment: datetime, tz: str) -> date:
    """The calendar date of `moment` where the member lives (DST-safe through zoneinfo)."""
    return moment.astimezone(ZoneInfo(tz)).date()


def practice_at(streak: Streak, moment: datetime, tz: str) -> Streak:
    """Fold a practice at `moment` by a member living in `tz` into the streak."""
    day = local_day(moment, tz)
    alt = local_day(moment, streak.tz) if streak.tz and streak.tz != tz else None
    return record_practice(streak, day, alt_day=alt, tz=tz)


def _gap(last: date, day: date, alt_day: date | None) -> int:
    """Days since the last practice; with two calendars: 0 if the old one says so (the same day where it was
    recorded: moving the clock forward is not a new day), else exactly 1 if either says so, else the smaller."""
    if alt_day is not None and alt_day <= last:
        return 0
    gaps = {(day - last).days} | ({(alt_day - last).days} if alt_day else set())
    if 1 in gaps:
        return 1
    return max(0, min(gaps))


def record_practice(streak: Streak, day: date, alt_day: date | None = None, tz: str = "") -> Streak:
    """Fold one practised local day into the streak (`alt_day`: the same instant on the old calendar)."""
    if streak.last_day is None:
        current, freezes = 1, streak.freezes
    else:
        gap = _gap(streak.last_day, day, alt_day)
        if gap <= 0:
            return streak
        missed = gap - 1
        if missed == 0:
            current, freezes = streak.current + 1, streak.freezes
        elif missed <= streak.freezes:
            current, freezes = streak.current + 1, streak.freezes - missed
        else:
            current, freezes = 1, streak.freezes
    if current % FREEZE_EVERY == 0:
        freezes = min(MAX_FREEZES, freezes + 1)
    return Streak(current, max(streak.longest, current), freezes, day, tz or streak.tz)


def as_of(streak: Streak, today: date) -> Streak:
    """The streak as it stands today: broken (0) once the missed days exceed the freezes held."""
    if streak.last_day is None:
        return streak
    missed = max(0, (today - streak.last_day).days - 1)
    if missed == 0:
        return streak
    if missed <= streak.freezes:
        return replace(streak, freezes=streak.freezes - missed)
    return replace(streak, current=0)


@dataclass(frozen=True)
class StreakNews:
    """What one practice did to the streak, so the member can be told in words (nothing when `same_day`)."""

    same_day: bool  # already practised today: the streak did not move
    started: bool  # the first practice ever
    ended: int  # a streak of this many days had lapsed; this practice starts a new one (0: none lapsed)
    freezes_used: int  # missed days bridged by freezes
    freeze_earned: bool
    new_best: bool


def news(before: Streak, after: Streak) -> StreakNews:
    """Compare the stored streak before and after one practice."""
    if before.last_day is not None and after.last_day == before.last_day and after.current == before.current:
        return StreakNews(True, False, 0, 0, False, False)
    started = before.last_day is None
    restarted = not started and after.current == 1 and before.current >= 1
    continued = not started and not restarted
    spent = max(0, before.freezes - after.freezes + (1 if after.current % FREEZE_EVERY == 0 else 0))
    used = spent if continued and after.current == before.current + 1 else 0
    earned = after.freezes > before.freezes or (after.current % FREEZE_EVERY == 0 and after.current > 0)
    return StreakNews(False, started, before.current if restarted else 0, used, earned and continued,
                      continued and after.current > before.longest and after.current > 1)


def practised_on(stored: Streak, today: date, today_where_recorded: date | None = None) -> bool:
    """Whether today is practised: the last day is today or, after the zone moved west, 'tomorrow'; or, after it
    moved east, today on the calendar of the zone the last day was recorded in (`today_where_recorded`)."""
    if stored.last_day is None:
        return False
    return stored.last_day >= today or (today_where_recorded is not None and stored.last_day >= today_where_recorded)


def practised_at(stored: Streak, moment: datetime, tz: str) -> bool:
    """practised_on for the member's today at `moment` in `tz`, and on the calendar the streak was recorded in."""
    return practised_on(stored, local_day(moment, tz), local_day(moment, stored.tz) if stored.tz else None)


def lapsed(stored: Streak, today: date) -> int:
    """Missed days since the last practice (0 when it was today or yesterday)."""
    if stored.last_day is None:
        return 0
    return max(0, (today - stored.last_day).days - 1)
