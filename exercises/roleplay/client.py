"""How the simulated client reacts to one coded practitioner move: a small, documented state machine.

State (integers, so a learner can read them): engagement 0-4 (how much the client opens up), discord
0-3 (friction with the practitioner), readiness 0-4 (how far the client leans towards change), plus
`permission` (the practitioner asked before informing) and `closed_run` (closed questions in a row).

| move (coder code)              | engagement | discord | readiness | the client answers with                   |
|--------------------------------|-----------:|--------:|----------:|-------------------------------------------|
| complex_reflection             | +1         | -1      | +1        | a hidden fact, else a talk draw (+0.2)    |
| simple_reflection              | +1         | -1      | +1 if E≥3 | a fact when E≥3, else a talk draw (+0.1)  |
| open_question                  | +1 if D=0  |  0      |  0        | a hidden fact when D=0, else a talk draw  |
| affirm                         | +1         | -1      |  0        | a talk draw (+0.1)                        |
| emphasize_autonomy             | +1         | -2      | +1 if D=0 | a talk draw (+0.1)                        |
| seek_collaboration             |  0         | -1      |  0        | agrees to hear more (neutral)             |
| give_information, offer_options, advise — after permission | 0 | 0 | +1 | a talk draw (+0.1) (permission used) |
| give_information, offer_options without permission | 0 | 0 | 0 | a neutral filler when R≥2, else sustain |
| advise without permission      | -1         | +1      | -1        | sustain talk (discord when D≥2)           |
| confront                       | -1         | +2      | -1        | sustain talk (discord when D≥2)           |
| closed_question, first in a row|  0         |  0      |  0        | a short answer (neutral)                  |
| closed_question, 2nd+ in a row | -1         | +1      |  0        | sustain talk (discord when D≥2)           |
| negotiate (planning)           | 0 / 0      | 0 / +1  | +1 / 0    | change talk when R≥3, else sustain        |
| other (greetings, small talk)  |  0         |  0      |  0        | a neutral filler ("Mm.", "Okay.")         |

The coder's code is taken as it is, except that an MI non-adherent code (advise, confront) the coder is
less than 35 % sure of counts as `other`: the client does not punish a move the coder cannot tell apart.

A "hidden fact" is the next undisclosed fact of the case (its talk type is authored). A talk draw is
change talk with probability clamp(0.15 + 0.18·readiness − 0.25·discord + bonus, 0.05, 0.95), else sustain
talk, using a random generator seeded by (session seed, turn): the same script and seed give the same session.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

MAX_ENGAGEMENT, MAX_DISCORD, MAX_READINESS = 4, 3, 4
REFLECTIONS = frozenset({"simple_reflection", "complex_reflection"})
INFORMING = frozenset({"give_information", "offer_options", "advise"})


@dataclass(frozen=True)
class ClientState:
    engagement: int
    discord: int
    readiness: int
    permission: bool = False
    closed_run: int = 0

    def moved(self, engagement: int = 0, discord: int = 0, readiness: int = 0) -> ClientState:
        return replace(
            self,
            engagement=min(MAX_ENGAGEMENT, max(0, self.engagement + engagement)),
            discord=min(MAX_DISCORD, max(0, self.discord + discord)),
            readiness=min(MAX_READINESS, max(0, self.readiness + readiness)),
        )


@dataclass(frozen=True)
class Reaction:
    """What the client does next: a line category to draw from, whether the member's move was
    non-adherent (MITI: confront, or persuade without permission), and whether it informed or advised
    after asking permission."""

    state: ClientState
    category: str  # fact | change | sustain | discord | short | filler | permission
    non_adherent: bool = False
    with_permission: bool = False


UNSURE_NON_ADHERENT = 0.35


def effective_code(code: str, confidence: float) -> str:
    """The code the client reacts to (see the module docstring)."""
    if code in ("advise", "confront") and confidence < UNSURE_NON_ADHERENT:
        return "other"
    return code


def change_probability(state: ClientState, bonus: float = 0.0) -> float:
    return min(0.95, max(0.05, 0.15 + 0.18 * state.readiness - 0.25 * state.discord + bonus))


def talk_draw(state: ClientState, seed: int, turn: int, bonus: float = 0.0) -> str:
    """change or sustain, deterministic for (seed, turn)."""
    roll = random.Random(f"roleplay:{seed}:{turn}").random()
    return "change" if roll < change_probability(state, bonus) else "sustain"


def _pushback(state: ClientState) -> str:
    return "discord" if state.discord >= 2 else "sustain"


def react(state: ClientState, code: str, facts_left: bool, seed: int, turn: int) -> Reaction:
    """The client's reaction to one practitioner move coded `code` (see the table above)."""
    closed_run = state.closed_run + 1 if code == "closed_question" else 0
    state = replace(state, closed_run=closed_run)
    if code == "complex_reflection":
        new = state.moved(+1, -1, +1)
        if facts_left and new.discord == 0:
            return Reaction(new, "fact")
        return Reaction(new, talk_draw(new, seed, turn, 0.2))
    if code == "simple_reflection":
        new = state.moved(+1, -1)
        new = new.moved(readiness=+1) if new.engagement >= 3 else new
        if facts_left and new.discord == 0 and new.engagement >= 3:
            return Reaction(new, "fact")
        return Reaction(new, talk_draw(new, seed, turn, 0.1))
    if code == "open_question":
        new = state.moved(+1 if state.discord == 0 else 0)
        if facts_left and new.discord == 0:
            return Reaction(new, "fact")
        return Reaction(new, talk_draw(new, seed, turn))
    if code == "affirm":
        new = state.moved(+1, -1)
        return Reaction(new, talk_draw(new, seed, turn, 0.1))
    if code == "emphasize_autonomy":
        new = state.moved(+1, -2, +1 if state.discord == 0 else 0)
        return Reaction(new, talk_draw(new, seed, turn, 0.1))
    if code == "seek_collaboration":
        return Reaction(replace(state.moved(discord=-1), permission=True), "permission")
    if code in INFORMING and state.permission:
        new = replace(state.moved(readiness=+1), permission=False)
        return Reaction(new, talk_draw(new, seed, turn, 0.1), with_permission=True)
    if code in ("give_information", "offer_options"):
        return Reaction(state, "filler" if state.readiness >= 2 else "sustain")
    if code == "advise":
        new = state.moved(-1, +1, -1)
        return Reaction(new, _pushback(new), non_adherent=True)
    if code == "confront":
        new = state.moved(-1, +2, -1)
        return Reaction(new, _pushback(new), non_adherent=True)
    if code == "closed_question":
        if closed_run >= 2:
            new = state.moved(-1, +1)
            return Reaction(new, _pushback(new))
        return Reaction(state, "short")
    if code == "negotiate":
        if state.readiness >= 3:
            return Reaction(state.moved(readiness=+1), "change")
        new = state.moved(discord=+1)
        return Reaction(new, _pushback(new))
    return Reaction(state, "filler")
