"""The cue tables' reading of question shapes: the specific, quoted feedback comes from these."""

from __future__ import annotations

import pytest

from exercises.grader import rule_view
from exercises.grading import cues


@pytest.mark.parametrize("question", ["Have you tried walking to work?", "So have you considered a smaller goal?",
                                      "have you thought about just asking her?"])
def test_suggestion_as_a_question_is_disguised_advice(question: str) -> None:
    assert cues.DISGUISED_ADVICE_Q.search(question)


@pytest.mark.parametrize("question", ["What have you tried so far?", "What else have you tried?",
                                      "How long have you thought about it?", "Which have you considered?"])
def test_asking_what_they_tried_is_an_open_question_not_advice(question: str) -> None:
    # #11: "What have you tried so far?" was called advice.
    assert not cues.DISGUISED_ADVICE_Q.search(question)
    assessment = rule_view("open_question", "Have you tried to cut down?", question)
    assert not any("advice" in line for line in assessment.issues)
