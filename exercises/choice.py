"""Grading a one-click drill: the chosen option is right or wrong, and the option says why."""

from __future__ import annotations

from exercises.model import Drill, Verdict


def grade_choice(drill: Drill, index: int) -> Verdict:
    """Verdict for option `index` (0-based) of a one-click drill."""
    if not drill.options:
        raise ValueError(f"drill {drill.id} has no options")
    if not 0 <= index < len(drill.options):
        raise IndexError(index)
    chosen = drill.options[index]
    correct = next(o for o in drill.options if o.correct)
    if chosen.correct:
        return Verdict("pass", 3, (f"Yes: {chosen.why}",), correct.text, ())
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
