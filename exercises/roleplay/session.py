"""One role-play session as a pure value: start it, feed it coded member turns, read what the client said.

The session is plain data (JSON round-trip) so the bot can keep it in Redis between messages and a
restart changes nothing. Line choice is deterministic for (case, seed): each category's lines are drawn
without repeats in an order fixed by the seed, falling back to shared case-free lines only when a case
runs out, so no client line repeats within a session.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from exercises.roleplay.cases import Case, CommonLines, common_lines
from exercises.roleplay.client import ClientState, effective_code, react

MAX_TURNS = 12
FALLBACK = {"discord": "sustain", "short": "sustain", "filler": "short", "permission": "filler",
            "permission_grudging": "filler"}
MAX_STORED_CHARS = 600  # a member turn is kept (for the report's quotes) up to this length
TALK_OF = {"change": "change", "sustain": "sustain", "discord": "sustain", "short": "neutral",
           "filler": "neutral", "permission": "neutral", "permission_grudging": "neutral"}


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
