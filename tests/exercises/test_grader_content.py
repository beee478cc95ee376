"""Content link: a well-shaped reply that shares nothing with the client never gets full marks unseen."""

from __future__ import annotations

from exercises.grader import grade
from exercises.grading.relevance import CHECK_CONTENT_TIP

KIDS = "My kids never listen to me anymore."


def test_off_content_reflection_is_not_praised_as_strong() -> None:
    verdict = grade("reflection", KIDS, "You love cooking.")
    assert verdict.score <= 2
    assert CHECK_CONTENT_TIP in verdict.feedback or verdict.verdict == "revise"


def test_paraphrase_without_shared_words_still_passes_kindly() -> None:
    verdict = grade("reflection", KIDS, "It feels like your words just bounce off them lately.")
    assert verdict.verdict == "pass"


def test_reflection_that_uses_their_words_can_earn_full_marks() -> None:
    verdict = grade("reflection", KIDS, "It feels like the kids don't listen to you anymore, and that stings.")
    assert verdict.verdict == "pass" and CHECK_CONTENT_TIP not in verdict.feedback


def test_off_content_affirmation_gets_the_check() -> None:
    prompt = 'A student says: "I rewrote my lab report after your comments, even the parts I thought were fine."'
    verdict = grade("affirmation", prompt, "You kept calling back even when it felt awkward, that took persistence.")
    assert verdict.score <= 2 and CHECK_CONTENT_TIP in verdict.feedback


def test_a_revised_reflection_is_not_called_strong_or_praised_for_the_feeling_it_gets_wrong() -> None:
    for reply in ("You feel angry at your boss.", "u seem rly stressd abt ur mum tbh"):
        verdict = grade("reflection", "I keep forgetting to drink water when I'm busy at my desk.", reply)
        assert verdict.verdict == "revise"
        text = " ".join(verdict.feedback)
        assert "A strong reflection" not in text and "puts words to a feeling" not in text


def test_a_revise_never_praises_what_its_problem_line_faults() -> None:
    closed = grade("open_question", "Is the new dashboard working for your team?",
                   "What do you think, is the dashboard working for your team?")
    assert closed.verdict == "revise" and "closed" in closed.feedback[0]
    client = "The update didn't break anything on our side. Your network is the problem."
    pushback = grade("roll_with_resistance", client, "The logs say otherwise, I am afraid.")
    assert pushback.verdict == "revise"
    assert not any("instead of arguing" in line for line in pushback.feedback)
