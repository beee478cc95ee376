"""The grader's verdict cache: same inputs, same verdict without grading again; bounded; emptied when the
loaded models change."""

from __future__ import annotations

import pytest

from exercises import grader
from exercises.coder import learned

SAID = "Nobody ever replies to my tickets."


def test_a_repeated_reply_gets_the_remembered_verdict() -> None:
    first = grader.grade("reflection", SAID, "You feel ignored when your tickets go unanswered.")
    again = grader.grade("reflection", SAID, "You feel ignored when your tickets go unanswered.")
    assert again is first
    other = grader.grade("reflection", SAID, "You should phone them instead.")
    assert other.verdict == "revise" and first.verdict == "pass"


def test_model_answers_are_part_of_the_key() -> None:
    plain = grader.grade("reflection", SAID, "You want someone to answer.")
    with_answer = grader.grade("reflection", SAID, "You want someone to answer.", ("You want someone to answer.",))
    assert with_answer is not plain
    assert with_answer.model_answer == "You want someone to answer."


def test_long_replies_are_graded_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grader, "CACHED_REPLY_CHARS", 20)
    reply = "You feel ignored when your tickets go unanswered."
    assert grader.grade("reflection", SAID, reply) is not grader.grade("reflection", SAID, reply)


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grader, "VERDICT_CACHE_SIZE", 3)
    for n in range(6):
        grader.grade("reflection", SAID, f"You have waited {n + 2} days for an answer.")
    assert len(grader._verdicts) <= 3


def test_the_cache_empties_when_the_models_change(monkeypatch: pytest.MonkeyPatch) -> None:
    reply = "You feel ignored when your tickets go unanswered."
    before = grader.grade("reflection", SAID, reply)
    monkeypatch.setattr(learned, "SECOND_GRADER_FILE", "no_such_grader.npz")  # the panel is the first head alone
    alone = grader.grade("reflection", SAID, reply)
    assert alone is not before and alone.verdict == "pass"


def test_clear_verdicts_grades_again() -> None:
    reply = "You feel ignored when your tickets go unanswered."
    before = grader.grade("reflection", SAID, reply)
    grader.clear_verdicts()
    after = grader.grade("reflection", SAID, reply)
    assert after is not before and after == before
