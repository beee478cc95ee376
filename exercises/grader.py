"""Grade a free-text drill reply: grade(kind, prompt, reply, model_answers) -> Verdict.

Rules of thumb that shape every kind: a false "revise" on a good answer costs more than a lenient pass,
so topic checks are generous; feedback says what works first, then what to change and why; bad input
(empty, emoji-only, huge, not English) gets a friendly revise, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from exercises.coder import Coding, code
from exercises.grading.base import Assessment
from exercises.grading.model_answers import make_model_answer
from exercises.grading.others import grade_affirmation, grade_emphasize_autonomy, grade_summary
from exercises.grading.questions import grade_open_question
from exercises.grading.reflective import (
    grade_develop_discrepancy,
    grade_reflection,
    grade_roll_with_resistance,
)
from exercises.grading.relevance import CHECK_CONTENT_TIP, UNRELATED_FEEDBACK, clearly_unrelated, lexical_link
from exercises.grading.text import MAX_REPLY_CHARS, MAX_SUMMARY_CHARS, bad_input, fix_typos
from exercises.model import Verdict
from exercises.vocabulary import FREE_TEXT_KINDS

Grader = Callable[[str, str, Sequence[str], Coding], Assessment]


def _complex(prompt: str, reply: str, answers: Sequence[str], coding: Coding) -> Assessment:
    return grade_reflection(prompt, reply, answers, coding, complex_=True)


_GRADERS: dict[str, Grader] = {
    "open_question": grade_open_question,
    "reflection": grade_reflection,
    "complex_reflection": _complex,
    "affirmation": grade_affirmation,
    "roll_with_resistance": grade_roll_with_resistance,
    "develop_discrepancy": grade_develop_discrepancy,
    "emphasize_autonomy": grade_emphasize_autonomy,
    "summary": grade_summary,
}
assert set(_GRADERS) == set(FREE_TEXT_KINDS)
# Kinds whose reply must carry what the client said (checked by meaning when no word links them).
_CONTENT_KINDS = frozenset({"reflection", "complex_reflection", "roll_with_resistance", "develop_discrepancy",
                            "summary"})
# Kinds whose pass is capped at 2, with a gentle check, when no word links the reply to the client or a model.
_LINKED_KINDS = _CONTENT_KINDS | {"affirmation"}


def _codes_seen(coding: Coding) -> tuple[str, ...]:
    seen: list[str] = [coding.code]
    for _, c, _ in coding.sentences:
        if c not in seen:
            seen.append(c)
    return tuple(seen)


def grade(kind: str, prompt: str, reply: str, model_answers: Sequence[str] = ()) -> Verdict:
    """Grade a free-text drill reply. Raises ValueError for a kind the grader does not know."""
    if kind not in _GRADERS:
        raise ValueError(f"unknown kind: {kind!r}; expected one of {', '.join(FREE_TEXT_KINDS)}")
    answers = tuple(a for a in model_answers if isinstance(a, str) and a.strip())
    model = answers[0] if answers else make_model_answer(kind, prompt or "")
    reply = reply if isinstance(reply, str) else ""
    problem = bad_input(reply, MAX_SUMMARY_CHARS if kind == "summary" else MAX_REPLY_CHARS)
    if problem:
        return Verdict("revise", 0, (problem,), model, ())
    text = fix_typos(reply.strip())
    coding = code(text)
    assessment = _GRADERS[kind](prompt or "", text, answers, coding)
    if (kind in _CONTENT_KINDS and not assessment.issues and not (kind == "roll_with_resistance" and "?" in text)
            and clearly_unrelated(text, prompt or "", answers or (model,))):
        assessment.good.clear()
        assessment.tips.clear()
        assessment.issues.append(UNRELATED_FEEDBACK)
    elif (kind in _LINKED_KINDS and not assessment.issues
          and not lexical_link(text, prompt or "", answers or (model,))):
        # Not evidence enough to revise (good paraphrases share no words too), but never full marks unseen.
        assessment.tips.append(CHECK_CONTENT_TIP)
    verdict, score = assessment.verdict()
    lines = assessment.lines()
    if verdict == "revise" and not assessment.issues:
        lines = (*lines, "Have another go with the shape this drill asks for.")
    if verdict == "revise" and model:
        lines = (*lines, "Compare with the model answer below, then try your own version.")
    return Verdict("pass" if verdict == "pass" else "revise", score, lines, model, _codes_seen(coding))
