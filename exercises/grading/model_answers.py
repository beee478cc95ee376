"""A fitting model answer when the drill supplies none: simple, safe templates built from the prompt."""

from __future__ import annotations

import re

from exercises.grading.text import first_clause, swap_person

_PHRASE = re.compile(r"\b(?:the|your|this|that|my|our|a|an)\s+(?:[a-z'-]+\s+){0,2}[a-z'-]+", re.I)
_AUX = re.compile(r"^(?:do|does|did|is|are|was|were|have|has|will|would|can|could|should)\s+", re.I)
_STOP_TAIL = frozenset(
    "for to with of at in on about you it work works worked help go went fit run happen matter suit feel".split()
)


def _topic(prompt: str) -> str:
    """A noun phrase from the prompt ('the new schedule'), seen from the client's side."""
    m = _PHRASE.search(_AUX.sub("", prompt.strip()))
    if not m:
        return "this"
    phrase = m.group(0).split()
    while len(phrase) > 1 and phrase[-1].lower() in _STOP_TAIL:
        phrase.pop()
    return swap_person(" ".join(phrase)).replace("your", "your", 1)


def _heard(prompt: str) -> str:
    clause = first_clause(re.sub(r"^[^:\"]{0,80}(?:says|said):\s*", "", prompt).strip(" \"'"))
    said = swap_person(clause).rstrip(" ,;")
    return said[:1].lower() + said[1:] if said else "this has been on your mind"


_POINT = re.compile(r"\(\d+\)\s*([^;()]+)")


def _points_heard(prompt: str) -> str:
    points = [swap_person(p.strip().rstrip(".")) for p in _POINT.findall(prompt) if p.strip()]
    if len(points) < 2:
        return _heard(prompt)
    return ", ".join(points[:-1]) + ", and " + points[-1]


def make_model_answer(kind: str, prompt: str) -> str:
    if kind == "open_question":
        return f"What has your experience been with {_topic(prompt)}?"
    heard = _heard(prompt)
    if kind == "reflection":
        return f"It sounds like {heard}."
    if kind == "complex_reflection":
        return f"It sounds like {heard}, and part of you is wondering what that means for you."
    if kind == "affirmation":
        return "You've put real effort into this, and it shows how much it matters to you."
    if kind == "roll_with_resistance":
        return f"It sounds like {heard}. What you do with that is up to you."
    if kind == "develop_discrepancy":
        return f"It sounds like {heard}. How does that fit with what matters most to you here?"
    if kind == "emphasize_autonomy":
        return "It's your call, and you know your situation better than anyone."
    if kind == "summary":
        return f"Let me check I've got this: {_points_heard(prompt)}. What did I miss?"
    return ""
