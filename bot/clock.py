"""The current time, injectable: real time, or a fixed instant (OARS_NOW) for demos and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Real time unless a fixed instant is given; tests may move a fixed clock with `advance`."""

    def __init__(self, fixed: datetime | None = None) -> None:
        if fixed is not None and fixed.tzinfo is None:
            raise ValueError("OARS_NOW needs a UTC offset, e.g. 2026-03-02T09:00:00+01:00")
        self._fixed = fixed

    def now(self) -> datetime:
        return self._fixed if self._fixed is not None else datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a fixed time needs a UTC offset")
        self._fixed = moment

    def advance(self, delta: timedelta) -> None:
        self._fixed = self.now() + delta
