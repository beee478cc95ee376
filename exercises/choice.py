"""Grading a one-click drill: the chosen option is right or wrong, and the option says why."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace

from exercises.balance import FIXED_LABEL_KINDS
from exercises.model import Drill, Verdict


def option_order(drill: Drill, seed: str) -> tuple[int, ...]:
    """The order one member sees the options in: shuffled, but the same every time for that member and drill
    (so a typed "2" means the same option in every process). Label scales keep their natural order."""
    order = list(range(len(drill.options)))
    if drill.kind in FIXED_LABEL_KINDS:
        return tuple(order)
    digest = hashlib.sha256(f"{seed}\x00{drill.id}".encode()).digest()
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(order)
    return tuple(order)


def arranged(drill: Drill, seed: str) -> Drill:
    """The drill with its options in `seed`'s order; free-text drills come back unchanged."""
    if not drill.one_click:
        return drill
    return replace(drill, options=tuple(drill.options[i] for i in option_order(drill, seed)))


def grade_choice(drill: Drill, index: int) -> Verdict:
    """Verdict for option `index` (0-based) of a one-click drill."""
    if not drill.options:
        raise ValueError(f"drill {drill.id} has no options")
    if not 0 <= index < len(drill.options):
        raise IndexError(index)
    chosen = drill.options[index]
    correct = next(o for o in drill.options if o.correct)
    if chosen.correct:
        return Verdict("pass", 3, (f"Yes. {chosen.why}",), correct.text, ())
    return Verdict(
        "revise",
        0,
        (f"Not quite: {chosen.why}", f"The stronger choice: {correct.why}"),
        correct.text,
        (),
    )


def option_index(drill: Drill, typed: str) -> int | None:
    """Read a typed choice: '2', 'b', 'B)', or the option's text itself."""
    word = typed.strip().lower().rstrip(").:")
    if word.isdigit() and 1 <= int(word) <= len(drill.options):
        return int(word) - 1
    if len(word) == 1 and "a" <= word <= chr(ord("a") + len(drill.options) - 1):
        return ord(word) - ord("a")
    for i, option in enumerate(drill.options):
        if option.text.strip().lower().rstrip(".!?") == typed.strip().lower().rstrip(".!?"):
            return i
    return None
