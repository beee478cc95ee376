"""The role-play flow: start a session, take each member turn, end with a report. State lives in Redis.

The engine routes here first (`route`): `roleplay …`, `coach on|off`, and, while a session is open in a
direct chat, every message is the member's next line to the simulated client, except `end` and commands
that cannot be mistaken for conversation. Each turn is coded by the MI coder with the conversation so far
as context, fed to the pure session in `exercises.roleplay`, and written back in one WATCH/MULTI/EXEC.

Keys (member hash tag, so Cluster-safe):
  oars:m:{pid}:roleplay    string JSON {session, thread, ids} of the open role-play (TTL 24 h from the last turn)
  oars:m:{pid}:roleplays   list   report summaries, newest first (50 kept), for `progress`
  oars:m:{pid}:profile     field `roleplay_coach` = "1" when `coach on`
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from redis.exceptions import WatchError

from bot import roleplay_replies as words
from bot.clock import Clock
from bot.commands import parse
from bot.intent import classify
from bot.messages import Inbound, Reply
from bot.store import MemberRef, Store
from bot.text import MAX_ANSWER_CHARS, has_words, quote_user_text
from exercises.coder import code
from exercises.grading.text import not_english
from exercises.roleplay import Case, Session, build_report, cases, closing_line, find_cases, start, step

log = logging.getLogger(__name__)
ROLEPLAY_TTL = 24 * 3600
HISTORY_KEEP = 50
_KEEP_IDS = 30
_START = re.compile(r"^\s*(?:/oars\s+|oars:?\s+|!)?role[- ]?plays?\b\s*(.*)$", re.IGNORECASE | re.DOTALL)
_COACH = re.compile(r"^\s*(?:/oars\s+)?coach\s+(on|off)\s*[.!]?\s*$", re.IGNORECASE)
_SEED = re.compile(r"\bseed\s+(\d{1,9})\b", re.IGNORECASE)
END_WORDS = frozenset({"end", "stop", "quit", "done", "finish", "end roleplay", "end role-play", "stop roleplay",
                       "/oars end", "report"})
BLOCKED = frozenset({"drill", "skip", "hint"})
HELP_WORDS = frozenset({"help", "?", "", "commands"})
_ASIDES = frozenset({"how", "rules", "explain", "list", "cases", "help"})  # `roleplay <these>` opens nothing


def _tip_request(text: str) -> bool:
    """'tip <situation>' that says nothing to the client ('tip: you could try…' would): a question for the coach."""
    said = classify(text, has_open_drill=True)
    return said.kind == "command" and said.command is not None and said.command.name == "tip"


@dataclass
class Open:
    """The stored role-play: the session plus where Slack threads it and the message ids already taken."""

    session: Session
    thread: str = ""
    ids: list[str] = field(default_factory=list)

    def dumps(self) -> str:
        return json.dumps({"session": self.session.to_dict(), "thread": self.thread, "ids": self.ids},
                          ensure_ascii=False)

    @classmethod
    def loads(cls, raw: str) -> Open:
        data = json.loads(raw)
        return cls(Session.from_dict(data["session"]), str(data.get("thread") or ""), list(data.get("ids") or ()))


class RoleplayFlow:
    def __init__(self, store: Store, clock: Clock, rng: random.Random) -> None:
        self.store = store
        self.clock = clock
        self.rng = rng
        self.redis: Any = store.redis
        # `roleplay join` / *Count me in* under a channel's weekly role-play (bot.weekly_roleplay, set by bot.app)
        self.on_join: Callable[[MemberRef, Inbound], Awaitable[list[Reply]]] | None = None

    def _key(self, member: MemberRef) -> str:
        return self.store.key(member, "roleplay")

    def _history_key(self, member: MemberRef) -> str:
        return self.store.key(member, "roleplays")

    async def current(self, member: MemberRef, raw: str | None = None) -> Open | None:
        """The open role-play; `raw` is its stored JSON when the caller read it already ("" for none)."""
        if raw is None:
            raw = await self.redis.get(self._key(member))
        if not raw:
            return None
        try:
            return Open.loads(raw)
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable role-play state for %s dropped", member.pid)
            await self.redis.delete(self._key(member))
            return None

    async def remember_thread(self, member: MemberRef, thread: str) -> None:
        """Slack: the intro's ts, so the rest of the session is threaded under it."""
        open_ = await self.current(member)
        if open_ is not None and not open_.thread:
            open_.thread = thread
            await self.redis.set(self._key(member), open_.dumps(), keepttl=True)

    async def coach(self, member: MemberRef) -> bool:
        return await self.redis.hget(self.store.key(member, "profile"), "roleplay_coach") == "1"

    # --- routing ---------------------------------------------------------------------------------
    async def route(self, member: MemberRef, msg: Inbound, text: str, known: str | None = None
                    ) -> list[Reply] | None:
        """Replies when this message belongs to role-play, else None (the engine carries on). `known`: the
        role-play's stored JSON as the message's claim read it (bot.store.Turn.roleplay), None to read it."""
        action = msg.action or ""
        if action == "roleplay" or action.startswith("roleplay:"):
            target = action.partition(":")[2]
            if target == "end":
                return await self._end(member)
            if target == "join":
                return await self._join(member, msg)
            open_ = None if target.lower() in _ASIDES else await self.current(member)
            if open_ is not None:  # an old start button (or a weekly invitation) must not wipe a session
                return [self._already(open_)]
            return await self._start(member, msg, target)
        coach = _COACH.match(text)
        if coach and not action:
            on = coach.group(1).lower() == "on"
            await self.redis.hset(self.store.key(member, "profile"), "roleplay_coach", "1" if on else "0")
            return [Reply("Coach nudges are on: after an unhelpful move in a role-play you'll get one line of advice."
                          if on else "Coach nudges are off. Your report still lists every move.")]
        started = _START.match(text) if not action else None
        open_ = await self.current(member, known)
        if started and started.group(1).strip().lower() == "join":
            return await self._join(member, msg)
        if started:
            if open_ is not None and started.group(1).strip().lower() not in _ASIDES:  # 'roleplay how' opens nothing
                return [self._already(open_)]
            return await self._start(member, msg, started.group(1))
        if open_ is None or not msg.is_direct:
            return None
        if action:
            if action in {"another", "skip", "hint"} or action.startswith(("drill", "choice:")):
                return [self._finish_first(open_)]
            return None
        lowered = text.lower().strip().rstrip(".!")
        if lowered in END_WORDS:
            return await self._end(member)
        command = parse(text, has_open_drill=True)
        if command is None and _tip_request(text):
            return None  # 'tip client is defensive' asks the coach, not the client: the engine answers it
        if command is not None:
            if command.name == "help" and lowered.removeprefix("/oars").strip() in HELP_WORDS:
                return [Reply(words.HELP, choices=(words.END,))]
            if command.name == "help":  # "Hi!" or "Hello" is how many conversations open
                return await self._turn(member, msg, text)
            if command.name in BLOCKED:
                return [self._finish_first(open_)]
            return None
        return await self._turn(member, msg, text)

    async def _join(self, member: MemberRef, msg: Inbound) -> list[Reply]:
        if self.on_join is None:
            return [Reply("Weekly role-plays aren't switched on in this installation; type `roleplay` in our "
                          "direct chat to play one now.", private=True)]
        return await self.on_join(member, msg)

    @staticmethod
    def _already(open_: Open) -> Reply:
        case = cases().get(open_.session.case_id)
        name = case.client if case else "your client"
        return Reply(f"You're in a role-play with {name} already. Carry on, or type `end` for your report "
                     "before starting another.", choices=(words.END,))

    def _finish_first(self, open_: Open) -> Reply:
        case = cases().get(open_.session.case_id)
        name = case.client if case else "your client"
        return Reply(f"{name} is still waiting for your reply. Type `end` to finish the role-play and see your "
                     "report first; drills are there afterwards.", choices=(words.END,))

    # --- start -----------------------------------------------------------------------------------
    async def _start(self, member: MemberRef, msg: Inbound, args: str) -> list[Reply]:
        if not msg.is_direct:
            return [Reply("Role-plays happen in a direct chat with me: open our DM and type `roleplay`.",
                          private=True)]
        seed_match = _SEED.search(args)
        seed = int(seed_match.group(1)) if seed_match else self.rng.randrange(1, 1_000_000)
        target = _SEED.sub("", args).strip()
        if target.lower() in {"how", "rules", "explain"}:
            return [Reply(words.HOW, choices=(words.AGAIN,))]
        if target.lower() in {"list", "cases", "help"}:
            return [Reply("*Role-play cases*\n" + words.cases_list(list(cases().values())) +
                          "\nType `roleplay <case>`, `roleplay <setting>` (e.g. `roleplay health`) or "
                          "`roleplay <skill>`. `roleplay how` explains how the client reacts.",
                          choices=(words.AGAIN,))]
        found = find_cases(target)
        if not found:
            return [Reply(f"I have no role-play for ‹{quote_user_text(target, 40)}›. Try a setting "
                          "(team lead, sales, HR, customer success, coaching, health, education, family), a skill, "
                          "or `roleplay list`.", choices=(words.AGAIN,))]
        case = self._pick(found, seed, await self._recent_cases(member))
        session = start(case, seed)
        await self.redis.set(self._key(member), Open(session, ids=[msg.message_id]).dumps(), ex=ROLEPLAY_TTL)
        had_drill = await self.store.open_drill(member) is not None
        await self.store.clear_open_drill(member)  # the next message is for the client, not a drill
        intro = words.intro_reply(case, session, await self.coach(member))
        if had_drill:
            intro = replace(intro, text=words.DRILL_PUT_AWAY + "\n" + intro.text)
        return [intro]

    @staticmethod
    def _pick(found: list[Case], seed: int, recent: list[str]) -> Case:
        fresh = [c for c in found if c.id not in recent] or found
        return random.Random(f"roleplay:{seed}:pick").choice(sorted(fresh, key=lambda c: c.id))

    async def _recent_cases(self, member: MemberRef) -> list[str]:
        rows = await self.redis.lrange(self._history_key(member), 0, 5)
        return [json.loads(r).get("case", "") for r in rows]

    # --- one turn --------------------------------------------------------------------------------
    async def _turn(self, member: MemberRef, msg: Inbound, text: str) -> list[Reply]:
        problem = self._unusable(text)
        if problem:
            return [Reply(problem, choices=(words.END,))]
        key = self._key(member)
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    if not raw:
                        await pipe.unwatch()
                        return [Reply("That role-play has ended. Type `roleplay` to start another.",
                                      choices=(words.AGAIN,))]
                    open_ = Open.loads(raw)
                    case = cases().get(open_.session.case_id)
                    if case is None:
                        await pipe.unwatch()
                        await self.redis.delete(key)
                        return [Reply("That role-play's case is no longer available. Type `roleplay` for another.",
                                      choices=(words.AGAIN,))]
                    if msg.message_id in open_.ids:  # taken before a crash: the same answer, counted once
                        await pipe.unwatch()
                        taken = open_.ids.index(msg.message_id) + max(0, len(open_.session.turns) + 1 - len(open_.ids))
                        if taken < 1:
                            return []
                        again = replace(open_.session, turns=open_.session.turns[:taken])
                        return [words.client_reply(case, again, open_.thread)]
                    # off the event loop: the coder may become a heavier learned model (#14 brief)
                    coding = await asyncio.to_thread(code, text, open_.session.context())
                    session = step(open_.session, case, text, coding.code, coding.confidence)
                    open_.session = session
                    open_.ids = [*open_.ids, msg.message_id][-_KEEP_IDS:]
                    pipe.multi()
                    if session.finished:
                        pipe.delete(key)
                        self._queue_history(pipe, member, session, case, msg.message_id)
                    else:
                        pipe.set(key, open_.dumps(), ex=ROLEPLAY_TTL)
                    await pipe.execute()
                    break
                except WatchError:
                    continue
        replies = [words.client_reply(case, session, open_.thread)]
        if await self.coach(member):
            nudge = words.nudge_reply(session.turns[-1], case, open_.thread)
            replies += [nudge] if nudge else []
        if session.finished:
            replies.append(self._report(session, case, open_.thread))
        return replies

    @staticmethod
    def _unusable(text: str) -> str | None:
        if not text:
            return "Your message came through empty. Say something to the client, or type `end` for your report."
        if len(text) > MAX_ANSWER_CHARS:
            return (f"That's {len(text):,} characters: more than anyone says in one turn. Try it in a sentence "
                    "or two; the client is still waiting.")
        if not has_words(text):
            return "The client can't respond to emoji or symbols alone. Try it in words; the role-play is still open."
        if not any(ch.isalpha() for ch in text):
            return ("The client can't respond to a number alone. Say it in words; this turn isn't counted and the "
                    "client is still waiting.")
        if not_english(text):
            return ("I couldn't read that as English, and the role-plays are in English for now. Try it in English; "
                    "this turn isn't counted and the client is still waiting.")
        return None

    # --- end and report --------------------------------------------------------------------------
    async def _end(self, member: MemberRef) -> list[Reply]:
        key = self._key(member)
        async with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    if not raw:
                        await pipe.unwatch()
                        return [Reply("No role-play is open. Type `roleplay` to start one.",
                                      choices=(words.AGAIN, words.DRILL))]
                    open_ = Open.loads(raw)
                    case = cases().get(open_.session.case_id)
                    pipe.multi()
                    pipe.delete(key)
                    if case is not None and open_.session.turns:
                        self._queue_history(pipe, member, open_.session, case, "end")
                    await pipe.execute()
                    break
                except WatchError:
                    continue
        if case is None or not open_.session.turns:
            return [Reply("Role-play ended before you said anything to the client, so there's nothing to report. "
                          "Type `roleplay` to try again.", choices=(words.AGAIN, words.DRILL))]
        return [self._report(open_.session, case, open_.thread)]

    def _report(self, session: Session, case: Case, thread: str) -> Reply:
        return words.report_reply(build_report(session, case), case, closing_line(session, case), thread)

    def _queue_history(self, pipe: Any, member: MemberRef, session: Session, case: Case, via: str) -> None:
        report = build_report(session, case)
        row = {"case": case.id, "at": self.clock.now().isoformat(), "seed": session.seed, "turns": report.turns,
               "via": via, **{k: v for k, v in report.contract().items() if k != "globals"}, **report.globals}
        pipe.lpush(self._history_key(member), json.dumps(row))
        pipe.ltrim(self._history_key(member), 0, HISTORY_KEEP - 1)

    async def history(self, member: MemberRef, limit: int = 20) -> list[dict[str, Any]]:
        rows = await self.redis.lrange(self._history_key(member), 0, limit - 1)
        return [json.loads(r) for r in rows]

    async def with_trend(self, member: MemberRef, reply: Reply) -> Reply:
        """`progress` plus the role-play trend (text and `extra["roleplay_trend"]` for cards)."""
        history = await self.history(member)
        lines = words.trend_lines(history)
        extra = {**reply.extra, "roleplay_trend": list(reversed(history[:5])), "roleplay_trend_text": lines}
        return replace(reply, text=reply.text + "\n" + "\n".join(lines), extra=extra)
