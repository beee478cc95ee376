"""Streak arithmetic on the member's local calendar: pure functions over dates.

Rules (practice is what counts, so any verdict counts):
- a day counts when the member answers at least one drill on that local date;
- each 7 consecutive practice days earn one freeze; at most 2 are held;
- each held freeze silently bridges one missed day; a gap longer than the freezes held restarts at 1;
- a local date earlier than the last one (a time-zone change westwards) counts as the same day.
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

    def to_fields(self) -> dict[str, str]:
        return {
            "current": str(self.current),
            "longest": str(self.longest),
            "freezes": str(self.freezes),
            "last_day": self.last_day.isoformat() if self.last_day else "",
        }

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> Streak:
        last = fields.get("last_day") or ""
        return cls(
            current=int(fields.get("current") or 0),
            longest=int(fields.get("longest") or 0),
            freezes=int(fields.get("freezes") or 0),
            last_day=date.fromisoformat(last) if last else None,
        )


def local_day(moment: datetime, tz: str) -> date:
    """The calendar date of `moment` where the member lives (DST-safe through zoneinfo)."""
    return moment.astimezone(ZoneInfo(tz)).date()


def record_practice(streak: Streak, day: date) -> Streak:
    """Fold one practised local day into the streak."""
    if streak.last_day is None:
        current, freezes = 1, streak.freezes
    else:
        gap = (day - streak.last_day).days
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
    return Streak(current, max(streak.longest, current), freezes, day)


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
