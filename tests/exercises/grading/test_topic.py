"""The topic a rewrite must keep, named in feedback: a short noun phrase, never a clause cut mid-way."""

from __future__ import annotations

import pytest

from exercises.grading.topic import topic_phrase


@pytest.mark.parametrize(("prompt", "topic"), [
    ("Have you been doing the after-lunch walks we talked about?", "the after-lunch walks"),
    ("Do you and your teenager ever manage to talk about screen time?", "your teenager"),
    ("You're missing your deadlines because you're not planning properly.", "your deadlines"),
    ("You're on your phone far too much.", "your phone"),
    ("You should have raised this grievance months ago.", "this grievance"),
    ("Your team hasn't logged in for a month.", "your team"),
    ("Is budget the main thing holding you back?", None),
    ("Did the team enjoy the away day?", "the away day"),
])
def test_topic_phrase(prompt: str, topic: str | None) -> None:
    assert topic_phrase(prompt) == topic


def test_quotes_say_enough_and_keep_the_member_s_case() -> None:
    from exercises.grading.cues import quote as quote_phrase
    from exercises.grading.problems import quote

    assert quote("Pause. You sound exhausted.") == "'Pause. You sound exhausted.'"
    assert quote("You feel angry. Really.") == "'You feel angry.'"
    assert quote_phrase("frustrated", capital=False) == "'frustrated'" and quote_phrase("what makes") == "'What makes'"
