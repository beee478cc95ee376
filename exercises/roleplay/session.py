"""One role-play session as a pure value: start it, feed it coded member turns, read what the client said.

The session is plain data (JSON round-trip) so the bot can keep it in Redis between messages and a
restart changes nothing. Line choice is deterministic for (case, seed): each category's lines are drawn
without repeats in an order fixed by the seed, falling back to shared case-free lines only when a case
runs out, so no client line repeats within a session.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from exercises.roleplay.cases import Case, CommonLines, common_lines
from exercises.roleplay.client import ClientState, Reaction, effective_code, react

MAX_TURNS = 12
FALLBACK = {"discord": "sustain", "short": "sustain", "filler": "short", "permission": "filler",
            "permission_grudging": "filler", "repeat": "short"}
MAX_STORED_CHARS = 600  # a member turn is kept (for the report's quotes) up to this length
TALK_OF = {"change": "change", "sustain": "sustain", "discord": "sustain", "short": "neutral",
           "filler": "neutral", "permission": "neutral", "permission_grudging": "neutral", "repeat": "neutral"}


@dataclass(frozen=True)
class Turn:
    """One member move and the client's answer to it."""

    member: str
    code: str
    confidence: float
    client: str
    talk: str  # change | sustain | neutral (the client line's talk, authored in the case)
    discord: bool
    category: str
    non_adherent: bool
    with_permission: bool
    engagement: int
    discord_level: int
    readiness: int


@dataclass(frozen=True)
class Session:
    case_id: str
    seed: int
    opening: str
    state: ClientState
    turns: tuple[Turn, ...] = ()
    used: dict[str, int] = field(default_factory=dict)  # category -> lines drawn so far
    facts: int = 0  # facts disclosed so far (in authored order)

    @property
    def finished(self) -> bool:
        return len(self.turns) >= MAX_TURNS

    def context(self) -> list[str]:
        """The conversation so far, oldest first (client opening, then member and client alternating)."""
        lines = [self.opening]
        for turn in self.turns:
            lines += [turn.member, turn.client]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Session:
        return cls(
            case_id=str(raw["case_id"]), seed=int(raw["seed"]), opening=str(raw["opening"]),
            state=ClientState(**raw["state"]), turns=tuple(Turn(**t) for t in raw.get("turns", ())),
            used={str(k): int(v) for k, v in (raw.get("used") or {}).items()}, facts=int(raw.get("facts", 0)),
        )


def start(case: Case, seed: int) -> Session:
    """A fresh session: the client's opening line is chosen by the seed."""
    opening = random.Random(f"roleplay:{seed}:{case.id}:opening").choice(case.opening)
    state = ClientState(case.start.engagement, case.start.discord, case.start.readiness)
    return Session(case.id, seed, opening, state)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


_ENCOURAGER = re.compile(r"^(?:tell me more|say more|go on|and then|what else|mm|uh|okay|ok|right|i see)\b")


def said_before(member_text: str, session: Session) -> bool:
    """The member's turn repeats one of theirs of four words or more (the same words, or nearly: Jaccard >=
    0.8). Short encouragers ('Tell me more about that') may come back as often as they help."""
    mine = _words(member_text)
    if len(mine) < 4 or _ENCOURAGER.match(" ".join(mine)):
        return False
    for turn in session.turns:
        theirs = _words(turn.member)
        if mine == theirs:
            return True
        a, b = set(mine), set(theirs)
        if len(a) >= 4 and len(b) >= 4 and len(a & b) / len(a | b) >= 0.8:
            return True
    return False


def _order(case: Case, seed: int, category: str, common: CommonLines) -> list[str]:
    """Every line of a category in the order this session draws them (case lines first)."""
    own = list(case.lines(category)) if category in ("change", "sustain", "discord", "short") else []
    if category != "change":  # change lines keep their authored order: tentative first, committed last
        random.Random(f"roleplay:{seed}:{case.id}:{category}").shuffle(own)
    shared = list(getattr(common, category))
    random.Random(f"roleplay:{seed}:common:{category}").shuffle(shared)
    return own + [line for line in shared if line not in own]


def step(session: Session, case: Case, member_text: str, code: str, confidence: float = 1.0,
         common: CommonLines | None = None) -> Session:
    """Apply one member turn (already coded) and return the session with the client's answer appended."""
    if session.finished:
        raise ValueError("the session already has its last turn")
    common = common or common_lines()
    code = effective_code(code, confidence)
    number = len(session.turns) + 1
    if said_before(member_text, session):  # nothing new to answer: no disclosure, no progress, a little less warmth
        reaction = Reaction(session.state.moved(-1), "repeat")
    else:
        reaction = react(session.state, code, session.facts < len(case.facts), session.seed, number)
    state, category = reaction.state, reaction.category
    used = dict(session.used)
    facts = session.facts
    if category == "fact":
        fact = case.facts[facts]
        facts += 1
        line, talk = fact.text, fact.talk
    else:
        if category == "permission" and state.discord >= 1:
            category = "permission_grudging"
        order = _order(case, session.seed, category, common)
        if used.get(category, 0) >= len(order) and category in FALLBACK:  # spent: borrow, still no repeat
            category = FALLBACK[category]
            order = _order(case, session.seed, category, common)
        line = order[used.get(category, 0) % len(order)]
        used[category] = used.get(category, 0) + 1
        talk = TALK_OF.get(category, "neutral")
    turn = Turn(
        member=member_text[:MAX_STORED_CHARS], code=code, confidence=round(float(confidence), 4), client=line,
        talk=talk, discord=category == "discord", category=category, non_adherent=reaction.non_adherent,
        with_permission=reaction.with_permission, engagement=state.engagement, discord_level=state.discord,
        readiness=state.readiness,
    )
    return replace(session, state=state, turns=(*session.turns, turn), used=used, facts=facts)


def closing_line(session: Session, case: Case) -> str:
    """How the client leaves: leaning towards change when readiness ended high, else not yet."""
    return case.closing_ready if session.state.readiness >= 3 else case.closing_unready
