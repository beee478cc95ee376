"""The engine: one neutral message in, neutral replies out. Platform-free and Redis-backed.

Adapters call `handle`; the scheduler calls `member_drill` / `channel_drill`. Command handlers that
need settings arithmetic live in `bot.settings_commands`; manager scheduling is delegated to the
`ScheduleCommands` the composition root plugs in.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import replace
from typing import Protocol

from redis.exceptions import RedisError

from bot import answering, replies
from bot.admission import Admission, Busy
from bot.clock import Clock
from bot.commands import Command, did_you_mean, parse
from bot.drill_desk import DrillDesk
from bot.grading_pool import GraderBusy, GradingPool, shared_pool
from bot.inbox import new_token
from bot.intent import classify, small_talk_kind
from bot.messages import Choice, Inbound, Reply, replies_from_json, replies_to_json
from bot.report_commands import ReportCommands
from bot.roleplay import RoleplayFlow
from bot.settings_commands import SettingsCommands
from bot.standing import Overview, Standing
from bot.store import MemberRef, OpenDrill, Store, Turn
from bot.team_data import TeamData
from bot.text import MAX_ANSWER_CHARS, clean_input, quote_user_text, unanswerable, without_mentions
from exercises.catalogue import Catalogue, load_catalogue
from exercises.choice import arranged, grade_choice, option_index
from exercises.grading.text import not_english
from exercises.model import Drill, Verdict

log = logging.getLogger(__name__)
MAX_ATTEMPTS = answering.MAX_ATTEMPTS
_TURN: ContextVar[Turn | None] = ContextVar("oars_turn", default=None)  # the message being handled
PERSONAL_COMMANDS = frozenset({"streak", "progress", "settings", "pause", "resume", "forget"})
FORGOTTEN = Reply("Done. I've deleted your streak, progress, settings and history.", private=True)


class _AnswerProgress:
    """How far the current message got with saving an answer, so a failure reply never claims
    "nothing was recorded" when it was (or may have been)."""

    def __init__(self) -> None:
        self.state = ""  # "", "writing" (the transaction was sent), "saved"

    def failure_text(self, nothing_saved: str) -> str:
        if self.state == "saved":
            return replies.SAVED_WITHOUT_FEEDBACK
        if self.state == "writing":
            return replies.SAVE_UNCONFIRMED
        return nothing_saved


_PROGRESS: ContextVar[_AnswerProgress | None] = ContextVar("oars_answer_progress", default=None)


class ScheduleCommands(Protocol):
    """Manager scheduling (`schedule …`), provided by the scheduler side of the app."""

    async def handle(self, msg: Inbound, args: str) -> list[Reply]: ...


class Engine:
    def __init__(
        self,
        store: Store,
        clock: Clock | None = None,
        catalogue: Catalogue | None = None,
        rng: random.Random | None = None,
        schedules: ScheduleCommands | None = None,
        default_tz: str = "UTC",
        grader: GradingPool | None = None,
        admission: Admission | None = None,
    ) -> None:
        self.store = store
        self.grader = grader or shared_pool()
        self.admission = admission or Admission()
        self.clock = clock or Clock()
        self.catalogue = catalogue or load_catalogue()
        self.rng = rng or random.Random()
        self.schedules = schedules
        self.default_tz = default_tz
        self.settings = SettingsCommands(store, default_tz)
        self.roleplay = RoleplayFlow(store, self.clock, self.rng)
        self.team = TeamData(store, default_tz)  # what team reports read (bot.team_data)
        self.standing = Standing(store, self.clock, self.catalogue, default_tz)
        self.reports = ReportCommands(self.team, self.clock)
        self.drills = DrillDesk(store, self.clock, self.catalogue, self.rng, self.team)

    # --- entry point -----------------------------------------------------------------------------
    async def handle(self, msg: Inbound) -> list[Reply]:
        """Answer one inbound message. A redelivered message id gets no reply, unless the first
        handler died or failed to send: then it is handled anew or gets the kept replies (bot.inbox).
        Past capacity it waits its turn, or gets a polite "send it again" with nothing recorded (bot.admission)."""
        if not msg.user or not msg.message_id:
            log.info("%s message without user or id ignored", msg.platform)
            return []
        try:
            async with self.admission.slot():
                return await self._handle(msg)
        except Busy as busy:
            log.warning("too busy: asked %s to send %s again (%s)", msg.user, msg.message_id, busy)
            return [Reply(replies.BUSY, private=True)]

    async def _handle(self, msg: Inbound) -> list[Reply]:
        member = MemberRef(msg.platform, msg.workspace, msg.user)
        try:
            turn = await self.store.begin(member, msg.message_id, new_token())
        except (RedisError, OSError):
            log.warning("store unreachable while claiming %s", msg.message_id, exc_info=True)
            return [Reply(replies.STORE_DOWN, private=True)]
        key = self.store.inbox_key(member, msg.message_id)
        if turn.claim.state == "replay":
            log.info("redelivery %s/%s: replaying our earlier replies", msg.platform, msg.message_id)
            self.store.leases.hold(key, turn.token)
            return replies_from_json(turn.claim.replies or "[]")
        if turn.claim.state != "new":
            log.info("duplicate delivery %s/%s ignored (%s)", msg.platform, msg.message_id, turn.claim.state)
            return []
        self.store.leases.hold(key, turn.token)
        progress = _AnswerProgress()
        progress_token, current = _PROGRESS.set(progress), _TURN.set(turn)
        try:
            answer = await self._dispatch(msg, turn)
        except (RedisError, OSError):
            log.warning("store unreachable while handling %s", msg.message_id, exc_info=True)
            await self._give_up(msg, progress)
            return [Reply(progress.failure_text(replies.STORE_DOWN), private=True)]
        except Exception:
            log.exception("failed to handle %s", msg.message_id)
            await self._give_up(msg, progress)
            return [Reply(progress.failure_text(replies.OOPS), private=True)]
        finally:
            _PROGRESS.reset(progress_token)
            _TURN.reset(current)
        payload = replies_to_json(answer)
        if payload != turn.kept:
            try:
                await self.store.keep_replies(member, msg.message_id, turn.token, payload)
            except (RedisError, OSError):  # the answer stands; only a replay after a failed send is lost
                log.warning("could not keep the replies to %s; sending them anyway", msg.message_id)
        return answer

    async def _give_up(self, msg: Inbound, progress: _AnswerProgress) -> None:
        """Nothing written: let the platform's retry through. An answer sent or saved: keep the claim (its
        lease runs out), so a redelivery finds the answer recorded and is told so, counted once."""
        if progress.state:
            self.store.leases.let_go(self.store.inbox_key(MemberRef(msg.platform, msg.workspace, msg.user),
                                                          msg.message_id))
        else:
            await self._settle(msg, "drop")

    async def delivered(self, msg: Inbound) -> None:
        """The adapter delivered our replies: redeliveries of this message stay silent."""
        await self._settle(msg, "sent")

    async def release(self, msg: Inbound) -> None:
        """The adapter could not deliver our replies: the platform's redelivery gets the same replies again
        (nothing is recorded twice)."""
        await self._settle(msg, "failed")

    async def _settle(self, msg: Inbound, outcome: str) -> None:
        if not msg.user:
            return
        member = MemberRef(msg.platform, msg.workspace, msg.user)
        key = self.store.inbox_key(member, msg.message_id)
        token = self.store.leases.token(key)
        if outcome == "sent" and not token:
            return  # not ours (a silenced duplicate, or held too long): leave the claim to its holder
        self.store.leases.let_go(key)
        try:
            await self.store.settle_delivery(member, msg.message_id, token, outcome)
        except (RedisError, OSError):
            log.warning("could not settle %s (%s)", msg.message_id, outcome)

    async def _dispatch(self, msg: Inbound, turn: Turn) -> list[Reply]:
        member = turn.member
        await self._first_contact(member, msg, turn)
        text = clean_input(msg.text)
        if turn.confirm and await self.store.pop_confirm(member) == "forget":
            if msg.action == "confirm-forget" or text.lower().rstrip(".!") in {"yes", "y", "yes, forget me"}:
                removed = await self.store.forget(member)
                self.store.leases.let_go(self.store.inbox_key(member, msg.message_id))
                turn.kept = replies_to_json([FORGOTTEN])  # keep no copy: the claim went with everything else
                log.info("forgot a member (%d keys)", removed)
                return [FORGOTTEN]
            if msg.action == "cancel" or text.lower() in {"no", "n", "cancel"}:
                return [Reply("Okay, nothing was deleted.", private=True)]
        routed = await self.roleplay.route(member, msg, text, turn.roleplay)  # role-play (#14): bot/roleplay.py
        if routed is not None:
            return routed
        if msg.action:
            return await self._action(member, msg)
        if msg.thread and not msg.is_direct:
            drill_id = await self.store.thread_drill(msg.platform, msg.workspace, msg.channel, msg.thread)
            drill = self.catalogue.drill(drill_id) if drill_id else None
            said = classify(text, True).kind if drill is not None and text else ""
            if said == "answer" and drill is not None:
                return await self._answer(member, msg, drill, text, from_thread=True)
            if said == "small_talk":  # "thanks" under a team drill: no reply to clutter the thread
                return []
        open_drill = turn.open_drill
        intent = classify(text, has_open_drill=open_drill is not None)
        if intent.kind == "command" and intent.command is not None:
            return await self._command_during(member, msg, intent.command, open_drill)
        if intent.kind == "small_talk":
            return [replies.small_talk_reply(open_drill is not None, small_talk_kind(text))]
        if intent.kind == "leave":
            if open_drill is not None:
                await self.store.clear_open_drill(member)
            return [replies.leave_reply(open_drill is not None)]
        if intent.kind == "ambiguous" and intent.command is not None:
            return [replies.answer_or_command(text, intent.command)]
        if open_drill is not None:
            drill = self.catalogue.drill(open_drill.drill_id)
            if drill is None:
                await self.store.clear_open_drill(member)
                return [Reply("That drill is no longer in the catalogue, sorry. Type `drill` for a fresh one.")]
            return await self._answer(member, msg, drill, text, open_drill=open_drill)
        if len(text) > MAX_ANSWER_CHARS:
            return [Reply(f"That's a long message ({len(text):,} characters) and no drill is open to grade it "
                          "against. Type `drill` for a practice item or `help` to see what I can do.",
                          choices=(replies.ANOTHER, replies.TIP))]
        if not text:
            return [Reply("I didn't get any text there. Type `drill` to practise or `help` to see what I can do.",
                          choices=(replies.ANOTHER, replies.TIP))]
        if text.lower().strip(" .!") in {"end", "end roleplay", "end role-play", "finish"}:
            return [Reply("No role-play is open right now, so there's nothing to end. Type `roleplay` to start one "
                          "or `drill` to practise.", choices=(replies.ANOTHER, replies.TIP))]
        suggestion = did_you_mean(text)
        if suggestion is not None:
            word = suggestion.split()[0]
            action = f"drill:{suggestion[len(word):].strip()}" if word == "drill" else suggestion
            return [Reply(f"Did you mean `{quote_user_text(suggestion, 40)}`?",
                          choices=(Choice(f"Run {word}", action), replies.TIP))]
        if not_english(text):
            return [Reply("I only understand English for now, and the drills and tips are in English too. Type "
                          "`help` to see what I can do.", choices=(replies.ANOTHER, replies.TIP))]
        return [Reply(
            f"I'm not sure what ‹{quote_user_text(text, 40)}› means here, and no drill is open to grade it "
            "against. Type `drill` for a practice item, `tip <situation>` for ideas, or `help`.",
            choices=(replies.ANOTHER, replies.TIP),
        )]

    async def _first_contact(self, member: MemberRef, msg: Inbound, turn: Turn) -> None:
        profile = turn.profile
        updates: dict[str, str | bool] = {}
        if not profile.tz:
            updates["tz"] = self.settings.valid_tz(msg.user_tz or "") or self.default_tz
        if msg.is_direct and msg.channel and profile.dm_channel != msg.channel:
            updates["dm_channel"] = msg.channel
        if msg.display_name and not profile.name:
            updates["name"] = msg.display_name
        if updates:
            await self.store.update_profile(member, **updates)
            turn.profile = replace(profile, **updates)  # type: ignore[arg-type]

    # --- commands --------------------------------------------------------------------------------
    async def _command_during(self, member: MemberRef, msg: Inbound, command: Command,
                              open_drill: OpenDrill | None) -> list[Reply]:
        """Run a command; when a drill stays open through it, say so (nothing was graded)."""
        if command.name == "drill" and open_drill is not None:
            fresh = await self.drills.new_drill(member, msg, command.args, intro=replies.REPLACED)
            out = [fresh]
            if fresh.drill is not None:
                return out
        else:
            out = await self._command(member, msg, command)
        if open_drill is None or command.name in {"skip", "hint", "forget"} or not out:
            return out
        if await self.store.open_drill(member) is None:
            return out
        last = out[-1]
        return [*out[:-1], replace(last, text=last.text + "\n" + replies.STILL_OPEN,
                                   choices=last.choices or (replies.HINT, replies.SKIP))]

    async def _command(self, member: MemberRef, msg: Inbound, command: Command) -> list[Reply]:
        """Run a command; asked in a channel, anything about the person is shown to them alone."""
        answer = await self._run_command(member, msg, command)
        if msg.is_direct or command.name not in PERSONAL_COMMANDS:
            return answer
        return [replace(reply, private=True) for reply in answer]

    async def _run_command(self, member: MemberRef, msg: Inbound, command: Command) -> list[Reply]:
        name, args = command.name, command.args
        if name == "help":
            return [Reply(replies.HELP, choices=(replies.ANOTHER, replies.ROLEPLAY, replies.TIP))]
        if name == "drill":
            return [await self.drills.new_drill(member, msg, args)]
        if name == "tip":
            return [await self._tip(member, args)]
        if name == "streak":
            return [await self.standing.streak_reply(member)]
        if name == "progress":
            progress = replies.progress_reply(await self.standing.progress(member))
            return [await self.roleplay.with_trend(member, progress)]
        if name == "skip":
            turn = _TURN.get()
            was_open = (turn.open_drill if turn else await self.store.open_drill(member)) is not None
            await self.store.clear_open_drill(member)
            intro = "Skipped. Here's a different one." if was_open else "No drill was open, so here's a new one."
            return [await self.drills.new_drill(member, msg, "", intro=intro)]
        if name == "hint":
            return [await self.drills.hint(member)]
        if name == "forget":
            await self.store.ask_confirm(member, "forget")
            return [Reply(
                "This deletes everything OARS stores about you: streak, progress, settings and history. "
                "Type `yes` to confirm, or anything else to keep it.",
                choices=(replies.Choice("Yes, forget me", "confirm-forget"), replies.Choice("Cancel", "cancel")),
                private=True,
            )]
        if name == "schedule":
            if not msg.is_manager:
                return [Reply("Scheduling channel drills is for managers and workspace admins. "
                              "Ask yours to set one up; you can still practise any time with `drill`.",
                              private=True)]
            if msg.platform == "console":
                return [Reply(replies.CONSOLE_SCHEDULE, private=True)]
            if self.schedules is None:
                return [Reply("Channel scheduling isn't switched on in this installation.", private=True)]
            return await self.schedules.handle(msg, args)
        if name == "report":
            return await self.reports.report(msg)
        if name == "opt":
            return [await self.reports.opt(member, args)]
        return [await self.settings.handle(member, name, args)]

    async def _action(self, member: MemberRef, msg: Inbound) -> list[Reply]:
        action = msg.action or ""
        if action.startswith("choice:"):
            turn = _TURN.get()
            open_drill = turn.open_drill if turn else await self.store.open_drill(member)
            drill = self.catalogue.drill(open_drill.drill_id) if open_drill else None
            if drill is None or not drill.one_click:
                return [Reply("That drill has already been answered or expired. Type `drill` for a new one.",
                              choices=(replies.ANOTHER,), private=True)]
            return await self._answer(member, msg, drill, action, open_drill=open_drill)
        if action.startswith(replies.AS_ANSWER) or action.startswith(replies.AS_COMMAND):
            return await self._resolve_ambiguous(member, msg, action)
        if action.startswith("drill"):
            _, _, target = action.partition(":")
            return [await self.drills.new_drill(member, msg, target)]
        command = parse(action, has_open_drill=False)
        if command is None:
            return [Reply("I didn't recognise that button. Type `help` to see what I can do.", private=True)]
        return await self._command(member, msg, command)

    async def _resolve_ambiguous(self, member: MemberRef, msg: Inbound, action: str) -> list[Reply]:
        """The member picked "answer" or "command" for a message that could be either."""
        as_answer = action.startswith(replies.AS_ANSWER)
        text = action.partition(":")[2]
        open_drill = await self.store.open_drill(member)
        if not as_answer:
            command = parse(text, has_open_drill=False)
            if command is not None:
                return await self._command_during(member, msg, command, open_drill)
        drill = self.catalogue.drill(open_drill.drill_id) if open_drill else None
        if drill is None or open_drill is None:
            return [Reply("That drill has already been answered or expired. Type `drill` for a new one.",
                          choices=(replies.ANOTHER,), private=True)]
        return await self._answer(member, msg, drill, text, open_drill=open_drill)

    # --- drills (bot.drill_desk) ------------------------------------------------------------------
    async def member_drill(self, member: MemberRef, intro: str = "") -> Reply | None:
        """Open a drill for a scheduled reminder; None when the member paused reminders."""
        return await self.drills.member_drill(member, intro)

    async def channel_drill(self, focus: Sequence[str] = ()) -> tuple[Reply, Drill]:
        """A free-text drill for a channel; replies in its thread are graded per member."""
        return await self.drills.channel_drill(focus)

    async def remember_channel_post(self, platform: str, workspace: str, channel: str, thread: str,
                                    drill_id: str) -> None:
        await self.drills.remember_channel_post(platform, workspace, channel, thread, drill_id)

    async def _answer(self, member: MemberRef, msg: Inbound, drill: Drill, text: str,
                      open_drill: OpenDrill | None = None, from_thread: bool = False) -> list[Reply]:
        if drill.one_click:
            drill = arranged(drill, member.pid)  # the member's own option order, as shown
            typed = text.partition(":")[2] if text.startswith("choice:") else None
            index = int(typed) if typed is not None and typed.isdigit() else option_index(drill, text)
            if index is None or not 0 <= index < len(drill.options):
                return [Reply(f"Pick one of the options: a number from 1 to {len(drill.options)}.",
                              choices=replies.drill_reply(drill).choices)]
            verdict = grade_choice(drill, index)
        else:
            problem = unanswerable(text)
            if problem:
                return [Reply(problem, choices=(replies.HINT, replies.SKIP), private=from_thread)]
            try:
                verdict = await self.grader.grade(drill.kind, drill.prompt, text, drill.model_answers)
            except GraderBusy:
                log.warning("grader full: asked %s to send their answer again", member.pid)
                return [Reply(replies.GRADER_BUSY, choices=(replies.HINT, replies.SKIP), private=from_thread)]
            if not verdict.graded:  # 'asdf', 'menu': nothing to grade, so nothing counted and no attempt used
                return [Reply(replies.nothing_to_grade(quote_user_text(text, 60)), choices=(replies.HINT, replies.SKIP),
                              private=from_thread)]
        return [await self._record(member, msg, drill, verdict, open_drill, from_thread)]

    async def _record(self, member: MemberRef, msg: Inbound, drill: Drill, verdict: Verdict,
                      open_drill: OpenDrill | None, from_thread: bool) -> Reply:
        turn = _TURN.get()
        profile = turn.profile if turn else await self.store.profile(member)
        progress = _PROGRESS.get(None)
        if progress is not None:
            progress.state = "writing"
        reply = await answering.record(self.store, turn, member, msg, drill, verdict, open_drill, from_thread,
                                       self.clock.now(), profile.tz or self.default_tz)
        if progress is not None:
            progress.state = "saved"
        return reply

    # --- tips, streak, progress ------------------------------------------------------------------
    async def _tip(self, member: MemberRef, query: str) -> Reply:
        query = without_mentions(query)
        if query.strip():
            if not_english(query):
                return replies.tip_in_english_reply(quote_user_text(query, 60))
            found = await asyncio.to_thread(self.catalogue.match_tips, query, 3)  # an encoder pass: off the loop
            if not found.matched:
                return replies.no_tip_reply(quote_user_text(query, 60), found.closest_skills)
            if found.tips[0].skills:  # its topic (a skill), never the words typed, counts in team reports
                await self.team.note_tip(member, found.tips[0].skills[0], self.clock.now())
            return replies.tips_reply(list(found.tips), quote_user_text(query, 60))
        profile = await self.store.profile(member)
        tip = self.catalogue.random_tip(self.rng, exclude=profile.last_tip or None)
        await self.store.update_profile(member, last_tip=tip.id)
        return replies.tips_reply([tip], "")

    async def overview(self, member: MemberRef) -> Overview:
        """Streak, progress and settings in one read, for home screens."""
        return await self.standing.overview(member)

    async def set_timezone(self, member: MemberRef, tz: str) -> bool:
        """Set a member's time zone directly (console `--tz`); False when the zone is unknown."""
        valid = self.settings.valid_tz(tz)
        if valid:
            await self.store.update_profile(member, tz=valid)
        return valid is not None
