"""Recording a graded answer in one Lua call that checks what the answer was computed from.

The streak and skill arithmetic stay in Python (exercises/), so recording is optimistic: the state is read
(together with the delivery claim, in one round trip), the new streak, skill and reply are computed, and
`COMMIT` applies them only if nothing moved meanwhile: the open drill is still the one answered (so
concurrent answers to one drill never pass its attempt limit or reopen it) and the member's revision
counter is unchanged (so two answers never lose each other's skill update). Otherwise the caller re-reads
and recomputes. The same call writes the replies into the delivery claim, so an answer is never recorded
without the feedback a redelivery needs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.inbox import _LIB, INBOX_TTL
from exercises.practice import SkillState
from exercises.streaks import Streak

NO_CHECK = "*"  # as the expected open value: this answer is not to the open drill (never valid JSON)

# KEYS: done, open, rev, streak, skills, history, seen, inbox
COMMIT = _LIB + """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'dup' end
if ARGV[1] ~= '*' and (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 'moved' end
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[2] then return 'moved' end
redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[1], '1', 'EX', ARGV[3])
redis.call('HSET', KEYS[4], unpack(cjson.decode(ARGV[4])))
redis.call('HSET', KEYS[5], ARGV[5], ARGV[6])
redis.call('LPUSH', KEYS[6], ARGV[7])
redis.call('LTRIM', KEYS[6], 0, tonumber(ARGV[8]) - 1)
redis.call('ZADD', KEYS[7], ARGV[9], ARGV[10])
if ARGV[11] == 'del' then redis.call('DEL', KEYS[2])
elseif ARGV[11] == 'set' then redis.call('SET', KEYS[2], ARGV[12], 'EX', ARGV[13]) end
if ARGV[15] ~= '' then
  local lease = tostring(now_ms() + tonumber(ARGV[16]))
  redis.call('SET', KEYS[8], 'P|' .. ARGV[14] .. '|' .. lease .. '|' .. ARGV[15], 'EX', ARGV[17])
end
return 'ok'
"""


@dataclass(frozen=True)
class AnswerState:
    """What an answer's outcome depends on, as read (raw open value kept for the compare-and-set)."""

    done: bool  # this message's answer is already recorded
    open_raw: str
    rev: str
    streak: Streak
    skills: dict[str, str]

    def skill(self, name: str) -> SkillState | None:
        raw = self.skills.get(name)
        return SkillState.from_json(raw) if raw else None

    @classmethod
    def parse(cls, done: Any, open_raw: Any, rev: Any, streak: Any, skills: Any) -> AnswerState:
        return cls(bool(done), str(open_raw or ""), str(rev or "0"), Streak.from_fields(streak or {}),
                   dict(skills or {}))


@dataclass(frozen=True)
class Commit:
    """One answer's writes: `open_action` is 'keep', 'del' or 'set' (with `open_value`)."""

    expected_open: str  # NO_CHECK when the answer is not to the open drill
    streak: Streak
    skill_name: str
    skill: SkillState
    record: dict[str, Any]
    drill_id: str
    answered_at: float
    open_action: str = "keep"
    open_value: str = ""
    token: str = ""
    replies: str = ""  # kept in the delivery claim when given

    def args(self, state: AnswerState, history_limit: int, done_ttl: int, drill_ttl: int, lease_ms: int) -> list[Any]:
        flat = [item for pair in self.streak.to_fields().items() for item in pair]
        return [self.expected_open, state.rev, done_ttl, json.dumps(flat), self.skill_name, self.skill.to_json(),
                json.dumps(self.record), history_limit, self.answered_at, self.drill_id, self.open_action,
                self.open_value, drill_ttl, self.token, self.replies, lease_ms, INBOX_TTL]
