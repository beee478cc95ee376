"""Does a reply's meaning connect to what the client said? Sentence-embedding evidence for the grader.

Cosine similarity from all-MiniLM-L6-v2 (exercises.semantic) between the reply and the client's words
(as said, and with I/you swapped), and between the reply and the drill's model answers. Everything here is
optional: when the model package is missing, every check answers "no evidence" and the lexical checks
decide alone.

Thresholds were calibrated on every labelled file in tests/exercises/data plus relevance_replies.jsonl.
Good reflections often share no words and little embedding similarity with the client's statement (the
lowest was 0.02), while well-shaped off-content replies reach 0.21, so the two overlap heavily. Only a
similarity below zero for both views, with no lexical link either, is taken as "clearly unrelated"; see the
commit message for the distributions.
"""

from __future__ import annotations

from collections.abc import Sequence

from exercises import semantic
from exercises.grading.text import overlap, swap_person

UNRELATED_BELOW = -0.02  # prompt similarity (best of as-said and person-swapped); on-content minimum 0.021
UNRELATED_ANSWERS_BELOW = 0.0  # and model-answer similarity
# A rewrite this close to a model answer keeps the topic (labelled off-topic questions: at most 0.44). The
# original question itself is no evidence: yes/no rewrites of it ('HR's been great, hasn't it?') score 0.6+.
ON_TOPIC_ANSWERS_AT = 0.45

UNRELATED_FEEDBACK = (
    "It's shaped like a reflection, but I can't find what they told you in it. Start from their words: "
    "what did they say, and what might they mean?"
)


CHECK_CONTENT_TIP = (
    "I can't spot their own words in it, so check it still matches what they told you. If it does, nice work "
    "saying it in fresh words."
)


def similarities(reply: str, prompt: str, answers: Sequence[str] = ()) -> tuple[float, float] | None:
    """(similarity to the client's words, best similarity to a model answer), or None without the model."""
    if not semantic.available() or not prompt.strip():
        return None
    to_prompt = max(semantic.similarity(reply, prompt), semantic.similarity(reply, swap_person(prompt)))
    to_answers = max((semantic.similarity(reply, a) for a in answers if a.strip()), default=to_prompt)
    return to_prompt, to_answers


def meaning_link(reply: str, client: str) -> float | None:
    """How close the reply's meaning is to the client's words (cosine, the better of as said and I/you
    swapped), or None without the model. The grading head reads it as a number: on its own it separates
    off-content replies from good ones only weakly (they overlap, see above), but beside the pair encoder's
    vector it moved held-out writers' agreement up (bench/RESULTS.md, grader round five)."""
    sims = similarities(reply, client)
    return None if sims is None else sims[0]


def lexical_link(reply: str, prompt: str, answers: Sequence[str] = ()) -> bool:
    shared, _ = overlap(reply, prompt, *answers)
    return bool(shared)


def clearly_unrelated(reply: str, prompt: str, answers: Sequence[str] = ()) -> bool:
    """True only when nothing links the reply to the client's words: no shared word or synonym, and the
    embeddings point away from both the statement and the model answers."""
    if lexical_link(reply, prompt, answers):
        return False
    sims = similarities(reply, prompt, answers)
    if sims is None:
        return False
    to_prompt, to_answers = sims
    return to_prompt < UNRELATED_BELOW and to_answers < UNRELATED_ANSWERS_BELOW


def same_topic_by_meaning(reply: str, prompt: str, answers: Sequence[str] = ()) -> bool:
    """True when the reply says the same thing in other words, closely enough to overrule a lexical
    'off-topic' (which only sees shared words and listed synonyms)."""
    sims = similarities(reply, prompt, answers)
    if sims is None:
        return False
    return sims[1] >= ON_TOPIC_ANSWERS_AT
