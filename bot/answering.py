"""Turning one graded answer into recorded progress and feedback, safely under concurrency.

The engine grades; this records. The answer counts only against the state it was computed from (see
`bot.recording`): if another answer moved the open drill or the member's progress meanwhile, the outcome is
recomputed from fresh state, so concurrent answers to one drill never pass its attempt limit, never reopen
it, and each distinct answer counts exactly once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import datetime

from bot import replies
from bot.messages import Inbound, Reply, replies_to_json
from bot.recording import NO_CHECK, AnswerState, Commit
from bot.store import AnswerRecord, MemberRef, OpenDrill, Store, Turn
from exercises.model import Drill, Verdict
from exercises.practice import update_skill
from exercises.streaks import news, practice_at

MAX_ATTEMPTS = 3
MAX_TRIES = 25  # optimistic retries before giving up with "nothing was recorded" (true then)
CLOSED = ("That drill was already closed by another answer of yours, so I didn't count this one. "
          "Type `drill` for a fresh one.")


class Contended(RuntimeError):
    """The member's state kept moving under us: nothing was recorded."""


def _open(raw: str) -> OpenDrill | None:
    return OpenDrill(**json.loads(raw)) if raw else None


async def record(store: Store, turn: Turn | None, member: MemberRef, msg: Inbound, drill: Drill, verdict: Verdict,
                 open_drill: OpenDrill | None, from_thread: bool, now: datetime, tz: str) -> Reply:
    """Record the answer (to the open drill when `open_drill` is given) and return its feedback."""
    mine = turn is not None and turn.member == member and turn.message_id == msg.message_id
    state: AnswerState = turn.state if mine and turn else await store.answer_state(member, msg.message_id)
    record_ = AnswerRecord(drill.id, drill.skill, drill.kind, verdict.verdict, verdict.score, now.isoformat(),
                           msg.message_id)
    for _ in range(MAX_TRIES):
        if state.done:  # recorded before (a redelivery whose replies were lost): same feedback, counted once
            reply = replies.feedback_reply(verdict, state.streak, None, retry_open=False, one_click=drill.one_click)
            return replace(reply, private=from_thread)
        retry, expected, action, value = False, NO_CHECK, "keep", ""
        if open_drill is not None:
            current = _open(state.open_raw)
            if current is None or (current.drill_id, current.asked_at) != (open_drill.drill_id, open_drill.asked_at):
                return Reply(CLOSED, choices=(replies.ANOTHER,), private=from_thread)
            attempts = current.attempts + 1
            retry = not drill.one_click and verdict.verdict == "revise" and attempts < MAX_ATTEMPTS
            expected, action = state.open_raw, "set" if retry else "del"
            value = json.dumps(asdict(replace(current, attempts=attempts))) if retry else ""
        skill = update_skill(state.skill(drill.skill), verdict, now)
        streak = practice_at(state.streak, now, tz)
        said = news(state.streak, streak)  # the streak line only when this answer moved the streak
        reply = replace(replies.feedback_reply(verdict, streak, said, retry_open=retry, one_click=drill.one_click),
                        private=from_thread)
        payload = replies_to_json([reply]) if mine else ""
        commit = Commit(expected, streak, drill.skill, skill, asdict(record_), drill.id, now.timestamp(), action,
                        value, turn.token if mine and turn else "", payload)
        outcome = await store.commit_answer(member, msg.message_id, state, commit)
        if outcome == "ok":
            if mine and turn:
                turn.kept = payload
            return reply
        state = await store.answer_state(member, msg.message_id)
    raise Contended(f"answer {msg.message_id} kept conflicting")
