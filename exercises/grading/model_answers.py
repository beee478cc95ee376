"""A fitting model answer when the drill supplies none: simple, safe templates built from the prompt."""

from __future__ import annotations

import re

from exercises.grading.text import VERBISH, first_clause, swap_person

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
    for i, word in enumerate(phrase[1:], 1):
        if word.lower() in VERBISH:
            del phrase[i:]
            break
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


_TEMPLATES: dict[str, str] = {
    "open_question": "What has your experience been with {topic}?",
    "reflection": "It sounds like {heard}.",
    "complex_reflection": "It sounds like {heard}, and part of you is wondering what that means for you.",
    "affirmation": "You've put real effort into this, and it shows how much it matters to you.",
    "roll_with_resistance": "It sounds like {heard}. What you do with that is up to you.",
    "develop_discrepancy": "It sounds like {heard}. How does that fit with what matters most to you here?",
    "emphasize_autonomy": "It's your call, and you know your situation better than anyone.",
    "summary": "Let me check I've got this: {points}. What did I miss?",
}


def make_model_answer(kind: str, prompt: str) -> str:
    """A serviceable model answer built from the prompt, for drills that come without one."""
    template = _TEMPLATES.get(kind, "")
    fill = {
        "topic": _topic(prompt) if "{topic}" in template else "",
        "heard": _heard(prompt) if "{heard}" in template else "",
        "points": _points_heard(prompt) if "{points}" in template else "",
    }
    return template.format(**fill)
