"""Interim grader (replaced by the MI coder-and-grader work): the interface is what matters.

grade(kind, prompt, reply, model_answers) -> Verdict
"""

from __future__ import annotations

from collections.abc import Sequence

from exercises.model import Verdict
from exercises.vocabulary import FREE_TEXT_KINDS


def grade(kind: str, prompt: str, reply: str, model_answers: Sequence[str] = ()) -> Verdict:
    """Grade a free-text drill reply. Raises ValueError for a kind the grader does not know."""
    if kind not in FREE_TEXT_KINDS:
        raise ValueError(f"unknown kind: {kind}")
    text = reply.strip()
    model = model_answers[0] if model_answers else ""
    if not text:
        return Verdict("revise", 0, ("There is no reply to look at yet.",), model, ())
    is_question = text.endswith("?")
    if kind == "open_question":
        opener = text.split()[0].lower()
        ok = is_question and opener in {"what", "how", "tell", "could", "can", "describe", "which", "in"}
        code = "open_question" if ok else ("closed_question" if is_question else "other")
    else:
        ok = not is_question
        code = "simple_reflection" if ok else "closed_question"
    if ok:
        return Verdict("pass", 2, ("That works as a first try.",), model, (code,))
    return Verdict("revise", 1, ("Try again with the shape this drill asks for.",), model, (code,))
