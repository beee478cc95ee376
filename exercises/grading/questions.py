"""Grading the open_question kind: one open, non-leading question on the prompt's topic."""

from __future__ import annotations

import re
from collections.abc import Sequence

from exercises.coder import Coding
from exercises.coder.features import split_sentences
from exercises.grading import cues
from exercises.grading.base import ADVICE_MODAL, Assessment
from exercises.grading.cues import find, quote
from exercises.grading.model_answers import make_model_answer
from exercises.grading.relevance import same_topic_by_meaning
from exercises.grading.text import overlap
from exercises.grading.topic import question_off_topic, topic_phrase


def _question_sentence(reply: str) -> tuple[str, list[str]]:
    """The sentence that carries the question, and what comes before it."""
    sentences = split_sentences(reply) or [reply]
    for i in range(len(sentences) - 1, -1, -1):
        if "?" in sentences[i]:
            return sentences[i], sentences[:i]
    for i, s in enumerate(sentences):
        if find(cues.OPEN_REQUEST, s) or find(cues.OPEN_WH, s):
            return s, sentences[:i]
    return sentences[-1], sentences[:-1]


def grade_open_question(prompt: str, reply: str, answers: Sequence[str], coding: Coding) -> Assessment:
    a = Assessment()
    question, preamble = _question_sentence(reply)
    n_marks = reply.count("?")
    low = question.strip().lower()

    if n_marks >= 2 or (n_marks <= 1 and cues.DOUBLE_Q.search(low)):
        a.issues.append(
            "It asks two questions at once, so the person has to choose which one to answer. "
            "Keep the one that matters most."
        )
    for s in preamble:
        advice = find(ADVICE_MODAL, s) or find(cues.JUDGEMENT, s)
        if advice:
            a.issues.append(
                f"The lead-in {quote(advice)} steers the person before they've answered. Let the question "
                "stand on its own."
            )

    closed_reason = _closed_reason(question, coding)
    is_open = closed_reason is None and not a.issues
    if closed_reason:
        a.issues.append(closed_reason)
        a.recognisable = "?" in question or bool(find(cues.OPEN_WH, question))
    elif "?" not in question and not find(cues.OPEN_REQUEST, question):
        a.tips.append("Add a question mark so it reads clearly as a question.")

    off_topic = question_off_topic(reply, prompt, *answers) and not same_topic_by_meaning(
        reply, prompt, answers or (make_model_answer("open_question", prompt),))
    if off_topic:
        a.issues.append(_off_topic_message(prompt, good_shape=closed_reason is None and not a.issues))
    if is_open and not off_topic:
        opener = _opener(question)
        a.good.insert(0, f"It opens with {quote(opener)}, which invites the person to answer in their own words.")
        if find(cues.NEUTRAL_WHY, question):
            a.tips.append(
                "'Why' can sound like a request for justification. 'What makes this important to you?' "
                "asks the same thing more gently."
            )
        shared, _ = overlap(reply, prompt, *answers)
        a.strong = bool(shared)
        if shared:
            a.good.append("It stays on the same topic as the original question.")
    elif closed_reason is None and not off_topic and a.issues:
        opener = _opener(question)
        if find(cues.OPEN_WH, question) or find(cues.OPEN_REQUEST, question):
            a.good.insert(0, f"Starting with {quote(opener)} is the right instinct for an open question.")
    return a


def _off_topic_message(prompt: str, *, good_shape: bool) -> str:
    topic = topic_phrase(prompt)
    target = f"the original question about {topic}" if topic else f"the original question ({quote(prompt.strip())})"
    if good_shape:
        return (f"That's a good open question, but it's about something else. Rewrite {target} so the "
                "topic stays the same and only the shape changes.")
    return (f"It's a question about something else. The drill is to rewrite {target}, so keep the same "
            "topic and change only its shape.")


def _opener(question: str) -> str:
    words = question.strip().split()
    m = find(cues.OPEN_REQUEST, question)
    if m:
        return m
    return " ".join(words[:2]) if words else question


# Checked in order; the first cue found decides. A template of None means "that settles it: open".
_QUESTION_CHECKS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (cues.LEADING, "{q} makes it a leading question: it hints at the answer you want. "
                   "Ask in a way that leaves room for any answer."),
    (cues.JUDGING_WHY, "{q} can sound like an accusation, and people tend to defend themselves "
                       "rather than explore. Try 'What got in the way…' or 'How did…' instead."),
    (cues.DISGUISED_ADVICE_Q, "{q} is advice wearing a question mark. Ask about their view "
                              "rather than suggesting an answer."),
    (cues.OPEN_REQUEST, None),
    (cues.CLOSED_WH, "{q} asks for a fact, so the answer will be a number or a date. Ask about "
                     "their experience instead, with 'What…' or 'How…'."),
    (cues.CLOSED_OPENER, "It opens with {q}, which invites a yes/no answer. Starting with 'What' or "
                         "'How' gives the person room to tell you more."),
    (cues.OPEN_WH, None),
    (cues.NEUTRAL_WHY, None),
)


def _closed_reason(question: str, coding: Coding) -> str | None:
    """Why the question is not open, or None when it is open."""
    q = question.strip()
    for pattern, template in _QUESTION_CHECKS:
        found = find(pattern, q)
        if found:
            return template.format(q=quote(found)) if template else None
    last_q = [c for s, c, _ in coding.sentences if "?" in s]
    main = last_q[-1] if last_q else coding.code
    if main == "open_question":
        return None
    if main == "closed_question":
        return ("This reads as a yes/no question. Starting with 'What' or 'How' gives the person room "
                "to tell you more.")
    return ("I couldn't find an open question here. Try one question that starts with 'What' or 'How', "
            "or 'Tell me about…'.")
