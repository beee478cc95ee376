"""The failures #11 reported from `oars chat`, as a new user met them: meaning and MI spirit, not keywords."""

from __future__ import annotations

import pytest

from exercises.coder import learned
from exercises.grader import grade
from exercises.grading.problems import problem_feedback

pytestmark = pytest.mark.skipif(learned.load(learned.GRADER_FILE) is None, reason="learned model unavailable")

HOSPITAL = "My daughter has been in hospital for a week and nobody will tell us what's wrong."
UPDATE = "Your last update broke our whole reporting workflow. I'm done with this product."


def test_parroting_is_a_simple_reflection_at_best() -> None:
    parrot = HOSPITAL
    simple = grade("reflection", HOSPITAL, parrot)
    assert simple.score <= 2
    assert not any("step beyond" in line for line in simple.feedback)
    assert grade("complex_reflection", HOSPITAL, parrot).verdict == "revise"


def test_a_real_paraphrase_passes() -> None:
    verdict = grade("reflection", HOSPITAL, "A whole week of not knowing, and you're left in the dark about your girl.")
    assert verdict.verdict == "pass"


@pytest.mark.parametrize(
    ("kind", "prompt", "reply"),
    [
        ("reflection", HOSPITAL, "You feel happy and relaxed about it."),
        ("reflection", HOSPITAL, "I understand how you feel."),
        ("roll_with_resistance", UPDATE, "Oh sure, because you obviously know best."),
        ("roll_with_resistance", UPDATE, "I hear you, but our update was actually tested thoroughly."),
        ("roll_with_resistance", UPDATE, "Don't worry, everyone gets used to it after a week or two."),
        ("emphasize_autonomy", "I can't decide whether to take the night-shift job.",
         "Totally up to you, although I'd strongly recommend you don't."),
    ],
)
def test_mi_inconsistent_replies_are_revised(kind: str, prompt: str, reply: str) -> None:
    verdict = grade(kind, prompt, reply)
    assert verdict.verdict == "revise", verdict.feedback
    assert verdict.score <= 1


@pytest.mark.parametrize(
    ("kind", "reply", "prompts"),
    [
        ("affirmation", "You are a kind and hardworking person.",
         ["I finally asked my manager for help with the backlog.", "I went to the first support group meeting.",
          "I told my son I was sorry for shouting."]),
        ("roll_with_resistance", "You're right.",
         [UPDATE, "This training is a waste of my time.", "I'm not wearing the brace, it's pointless."]),
        ("emphasize_autonomy", "It's your choice.",
         ["I can't decide whether to take the night-shift job.", "Should I tell my family about the debt?",
          "I don't know if I want to try the new medication."]),
    ],
)
def test_one_generic_line_does_not_pass_every_drill_with_full_marks(kind: str, reply: str, prompts: list[str]) -> None:
    verdicts = [grade(kind, p, reply) for p in prompts]
    assert not any(v.verdict == "pass" and v.score == 3 for v in verdicts), [v.feedback for v in verdicts]


@pytest.mark.parametrize(
    ("kind", "prompt", "reply"),
    [
        ("open_question", "Have you tried anything to sleep better?", "What have you tried so far to sleep better?"),
        ("open_question", "Is this decision hard for you?", "Walk me through what's making this decision hard."),
    ],
)
def test_good_answers_are_not_marked_down(kind: str, prompt: str, reply: str) -> None:
    verdict = grade(kind, prompt, reply)
    assert verdict.verdict == "pass", verdict.feedback


def test_feedback_quotes_the_member_and_says_what_makes_three() -> None:
    verdict = grade("reflection", "My boss keeps changing the plan.", "The plan keeps changing.")
    if verdict.verdict == "pass" and verdict.score == 2:
        assert any(line.startswith("To make it 3/3") or "'" in line for line in verdict.feedback)
    revise = grade("open_question", "Did you finish the report?", "Did you finish it yet?")
    assert revise.verdict == "revise"
    assert any("'" in line for line in revise.feedback)


def test_a_revise_the_problem_head_cannot_pin_down_hears_it_is_close_not_an_accusation() -> None:
    from exercises.grader import _learned_lines, rule_view

    reply = "What did you think of it?"
    assessment = rule_view("open_question", "Did you like it?", reply)
    outcome, lines = _learned_lines("open_question", reply, 0.2, 0.3, None, assessment, parrot=False)
    assert outcome == "revise"
    assert any(line.startswith("Close, but it doesn't quite land yet.") for line in lines)
    assert not any("spotlight" in line or "judges" in line for line in lines)


@pytest.mark.parametrize(
    ("kind", "prompt", "reply"),
    [
        ("reflection", HOSPITAL, "You granite teapot softly whistle under carpets of marble and yesterday."),
        ("complex_reflection", HOSPITAL, "It sounds like violet engines borrow the quiet staircase tomorrow."),
        ("roll_with_resistance", UPDATE, "So you windmill pencil velvet across thunder of napkins."),
        ("open_question", "Did you take your tablets today?", "What crayon orbit the lemonade paragraph slowly?"),
        ("affirmation", "The client came back after missing a month.", "Your cactus marathon biscuit ceiling."),
    ],
)
def test_real_words_that_say_nothing_are_not_praised(kind: str, prompt: str, reply: str) -> None:
    """A string of real words with no sentence in it once passed as 'a clear reflection'; revised, it hears
    only that there was nothing to grade, not praise first."""
    verdict = grade(kind, prompt, reply)
    assert verdict.verdict == "revise"
    if verdict.score == 0:
        assert verdict.feedback[0] == problem_feedback("gibberish", kind, reply), verdict.feedback


def test_a_fluent_reply_about_something_else_is_revised_without_praise_for_its_content() -> None:
    """A reflection pasted under an affirmation drill about cold-calling (rota, kids: nothing the client said)
    passed 2/3 as "specific to them". It is revised, and the only line is the quoted problem."""
    prompt = ('Affirm a strength relevant to cold-calling. Client: "Cold-calling terrifies me. I did fine at the '
              'networking event last month, though. I talked to about ten people."')
    verdict = grade("affirmation", prompt,
                    "You feel worried that the rota keeps changing and it leaves you no time for your kids.")
    assert verdict.verdict == "revise"
    assert "didn't say" in verdict.feedback[0] and "'You feel worried" in verdict.feedback[0]
    assert not any("specific to them" in line for line in verdict.feedback)
