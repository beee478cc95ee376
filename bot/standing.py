"""How a member stands: streak and progress as replies and home-screen parts.

Split from the engine because it only reads: the streak as it stands on the member's local day, and
progress counted in drills answered (not attempts), from the member's seen drills.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import replies
from bot.clock import Clock
from bot.messages import ProgressPart, Reply, StreakPart
from bot.store import MemberRef, Store
from exercises.catalogue import Catalogue
from exercises.streaks import as_of, lapsed, local_day, practised_at
from exercises.vocabulary import SKILLS


@dataclass(frozen=True)
class Overview:
    """Everything a home screen shows about one member."""

    streak: StreakPart
    progress: ProgressPart
    tz: str
    reminder: str
    paused: bool


class Standing:
    def __init__(self, store: Store, clock: Clock, catalogue: Catalogue, default_tz: str) -> None:
        self.store = store
        self.clock = clock
        self.catalogue = catalogue
        self.default_tz = default_tz

    async def streak_reply(self, member: MemberRef) -> Reply:
        now, tz = self.clock.now(), (await self.store.profile(member)).tz or self.default_tz
        today = local_day(now, tz)
        stored = await self.store.streak(member)
        return replies.streak_reply(as_of(stored, today), practised_at(stored, now, tz), stored, lapsed(stored, today))

    async def progress(self, member: MemberRef) -> ProgressPart:
        """Mastery per skill and how many different drills of it were answered (a retry is not a new drill)."""
        skills = await self.store.skills(member)
        drills: dict[str, int] = {}
        for drill_id in await self.store.seen(member):
            drill = self.catalogue.drill(drill_id)
            if drill is not None:
                drills[drill.skill] = drills.get(drill.skill, 0) + 1
        rows = []
        for skill in SKILLS:
            state = skills.get(skill)
            rows.append((skill, state.mastery if state else 0.0, drills.get(skill, 0)))
        return ProgressPart(tuple(rows))

    async def overview(self, member: MemberRef) -> Overview:
        """Streak, progress and settings in one read, for home screens."""
        profile = await self.store.profile(member)
        tz = profile.tz or self.default_tz
        stored = await self.store.streak(member)
        now = self.clock.now()
        today = local_day(now, tz)
        streak = as_of(stored, today)
        part = StreakPart(streak.current, streak.longest, streak.freezes, practised_at(stored, now, tz))
        return Overview(part, await self.progress(member), tz, profile.reminder, profile.paused)
