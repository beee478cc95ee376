"""Drill delivery: choose a drill for a member or a channel, open it, show hints, note channel posts.

The engine (bot.engine) routes commands here and the outbox asks for scheduled drills through the engine; this
class owns only the choosing and opening, so the conversation flow and the answer path stay readable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from bot import replies
from bot.clock import Clock
from bot.commands import resolve_drill_target
from bot.messages import Inbound, Reply
from bot.store import MemberRef, OpenDrill, Store
from bot.team_data import TeamData
from bot.text import quote_user_text
from exercises.catalogue import Catalogue
from exercises.choice import arranged
from exercises.model import Drill
from exercises.practice import choose_drill
from exercises.vocabulary import SKILLS


class DrillDesk:
    """Chooses and opens drills; the member's open drill lives in Redis (bot.store)."""

    def __init__(self, store: Store, clock: Clock, catalogue: Catalogue, rng: random.Random, team: TeamData) -> None:
        self.store = store
        self.clock = clock
        self.catalogue = catalogue
        self.rng = rng
        self.team = team

    async def pick(self, member: MemberRef, skill: str | None = None, kind: str | None = None,
                         focus: Sequence[str] = ()) -> Drill | None:
        skills = await self.store.skills(member)
        seen = await self.store.seen(member)
        return choose_drill(self.catalogue, skills, seen, self.clock.now(), self.rng, skill=skill, kind=kind,
                            focus=focus)

    async def new_drill(self, member: MemberRef, msg: Inbound | None, target: str, intro: str = "") -> Reply:
        resolved = resolve_drill_target(target)
        if resolved is None:
            return Reply(
                f"I don't know ‹{quote_user_text(target, 40)}› as a skill or drill kind. "
                f"Try one of: {replies.skills_list()}, or just `drill`.",
                choices=(replies.ANOTHER,),
            )
        drill = await self.pick(member, *resolved)
        if drill is None:
            return Reply("I have no drill of that kind yet. Type `drill` for any skill.", choices=(replies.ANOTHER,))
        channel = msg.channel if msg else ""
        await self.store.set_open_drill(member, OpenDrill(drill.id, self.clock.now().isoformat(), 0, channel))
        return replies.drill_reply(arranged(drill, member.pid), intro)

    async def member_drill(self, member: MemberRef, intro: str = "") -> Reply | None:
        """Open a drill for a scheduled reminder; None when the member paused reminders."""
        if (await self.store.profile(member)).paused:
            return None
        return await self.new_drill(member, None, "", intro=intro or "Your daily drill is here.")

    async def channel_drill(self, focus: Sequence[str] = ()) -> tuple[Reply, Drill]:
        """A free-text drill for a channel; replies in its thread are graded per member."""
        skills = [s for s in focus if s in SKILLS] or list(SKILLS)
        for _ in range(20):
            drill = choose_drill(self.catalogue, {}, {}, self.clock.now(), self.rng, focus=skills)
            if drill is not None and not drill.one_click:
                break
        else:
            drill = next(d for d in self.catalogue.drills.values() if not d.one_click)
        reply = replies.drill_reply(drill, "Today's team drill. Reply in this thread; feedback comes to you privately.")
        return replace(reply, choices=()), drill

    async def remember_channel_post(self, platform: str, workspace: str, channel: str, thread: str,
                                    drill_id: str) -> None:
        await self.store.remember_thread_drill(platform, workspace, channel, thread, drill_id)
        await self.team.note_channel_post(platform, workspace, channel, thread, drill_id, self.clock.now())

    async def hint(self, member: MemberRef) -> Reply:
        open_drill = await self.store.open_drill(member)
        drill = self.catalogue.drill(open_drill.drill_id) if open_drill else None
        if drill is None:
            return Reply("No drill is open. Type `drill` to get one.", choices=(replies.ANOTHER,))
        hints = replies.hints_for(drill)
        shown = open_drill.hints if open_drill else 0
        if open_drill is not None and shown < len(hints):
            await self.store.set_open_drill(member, replace(open_drill, hints=shown + 1))
        return replies.hint_reply(hints, shown)
